"""Every file format a build writes, RDF or network, by its name in :mod:`kg.rdf.formats`.

The RDF writer (:mod:`kg.rdf.export`) knows nothing of networks, and the
network projection (:mod:`kg.network.projection`) nothing of files; here is
where a format name picks one of them. The projection is imported for the
network formats only: it imports networkx, which no RDF build needs.
"""

from __future__ import annotations

import os

from rdflib import Graph

from kg.rdf.export import ntriples_bytes_as, ntriples_to_graph, serialize, union, write_atomic, write_graph
from kg.rdf.formats import by_name
from kg.rdf.namespaces import DEFAULT_BASE

__all__ = ["graph_bytes", "union_bytes", "write_file"]


def union_bytes(ntriples: bytes, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """The union of a build (sorted N-Triples, :meth:`kg.rdf.union.FileUnion.ntriples`) in format ``fmt``."""
    if by_name(fmt).rdf:
        return ntriples_bytes_as(ntriples, fmt, base)
    return _network(ntriples_to_graph(ntriples, base), fmt)


def graph_bytes(data: Graph, fmt: str) -> bytes:
    """A graph or dataset in format ``fmt``, as stable bytes; a network format draws its union."""
    if by_name(fmt).rdf:
        return serialize(data, fmt)
    return _network(union(data), fmt)


def write_file(path: str | os.PathLike[str], data: Graph, fmt: str = "turtle") -> int:
    """Write ``data`` to ``path`` atomically in format ``fmt``; return the triples (or quads) written.

    For a network format, the triples of the union it is drawn from.
    """
    if by_name(fmt).rdf:
        return write_graph(path, data, fmt)
    merged = union(data)
    write_atomic(path, _network(merged, fmt))
    return len(merged)


def _network(graph: Graph, fmt: str) -> bytes:
    from kg.network.projection import write_network  # noqa: PLC0415 - networkx, for these formats only

    return write_network(graph, fmt)
