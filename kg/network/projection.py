"""The knowledge graph as a network of who does what with whom: for Gephi and the HTML view.

RDF says everything with triples, including the facts about facts (a funding
is a node with a funder, a recipient and an amount). A network tool wants the
actors as nodes and what links them as labelled edges, so :func:`project`
turns the RDF graph into a ``networkx.MultiDiGraph``:

========================  ===================================  ==========================
what                      in the network                       edge ``label``
========================  ===================================  ==========================
Person, Organization      a node (its class, colour, mentions)
(and kinds), Country,
Place, Program
Statement                 a node with the quote; speaker → it  ``said``
Funding                   funder → recipient, with the amount  ``funds`` (+ the amount)
Role                      person → body, with the title        the title ("Defense Minister")
memberOf                  member → organisation                ``member of``
Event                     a node; participant → it; it → place ``took part in``, ``held in``
========================  ===================================  ==========================

Statements and events are nodes because they join more than two things (a
meeting of five) or carry text worth reading (a quote); fundings, posts and
memberships are edges because they join exactly two actors.

Every node and edge attribute is a plain string, number or boolean, so the
network writes to GraphML and GEXF as it is; a value that is missing is left
out rather than written empty. Class names, labels, colours and shapes come
from the ontology (:func:`kg.rdf.vocab.classes`), not from this module. Nodes and
edges are added in a sorted order, so the files written from the same graph
are byte-identical.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

import kg.kinds  # noqa: F401  (registers the built-in fact kinds)
from kg.facts import ENTITY_TYPES, fact_kinds
from kg.rdf.mapping import merge_graphs
from kg.rdf.namespaces import DEFAULT_BASE, DKG
from kg.rdf.vocab import DEFAULT_COLOR, DEFAULT_SHAPE, classes

#: Longest node label of a statement (the full quote is in its ``text``).
LABEL_CHARS = 80

#: vocab shapes (vis.js names) to the four shapes GEXF viz knows.
_GEXF_SHAPES = {"dot": "disc", "star": "disc", "hexagon": "disc", "square": "square", "triangle": "triangle"}


# --- Reading the RDF graph ---------------------------------------------------------


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _first(graph: Graph, node: URIRef, prop: URIRef) -> Literal | URIRef | None:
    """The smallest value of ``prop`` (a graph may hold several; the choice must be stable)."""
    values = sorted(graph.objects(node, prop), key=lambda v: (str(v), v.n3()))
    return values[0] if values else None


def _local(iri: object, namespace: str = str(DKG)) -> str:
    text = str(iri)
    return text[len(namespace) :] if text.startswith(namespace) else text.rsplit("/", 1)[-1]


def _tail(iri: URIRef) -> str:
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or str(iri)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """One line of at most ``limit`` characters, cut at the end with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _topics(graph: Graph, node: URIRef) -> str:
    """The labels of the topics a statement or funding is about, "; "-joined."""
    labels = {_text(_first(graph, t, SKOS.prefLabel)) or _tail(t) for t in graph.objects(node, DKG.about)}
    return "; ".join(sorted(labels))


def _class_of(graph: Graph, node: URIRef) -> str:
    """The finest ontology class of an entity: its kind ("Ministry") before its core type."""
    infos = classes()
    names = sorted(_local(t) for t in graph.objects(node, RDF.type) if str(t).startswith(str(DKG)))
    kinds = [n for n in names if n in infos and infos[n].core and n not in ENTITY_TYPES]
    cores = [n for n in names if n in ENTITY_TYPES]
    return (kinds or cores or names or ["Thing"])[0]


def _style(name: str) -> dict[str, str]:
    info = classes().get(name)
    if info is None:
        return {
            "class": name,
            "class_label": name,
            "core": "",
            "color": DEFAULT_COLOR,
            "shape": DEFAULT_SHAPE,
        }
    return {
        "class": name,
        "class_label": info.label,
        "core": info.core or name,
        "color": info.color,
        "shape": info.shape,
    }


# --- The graph projected, and the nodes of the network -------------------------------


def one_graph(data: Graph) -> Graph:
    """A dataset's article graphs merged as a Turtle file holds them; a plain graph as it is.

    The merge is :func:`kg.rdf.mapping.merge_graphs` (one label per node, summed
    mention counts), not a plain union: the network must count what the file counts.
    """
    if not isinstance(data, Dataset):
        return data
    graphs = sorted((g for g in data.graphs() if len(g)), key=lambda g: str(g.identifier))
    return merge_graphs(graphs, str(dict(data.namespaces()).get("r", DEFAULT_BASE)))


