"""Which nodes ``kg view`` draws: a part of the network chosen by focus, hops, types and max nodes.

A corpus's network is too large to read at once, so the page shows a part of
it: the classes asked for (``types``), the nodes within ``hops`` links of an
entity (``focus``), and of those the ``max_nodes`` most mentioned and
connected. The choice is stable: ties go by label, then by IRI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.network.projection import fact_node_classes, is_entity, mentions, node_label
from kg.network.report import DEFAULT_MAX_NODES, ViewError
from kg.rdf.vocab import classes

#: Names listed when --focus matches several entities.
AMBIGUOUS_SHOWN = 5


@dataclass
class Choice:
    """What :func:`choose` chose."""

    #: The nodes to draw, sorted.
    keep: list[str]
    #: How many nodes focus and types left out.
    filtered: int
    #: The nodes max_nodes cut (and the quotes and meetings left alone), most mentioned first.
    cut: list[str]

    def cut_classes(self, net: nx.MultiDiGraph) -> Counter:
        """How many nodes of each class (by label) were cut."""
        return Counter(net.nodes[n]["class_label"] for n in self.cut)

    def cut_names(self, net: nx.MultiDiGraph, limit: int) -> list[str]:
        """The names of the first ``limit`` entities cut: the most mentioned, to show what is missing."""
        return [node_label(net, n) for n in self.cut if is_entity(net.nodes[n])][:limit]


def choose(
    net: nx.MultiDiGraph,
    graph: Graph,
    *,
    focus: str | None = None,
    hops: int = 2,
    types: Sequence[str] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Choice:
    """The nodes to draw: those of ``types``, within ``hops`` of ``focus``, at most ``max_nodes`` of them.

    A quote or meeting whose every actor was cut goes too: alone it says nothing.
    """
    centre = find_entity(net, graph, focus) if focus else None
    wanted = type_names(types) if types else set()
    keep = _of_types(net, wanted, centre) if wanted else set(net)
    if centre is not None:
        keep = set(nx.ego_graph(net.subgraph(keep), centre, radius=hops, undirected=True))
    ranked = sorted(keep, key=lambda n: (n != centre, *_rank(net, n)))
    kept, cut = set(ranked[:max_nodes]), ranked[max_nodes:]
    orphans = _orphans(net, kept)
    kept -= set(orphans)
    return Choice(sorted(kept), len(net) - len(keep), sorted(cut + orphans, key=lambda n: _rank(net, n)))


def _of_types(net: nx.MultiDiGraph, wanted: set[str], centre: str | None) -> set[str]:
    """The nodes whose class or core class is wanted, and the centre whatever its class."""
    return {n for n in net if {net.nodes[n]["class"], net.nodes[n]["core"]} & wanted or n == centre}


def _orphans(net: nx.MultiDiGraph, kept: set[str]) -> list[str]:
    """Fact nodes (quotes, meetings) none of whose neighbours is kept."""
    return [
        n
        for n in kept
        if not is_entity(net.nodes[n]) and not any(m in kept for m in nx.all_neighbors(net, n))
    ]


def _rank(net: nx.MultiDiGraph, node: str) -> tuple:
    """Most mentioned and connected first; ties by label, then id, so the cut is stable."""
    attrs = net.nodes[node]
    return (-(mentions(attrs) + net.degree(node)), _casefold(attrs["label"]), node)


# --- Names a user gives -----------------------------------------------------------------


def _casefold(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def find_entity(net: nx.MultiDiGraph, graph: Graph, text: str) -> str:
    """The node of the entity ``text`` names: its IRI, label or other name, else a unique part of a label."""
    entities = {n: a for n, a in net.nodes(data=True) if is_entity(a)}
    if text in entities:
        return text
    wanted = _casefold(text)
    found = (
        sorted(n for n, a in entities.items() if _casefold(a["label"]) == wanted)
        or sorted(n for n in entities if _has_other_name(graph, n, wanted))
        or sorted(n for n, a in entities.items() if wanted and wanted in _casefold(a["label"]))
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise ViewError(f"--focus {text!r}: no entity of that name in the graph")
    shown = found[:AMBIGUOUS_SHOWN]
    names = ", ".join(f"{entities[n]['label']} ({entities[n]['class_label']})" for n in shown)
    more = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
    raise ViewError(f"--focus {text!r} names several entities: {names}{more}; give the full name or the IRI")


def _has_other_name(graph: Graph, node: str, wanted: str) -> bool:
    return any(_casefold(alt) == wanted for alt in graph.objects(URIRef(node), SKOS.altLabel))


def type_names(types: Sequence[str]) -> set[str]:
    """The class names ``types`` asks for ("person,Ministry" -> {"Person", "Ministry"}), else a ViewError."""
    drawable = {n: c for n, c in classes().items() if c.core or n in fact_node_classes()}
    keys = {_casefold(k): n for n, c in drawable.items() for k in (n, c.label)}
    chosen = set()
    for token in (t.strip() for item in types for t in item.split(",")):
        if not token:
            continue
        name = keys.get(_casefold(token)) or keys.get(_singular(_casefold(token)))
        if name is None:
            raise ViewError(f"--types: unknown type {token!r}; choose from {', '.join(sorted(drawable))}")
        chosen.add(name)
    return chosen


def _singular(word: str) -> str:
    """ "countries" -> "country", "persons" -> "person": --types reads as English either way."""
    return word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")
