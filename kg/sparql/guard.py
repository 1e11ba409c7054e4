"""What a public endpoint must refuse, found in the parsed query, and a worker that cannot reach the network.

Why a parser: a hand-made tokenizer read ``BIND(<http://x/\\u0041#> AS ?z)``
as the start of a comment and let the ``SERVICE`` after it through, and
Oxigraph then fetched the URL. So the query is parsed by rdflib's SPARQL
grammar (which expands ``\\uXXXX`` escapes first, as the standard says) and
its parse tree is searched for the SERVICE pattern and for any update
(``LOAD``, ``INSERT``, ...).

Why more than a parser: rdflib's grammar is not Oxigraph's. It fails on some
queries Oxigraph runs (the one above among them: it too reads ``#>`` as a
comment there), and two parsers that disagree are a bypass waiting to be
found. So every query worker also leaves the host's network
(:func:`leave_network`: a new, empty network namespace, whose loopback is
down): a SERVICE that slipped through fails with "Network is unreachable".
A query rdflib cannot parse runs only in such a worker; where namespaces are
not available (not Linux, no user namespaces), it is refused.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import threading
from dataclasses import dataclass

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

#: unshare(2) flags: a new user namespace (so no privilege is needed) holding a new network namespace.
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


class Refused(Exception):
    """A query a read-only endpoint that sends no requests must not run; the message says why."""


@dataclass(frozen=True)
class Parsed:
    """What the parse found: whether rdflib could parse the query at all."""

    understood: bool


def _names(node: object, found: set[str]) -> set[str]:
    """The names of every grammar rule in a parse tree (``ServiceGraphPattern``, ``Load``, ...)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            found.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "as_list") and not isinstance(item, str):  # a pyparsing ParseResults
            stack.extend(list(item))
    return found


def check_query(text: str) -> Parsed:
    """Raise :class:`Refused` for a SERVICE, a LOAD or any update; say whether the query was parsed.

    The verdicts of the last 4096 texts are kept: parsing costs some 2.6 ms, and
    an endpoint sees the same queries again and again.
    """
    refusal, parsed = _verdict(text)
    if refusal is not None:
        raise Refused(refusal)
    return parsed


#: rdflib's grammar is a pyparsing parser, whose packrat cache is shared and not thread-safe: two
#: threads parsing at once made a good query fail to parse (and the failure was cached).
_PARSING = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _verdict(text: str) -> tuple[str | None, Parsed]:
    try:
        with _PARSING:
            return None, _check_query(text)
    except Refused as refused:
        return str(refused), Parsed(understood=True)


def _check_query(text: str) -> Parsed:
    try:
        tree = parseQuery(text)
    except (ParseBaseException, ValueError, TypeError):
        tree = None
    if tree is not None:
        if "ServiceGraphPattern" in _names(tree, set()):
            raise Refused("SERVICE is refused: this endpoint sends no requests to other hosts")
        return Parsed(understood=True)
    try:
        update = parseUpdate(text)
    except (ParseBaseException, ValueError, TypeError):
        return Parsed(understood=False)
    if "Load" in _names(update, set()):
        raise Refused("LOAD is refused: the graph is read-only and this endpoint sends no requests")
    raise Refused("updates are refused: the graph is read-only")


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def may_name_service(text: str) -> bool:
    """Whether the word SERVICE could be anywhere in the query, in any case, escaped or not, even in a
    string or a comment.

    A query this says no to cannot reach another host whatever a parser makes
    of it: such a query may run outside the workers' empty network namespace
    (the quick lane of :class:`kg.sparql.endpoint.Endpoint`). A query that ran
    in a worker without fault proves nothing by itself: ``SERVICE SILENT``
    fails quietly where there is no network.
    """

    def expand(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else ""

    expanded = _ESCAPE.sub(expand, text)
    return "service" in expanded.casefold() or "service" in expanded.lower()


def leave_network() -> bool:
    """Move this process into a new network namespace with no interface up; whether it worked.

    Meant for a freshly forked, single-threaded query worker (unshare refuses a
    new user namespace to a process with threads). Costs about 3 ms.
    """
    if not hasattr(os, "fork"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:  # enough when the server runs as root
            return True
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False
