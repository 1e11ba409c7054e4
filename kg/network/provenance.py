"""The facts a node or an edge of the page stands for, each with the sentence and article it was read in.

The network carries no evidence (GraphML and GEXF stay small), so the text
that hovering or clicking shows is read here from the RDF graph: a fact's
``dkg:evidence`` sentences and the title and date of its ``dkg:source``
article. A post (a person's role) is one node for every article that names
it, so each of its ``dkg:reading`` pairs a sentence with its own article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.network.projection import is_entity, node_label
from kg.rdf.namespaces import DKG, SCHEMA

#: Facts listed per node (the panel says how many more there are).
MAX_FACTS = 25


@dataclass(frozen=True)
class Source:
    """One sentence of a fact and the article (title and date) it was read in."""

    evidence: str
    article: str


class Provenance:
    """The evidence sentences and article titles of fact nodes, read from the RDF graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._titles: dict[str, str] = {}
        #: A membership is an edge of the network but a node of its own in the RDF.
        self.memberships: dict[tuple[str, str], list[URIRef]] = defaultdict(list)
        for node in sorted(graph.subjects(DKG.member, None, unique=True)):
            for member in graph.objects(node, DKG.member):
                for org in graph.objects(node, DKG.organization):
                    self.memberships[(str(member), str(org))].append(node)

    def title(self, article: URIRef) -> str:
        """ "Title (date)" of an article, else its URL or the last part of its IRI."""
        key = str(article)
        if key not in self._titles:
            g = self.graph
            title = g.value(article, DCTERMS.title) or g.value(article, SCHEMA.url)
            date = g.value(article, DCTERMS.date)
            text = str(title) if title is not None else key.rstrip("/").rsplit("/", 1)[-1]
            self._titles[key] = f"{text} ({date})" if date is not None else text
        return self._titles[key]

    def of(self, fact: str | URIRef | None) -> list[Source]:
        """Each evidence sentence of ``fact``, with the article(s) it was read in."""
        if not fact:
            return []
        node = URIRef(str(fact))
        if readings := self.readings(node):
            return readings
        articles = "; ".join(sorted({self.title(a) for a in self.graph.objects(node, DKG.source)}))
        sentences = sorted({str(e) for e in self.graph.objects(node, DKG.evidence)})
        return [Source(s, articles) for s in sentences] or ([Source("", articles)] if articles else [])

    def readings(self, role: URIRef) -> list[Source]:
        """A post's sentences, each with the one article it was read in (a post is one node for all)."""
        g = self.graph
        pairs = {
            Source(str(evidence), self.title(article))
            for reading in g.objects(role, DKG.reading)
            for article in g.objects(reading, DKG.source)
            for evidence in g.objects(reading, DKG.evidence)
        }
        return sorted(pairs, key=lambda source: (source.article, source.evidence))

    def of_membership(self, member: str, org: str) -> list[Source]:
        return [s for node in self.memberships.get((member, org), []) for s in self.of(node)]


def shown(sources: Iterable[Source]) -> list[dict]:
    """Sources as the page's JSON has them."""
    return [{"evidence": s.evidence, "article": s.article} for s in sources]


# --- One edge as a fact ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    net: nx.MultiDiGraph
    source: str
    target: str
    attrs: dict

    @property
    def who(self) -> str:
        return node_label(self.net, self.source)

    @property
    def what(self) -> str:
        return node_label(self.net, self.target)


def _said(edge: _Edge, prov: Provenance) -> dict:
    statement = edge.net.nodes[edge.target]
    how = " · ".join(x for x in (_said_how(statement), _about(statement.get("topics"))) if x)
    return {
        "head": f"{edge.who} said",
        "quote": statement.get("text", edge.what),
        "lines": [how],
        "sources": shown(prov.of(edge.target)),
    }


def _funds(edge: _Edge, prov: Provenance) -> dict:
    amount = f": {edge.attrs['amount']}" if edge.attrs.get("amount") else ""
    topics = edge.attrs.get("topics")
    return {
        "head": f"{edge.who} funds {edge.what}{amount}",
        "lines": [_about(topics)] if topics else [],
        "sources": shown(prov.of(edge.attrs.get("iri"))),
    }


