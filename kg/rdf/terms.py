"""RDF terms as their N-Triples text: how a build handles millions of them.

Why text and not rdflib or Oxigraph objects: a build of ten thousand articles
makes, compares and writes millions of terms. An rdflib ``Literal`` costs some
5 µs to make; an Oxigraph ``Quad`` holding a literal about as much (its
arguments cross into Rust one guess at a time). A Python string is made,
hashed and compared in C, and a triple written as an N-Triples line is its own
canonical key: the union of the articles is a set of lines, the store
bulk-loads them and Oxigraph parses them in Rust.

Literals are written by Oxigraph (``str(pyoxigraph.Literal(...))``), so their
escaping is exactly the one its serializers and parsers use. IRIs are written
as they are: every IRI kg makes is checked or built from slugs and digests
(:mod:`kg.rdf.mapping`), so it never holds a character N-Triples forbids.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.rdf import namespaces

#: One term in N-Triples: ``<http://...>`` or ``"text"``, ``"1"^^<...#integer>``, ``"text"@en``.
Term = str
#: One triple of terms.
NtTriple = tuple[str, str, str]

_XSD_STRING = str(XSD.string)


def iri(value: str) -> Term:
    """The term of an IRI that is known to be valid (see the module's note)."""
    return f"<{value}>"  # not "<" + value: an rdflib URIRef would make the sum a URIRef


#: Unicode's noncharacters (U+FDD0..U+FDEF and the last two code points of every plane).
_NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
    + "]"
)


def literal(value: str, datatype: str | None = None, language: str | None = None) -> Term:
    """The term of a literal, written by Oxigraph; ``datatype`` is an IRI (not a term).

    A noncharacter (U+FFFE...) becomes U+FFFD, the replacement character: RDF
    syntaxes allow them, but raptor's parsers reject a file holding one, raw or
    escaped, and they are not text (found by tests/test_fuzz_writers.py).
    """
    if _NONCHARACTER.search(value):
        value = _NONCHARACTER.sub("\ufffd", value)
    if language:
        return str(ox.Literal(value, language=language))
    if datatype and datatype != _XSD_STRING:
        return str(ox.Literal(value, datatype=_named_node(datatype)))
    return str(ox.Literal(value))


@lru_cache(maxsize=256)
def _named_node(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


class Vocabulary:
    """The terms of one namespace: ``Vocabulary(DKG).speaker`` is ``"<...ontology#speaker>"``."""

    def __init__(self, namespace: str) -> None:
        self._namespace = str(namespace)

    def __getattr__(self, name: str) -> Term:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> Term:
        return iri(self._namespace + name)


def line(triple: NtTriple) -> str:
    """The N-Triples line of a triple, newline included."""
    return f"{triple[0]} {triple[1]} {triple[2]} .\n"


def quad_line(triple: NtTriple, graph: Term) -> str:
    """The N-Quads line of a triple in the named graph ``graph``, newline included."""
    return f"{triple[0]} {triple[1]} {triple[2]} {graph} .\n"


def literal_value(term: Term) -> str:
    """The lexical form of a literal term: ``'"a\\\\"b"@en'`` gives ``'a"b'``.

    Oxigraph escapes as JSON does (``\\"``, ``\\\\``, ``\\n``, ``\\uXXXX``...),
    so JSON reads the quoted part back.
    """
    return json.loads(term[: term.rindex('"') + 1])


def integer_value(term: Term) -> int | None:
    """The value of an ``xsd:integer`` literal term, else None."""
    if not term.endswith("#integer>") or not term.startswith('"'):
        return None
    end = term.rindex('"')
    if term[end:] != '"^^<http://www.w3.org/2001/XMLSchema#integer>':
        return None
    try:
        return int(term[1:end])
    except ValueError:
        return None


# --- To and from rdflib and Oxigraph -----------------------------------------------


@lru_cache(maxsize=1 << 16)
def to_rdflib(term: Term) -> URIRef | Literal:
    """The rdflib term of an N-Triples term (kg's graphs hold no blank nodes)."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    if not term.startswith('"'):
        raise ValueError(f"not an IRI or literal term: {term!r}")
    end = term.rindex('"')
    value, suffix = json.loads(term[: end + 1]), term[end + 1 :]
    if suffix.startswith("@"):
        return Literal(value, lang=suffix[1:])
    if suffix.startswith("^^<"):
        datatype = suffix[3:-1]
        return Literal(value) if datatype == _XSD_STRING else Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def from_rdflib(term: object) -> Term:
    """The N-Triples term of an rdflib IRI or literal."""
    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, Literal):
        return literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    if isinstance(term, BNode):
        return str(ox.BlankNode(str(term)))
    raise TypeError(f"cannot convert the term {term!r}")


def to_oxigraph(term: Term) -> ox.NamedNode | ox.Literal:
    """The Oxigraph term of an N-Triples term (for the few quads written one at a time)."""
    if term.startswith("<"):
        return ox.NamedNode(term[1:-1])
    return next(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES)).object


# --- The terms kg writes --------------------------------------------------------------

#: ``DKG.speaker`` is ``"<https://w3id.org/defense-kg/ontology#speaker>"``.
DKG, SCHEMA = Vocabulary(namespaces.DKG), Vocabulary(namespaces.SCHEMA)
DCTERMS, SKOS = Vocabulary("http://purl.org/dc/terms/"), Vocabulary("http://www.w3.org/2004/02/skos/core#")
TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
ALT_LABEL = SKOS.altLabel
TRUE = literal("true", "http://www.w3.org/2001/XMLSchema#boolean")
FALSE = literal("false", "http://www.w3.org/2001/XMLSchema#boolean")
