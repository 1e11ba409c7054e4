"""Upload a graph into a triple store over the SPARQL 1.1 Graph Store protocol: ``kg push``.

Why the Graph Store protocol: it is the one write interface that Oxigraph,
Fuseki, GraphDB, Virtuoso, Stardog, Blazegraph and Neptune all implement, so
``kg`` needs no client per product. Why one request per article graph: ``PUT
URL?graph=<article IRI>`` *replaces* that graph, so pushing a rebuilt corpus
updates each article in place and pushing twice changes nothing, the same
contract as ``kg build --store``; a request per article also keeps each body
small.

What is pushed: a TriG or N-Quads file or a store directory keeps its named
graphs (one per article, as ``kg`` writes them); a Turtle, N-Triples or
JSON-LD file is one graph, sent to ``graph`` when given, else to the store's
default graph. The source is read with Oxigraph (a strict parser: a broken
file fails before anything is sent) and each graph is sent as N-Triples.
"""

from __future__ import annotations

import base64
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.formats import rdf_extensions, rdf_from_path
from kg.rdf.mapping import is_http_iri
from kg.sparql.store import open_store

CONTENT_TYPE = "application/n-triples"
#: Seconds one request may take: an article graph is small, a whole-corpus Turtle file is not.
TIMEOUT = 300.0


class PushError(Exception):
    """A push that could not be done: one line saying which graph and why."""


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        noun = "graph" if self.graphs == 1 else "graphs"
        return f"{self.graphs} {noun}, {self.triples} triples pushed in {self.seconds:.1f} s"


# --- Reading the source ------------------------------------------------------


def open_source(path: str | os.PathLike[str], graph: str | None = None) -> ox.Store:
    """The graphs of ``path`` in an Oxigraph store: a store directory as it is, a file loaded.

    ``graph`` names the graph a single-graph file (Turtle, N-Triples, JSON-LD)
    goes to; it makes no sense for quads, which name their own graphs.
    Raises ``PushError`` for a missing, unknown or unparsable source.
    """
    path = Path(path)
    if graph is not None and not is_http_iri(graph):
        raise PushError(f"--graph must be an absolute http(s) IRI, got {graph!r}")
    if path.is_dir():
        if graph is not None:
            raise PushError(
                f"{path}: a store keeps one graph per article; --graph is for a Turtle or N-Triples file"
            )
        try:
            return open_store(path, read_only=True)
        except OSError as exc:
            raise PushError(f"{path}: not a graph store: {_one_line(exc)}") from None
    known = rdf_from_path(path)
    if known is None:
        raise PushError(f"{path}: unknown format; use one of {rdf_extensions()} or a store directory")
    fmt = known.oxigraph
    if not path.is_file():
        raise PushError(f"{path}: no such file")
    if graph is not None and known.quads:
        raise PushError(f"{path}: {fmt.name} names its own graphs; --graph is for a Turtle or N-Triples file")
    store = ox.Store()
    target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    try:
        if known.quads:
            store.load(path=str(path), format=fmt)
        else:
            store.load(path=str(path), format=fmt, to_graph=target)
    except (SyntaxError, ValueError, OSError) as exc:
        raise PushError(f"{path}: not valid {fmt.name}: {_one_line(exc)}") from None
    return store


def graphs_of(store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.DefaultGraph, bytes]]:
    """Each non-empty graph of ``store`` as N-Triples: the default graph first, then by name."""
    names: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    names += sorted((n for n in store.named_graphs() if isinstance(n, ox.NamedNode)), key=lambda n: n.value)
    for name in names:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        if data:
            yield name, data


# --- Sending -----------------------------------------------------------------------------


def graph_url(endpoint: str, name: ox.NamedNode | ox.DefaultGraph) -> str:
    """``endpoint?graph=<IRI>`` (percent-encoded), or ``endpoint?default`` for the default graph."""
    query = "default" if isinstance(name, ox.DefaultGraph) else urllib.parse.urlencode({"graph": name.value})
    return endpoint + ("&" if "?" in endpoint else "?") + query


def _describe(name: ox.NamedNode | ox.DefaultGraph) -> str:
    return "the default graph" if isinstance(name, ox.DefaultGraph) else f"graph <{name.value}>"


def put_graph(
    endpoint: str,
    name: ox.NamedNode | ox.DefaultGraph,
    data: bytes,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """PUT ``data`` (N-Triples) as graph ``name``, replacing it; ``PushError`` unless the store says 2xx."""
    headers = {"Content-Type": CONTENT_TYPE}
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(graph_url(endpoint, name), data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's endpoint
            response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read(500).decode("utf-8", "replace")
        detail = f": {_one_line(body)}" if body.strip() else ""
        raise PushError(f"PUT {_describe(name)} failed: HTTP {exc.code} {exc.reason}{detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"PUT {_describe(name)}: cannot reach {endpoint}: {_one_line(reason)}") from None


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` if it is an http(s) URL, else ``PushError``."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    return endpoint


def push(
    source: str | os.PathLike[str] | ox.Store,
    endpoint: str,
    *,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = TIMEOUT,
    on_graph: Callable[[str, int], None] = lambda name, triples: None,
) -> PushReport:
    """Upload every graph of ``source`` (a file, a store directory or an opened store) to ``endpoint``.

    Stops at the first graph the store refuses (``PushError``): the graphs
    before it are in place, and pushing again redoes them harmlessly.
    """
    check_endpoint(endpoint)
    started = time.perf_counter()
    report = PushReport()
    store = source if isinstance(source, ox.Store) else open_source(source, graph)
    for name, data in graphs_of(store):
        put_graph(endpoint, name, data, user=user, password=password, timeout=timeout)
        triples = data.count(b"\n")
        report.graphs += 1
        report.triples += triples
        on_graph(_describe(name), triples)
    report.seconds = time.perf_counter() - started
    return report


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:300]