def _holds_post(edge: _Edge, prov: Provenance) -> dict:
    return {
        "head": f"{edge.who}: {edge.attrs.get('label', '')}, {edge.what}",
        "sources": shown(prov.of(edge.attrs.get("iri"))),
    }


def _member_of(edge: _Edge, prov: Provenance) -> dict:
    return {
        "head": f"{edge.who} is a member of {edge.what}",
        "sources": shown(prov.of_membership(edge.source, edge.target)),
    }


def _took_part_in(edge: _Edge, prov: Provenance) -> dict:
    return {"head": f"{edge.who} took part in {edge.what}", "sources": shown(prov.of(edge.target))}


def _held_in(edge: _Edge, prov: Provenance) -> dict:
    return {"head": f"{edge.who} was held in {edge.what}", "sources": shown(prov.of(edge.source))}


#: Each relation of :func:`kg.network.projection.project` as text; where its evidence is: the
#: statement or event node, the funding or post IRI on the edge, the membership nodes.
_FACT_TEXT: dict[str, Callable[[_Edge, Provenance], dict]] = {
    "said": _said,
    "funds": _funds,
    "holds post": _holds_post,
    "member of": _member_of,
    "took part in": _took_part_in,
    "held in": _held_in,
}


def edge_fact(net: nx.MultiDiGraph, source: str, target: str, attrs: dict, prov: Provenance) -> dict:
    """One edge as a fact: a heading ("EU funds Ukraine: €5 billion"), the quote, lines and sources."""
    edge = _Edge(net, source, target, attrs)
    relation = attrs.get("relation", "")
    text = _FACT_TEXT.get(relation)
    if text is None:
        return {"head": f"{edge.who} {attrs.get('label', relation)} {edge.what}", "sources": []}
    return text(edge, prov)


def _said_how(statement: dict) -> str:
    how = "word for word" if statement.get("direct") else "reported speech"
    return f"{how}, {statement['date']}" if statement.get("date") else how


def _about(topics: object) -> str:
    return f"about {topics}" if topics else ""


# --- One node: its figures and its facts --------------------------------------------------------


def node_info(net: nx.MultiDiGraph, node: str, prov: Provenance) -> dict:
    """What the tooltip and the panel of a node show: its name, class, figures and facts."""
    attrs = net.nodes[node]
    edges = _edges_shown(net, node)
    facts = [edge_fact(net, s, t, a, prov) for s, t, _, a in edges[:MAX_FACTS]]
    if attrs.get("class") == "Event":
        facts.insert(0, {"head": "Read in", "sources": shown(prov.of(node))})
    name = attrs.get("text") if attrs.get("class") == "Statement" else attrs.get("label")
    return {
        "name": name or node,
        "kind": attrs.get("class_label", ""),
        "lines": _figures(attrs),
        "facts": facts,
        "more": max(0, len(edges) - MAX_FACTS),
    }


def _figures(attrs: dict) -> list[list[str]]:
    """[name, value] lines: an entity's mentions, posts and Wikidata item; a fact's kind, date, topics."""
    if is_entity(attrs):
        lines = [["Mentions", str(attrs.get("mentions", 0))]]
        if attrs.get("posts"):
            lines.append(["Posts", attrs["posts"]])
        if attrs.get("same_as"):
            lines.append(["Wikidata", attrs["same_as"]])
        return lines
    return [
        [name, str(attrs[key])]
        for key, name in (("kind", "Kind"), ("date", "Date"), ("topics", "Topics"))
        if attrs.get(key)
    ]


def _edges_shown(net: nx.MultiDiGraph, node: str) -> list[tuple[str, str, str, dict]]:
    """A node's edges as its panel lists them: quotes first, then by relation and ends, so stable."""
    edges = sorted(
        [*net.in_edges(node, keys=True, data=True), *net.out_edges(node, keys=True, data=True)],
        key=lambda e: (e[3].get("relation") != "said", e[3].get("relation", ""), e[0], e[1], e[2]),
    )
    if net.nodes[node].get("class") == "Statement":
        return [e for e in edges if e[3].get("relation") == "said"] or edges
    return edges
