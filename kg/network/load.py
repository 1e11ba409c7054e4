"""What ``kg view`` reads: a graph, a dataset, graph files or a store directory, as one rdflib Graph.

The page needs one graph: the network is projected from it, and the sentence
and article of each fact are read from it. A dataset (TriG, N-Quads) is
merged the way a Turtle file holds it (:func:`kg.network.projection.one_graph`);
several files and stores are added together.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.network.projection import one_graph
from kg.network.report import ViewError
from kg.rdf.validate import read_graph
from kg.sparql.store import is_store, open_store, union_graph

#: What can be viewed: a graph or dataset in memory, or the paths of graph files and stores.
Viewable = Graph | str | Path | Iterable[str | Path]


def load(data: Viewable) -> Graph:
    """One graph from a graph, a dataset, graph files or a store directory (merged)."""
    if isinstance(data, Graph):
        return one_graph(data)
    paths = [data] if isinstance(data, (str, Path)) else list(data)
    if not paths:
        raise ViewError("no graph to view: give a graph file or a store directory")
    merged = Graph()
    for path in paths:
        merged += read_one(path)
    return merged


def read_one(path: str | Path) -> Graph:
    """The graph of one file, or the union graph of one store directory."""
    if is_store(path):
        return union_graph(open_store(path))
    return one_graph(read_graph(path))