def subnetwork(net: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """The part of ``net`` on ``nodes``, its nodes sorted and its edges in ``net``'s (sorted) order.

    networkx's ``subgraph`` lists a small part's nodes in the order of a Python
    set, which changes with the hash seed: pages drawn from it would differ
    from one process to the next.
    """
    keep = set(nodes)
    part = nx.MultiDiGraph()
    part.add_nodes_from((node, net.nodes[node]) for node in sorted(keep))
    part.add_edges_from(
        (tail, head, key, attrs)
        for tail, head, key, attrs in net.edges(keys=True, data=True)
        if tail in keep and head in keep
    )
    return part


def fact_node_classes() -> tuple[str, ...]:
    """The classes of the facts drawn as nodes (quotes, meetings), beside the entities."""
    return tuple(kind.rdf_class for kind in fact_kinds() if kind.node)


def is_entity(attrs: dict) -> bool:
    """An actor (person, organisation, country...) rather than a quote or a meeting."""
    return attrs.get("core") in ENTITY_TYPES


def mentions(attrs: dict) -> int:
    """How often the articles name an entity (0 for a fact node)."""
    return int(attrs.get("mentions", 0) or 0)


def node_label(net: nx.MultiDiGraph, node: str) -> str:
    return str(net.nodes[node].get("label", node))


# --- The projection -----------------------------------------------------------------


class Projection:
    """Collects nodes and edges, then adds them to the network in sorted order.

    What a fact kind's ``draw`` works with (see :class:`kg.facts.FactKind`): it
    reads the RDF graph through :meth:`typed`, :meth:`objects`, :meth:`text`...
    (properties by their ``dkg:`` local name) and adds :meth:`fact_node` s and
    :meth:`edge` s between :meth:`entity` nodes.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.nodes: dict[str, dict] = {}
        self.edges: list[tuple[str, str, str, dict]] = []

    # Reading the graph ----------------------------------------------------------------

    def typed(self, class_name: str) -> list[URIRef]:
        """The nodes of the ``dkg:`` class, sorted."""
        return _typed(self.graph, DKG[class_name])

    def objects(self, node: URIRef, prop: str) -> list:
        """The values of ``dkg:<prop>`` on ``node``, sorted."""
        return sorted(self.graph.objects(node, DKG[prop]))

    def pairs(self, prop: str) -> list[tuple]:
        """Every (subject, object) of ``dkg:<prop>``, sorted."""
        return sorted(self.graph.subject_objects(DKG[prop]))

    def text(self, node: URIRef, prop: str) -> str:
        """The first value of ``dkg:<prop>`` as text ("" when none)."""
        return _text(_first(self.graph, node, DKG[prop]))

    def label(self, node: URIRef) -> str:
        return _text(_first(self.graph, node, RDFS.label))

    def value(self, node: URIRef, prop: str) -> object:
        """The Python value of the first literal of ``dkg:<prop>``, else None."""
        found = _first(self.graph, node, DKG[prop])
        return found.toPython() if isinstance(found, Literal) else None

    def topics(self, node: URIRef) -> str:
        return _topics(self.graph, node)

    short = staticmethod(shorten)
    tail = staticmethod(_tail)

    # Adding nodes and edges -----------------------------------------------------------

    def entity(self, node: URIRef) -> str:
        """The node of an entity (added on first use, even if the graph never typed it)."""
        key = str(node)
        if key in self.nodes:
            return key
        g = self.graph
        attrs = {"label": _text(_first(g, node, RDFS.label)) or _tail(node), "iri": key}
        attrs |= _style(_class_of(g, node))
        counts = [
            o.value for o in g.objects(node, DKG.mentionCount) if isinstance(getattr(o, "value", None), int)
        ]
        attrs["mentions"] = int(sum(counts))
        same = _first(g, node, OWL.sameAs)
        if same is not None:
            attrs["same_as"] = str(same)
        posts = sorted({_text(_first(g, r, RDFS.label)) for r in g.objects(node, DKG.holdsRole)} - {""})
        if posts:
            attrs["posts"] = "; ".join(posts)
        self.nodes[key] = attrs
        return key

    def fact_node(self, node: URIRef, class_name: str, label: str, **extra: object) -> str:
        key = str(node)
        attrs = {"label": label, "iri": key} | _style(class_name)
        source = _first(self.graph, node, DKG.source)
        if source is not None:
            attrs["article"] = str(source)
        attrs |= {k: v for k, v in extra.items() if v not in (None, "")}
        self.nodes[key] = attrs
        return key

    def edge(self, tail: str, head: str, key: str, relation: str, label: str, **extra: object) -> None:
        attrs = {"relation": relation, "label": label} | {
            k: v for k, v in extra.items() if v not in (None, "")
        }
        self.edges.append((tail, head, key, attrs))

    def entities(self) -> None:
        for core in ENTITY_TYPES:
            for node in self.graph.subjects(RDF.type, DKG[core]):
                if isinstance(node, URIRef):
                    self.entity(node)

    def network(self) -> nx.MultiDiGraph:
        net = nx.MultiDiGraph()
        for key in sorted(self.nodes):
            net.add_node(key, **_xml_safe(self.nodes[key]))
        for source, target, key, attrs in sorted(self.edges, key=lambda e: e[:3]):
            net.add_edge(source, target, key=key, **_xml_safe(attrs))
        return net


def _xml_safe(attrs: dict) -> dict:
    """Line ends as "\n": XML readers turn "\r\n" and "\r" into "\n" anyway, so the files read back alike."""
    return {
        k: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for k, v in attrs.items()
    }


def _typed(graph: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(n for n in graph.subjects(RDF.type, cls) if isinstance(n, URIRef))


def project(data: Graph) -> nx.MultiDiGraph:
    """The network of ``data`` (a graph, or a dataset whose article graphs are merged first).

    Node ids are IRIs. Node attributes: ``label``, ``iri``, ``class`` (the
    finest ontology class, "Ministry"), ``class_label``, ``core`` (the core
    class, "Organization"; the class itself for statements and events),
    ``color`` ("#f28e2b") and ``shape`` from the ontology; entities add
    ``mentions`` (how often the articles name them), ``same_as`` (Wikidata) and
    ``posts`` (the titles a person holds); statements add ``text``, ``direct``,
    ``date``, ``topics`` and ``article`` (the IRI of the article it was read in); events ``kind``,
    ``date`` and ``article``. Edge attributes: ``relation`` (said, funds, holds
    post, member of, took part in, held in) and ``label`` (what to draw on the
    edge: the title of a post, the amount of a funding), with ``amount``,
    ``value``, ``currency``, ``topics``, ``article`` and ``iri`` on fundings.
    """
    projection = Projection(one_graph(data))
    projection.entities()
    for kind in fact_kinds():
        kind.draw(projection)
    return projection.network()


# --- Writing ----------------------------------------------------------------------------


def _rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        return _rgb(DEFAULT_COLOR)


def graphml(net: nx.MultiDiGraph) -> bytes:
    """The network as GraphML; nodes also get ``r``, ``g``, ``b``, the colour Gephi reads from GraphML."""
    net = net.copy()
    for _, attrs in net.nodes(data=True):
        attrs["r"], attrs["g"], attrs["b"] = _rgb(str(attrs.get("color", DEFAULT_COLOR)))
    stream = io.BytesIO()
    nx.write_graphml(net, stream, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return stream.getvalue()


def gexf(net: nx.MultiDiGraph) -> bytes:
    """The network as GEXF 1.2, with each node's colour, size and shape as Gephi's ``viz`` data.

    networkx stamps today's date in the file's metadata; it is dropped so that
    the same graph gives the same bytes on every day.
    """
    net = net.copy()
    for _, attrs in net.nodes(data=True):
        r, g, b = _rgb(str(attrs.get("color", DEFAULT_COLOR)))
        size = 10.0 + 2.0 * float(attrs.get("mentions", 0) or 0)
        shape = _GEXF_SHAPES.get(str(attrs.get("shape")), "disc")
        attrs["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": size, "shape": shape}
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "kg"
    writer.add_graph(net)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def write_network(data: Graph, fmt: str) -> bytes:
    """``data`` projected (:func:`project`) and written as ``fmt``: "graphml" or "gexf"."""
    writers = {"graphml": graphml, "gexf": gexf}
    if fmt not in writers:
        raise ValueError(f"unknown network format {fmt!r}; choose graphml or gexf")
    return writers[fmt](project(data))
