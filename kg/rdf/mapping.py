"""Turn the facts read from articles into RDF, following spec/vocabulary.md.

Why this module is shaped the way it is:

* **Everyone queries the core classes without inference.** An entity is always
  typed with its core class (``dkg:Organization``) and, when known, also with its
  finer kind (``dkg:Ministry``).
* **Facts from many articles meet on the same nodes.** Entity IRIs are
  ``base + key``; statements, fundings, memberships, events and the readings of
  posts get IRIs from a digest of what identifies them, so the same input always
  gives the same IRIs.
* **Article text never reaches an IRI.** It only ever goes into literals; the
  parts of IRIs go through :mod:`kg.ids` (or are checked) first. There are no
  blank nodes, so outputs can be compared byte for byte and across stores.
* **One rdfs:label per node.** Within an article and across articles, the most
  seen label wins (ties: the smallest string) and the others become
  ``skos:altLabel``; :func:`merge_graphs` applies that rule to the union, and it
  sums ``dkg:mentionCount``.
* **Triples are text until someone asks for rdflib.** A build maps millions of
  terms, so the builder writes each as its N-Triples text (:mod:`kg.rdf.terms`);
  :func:`facts_to_graph`, :func:`merge` and :func:`build_dataset` give rdflib
  graphs of the same triples.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SKOS, XSD

import kg.kinds  # noqa: F401  (registers the built-in fact kinds)
from kg.facts import ENTITY_TYPES, ArticleFacts, Document, Entity, Evidence
from kg.ids import digest, slugify
from kg.rdf import terms
from kg.rdf.namespaces import DEFAULT_BASE, DKG, PREFIXES, TOPIC
from kg.rdf.terms import NtTriple, Term
from kg.rdf.union import FileUnion
from kg.rdf.vocab import kinds, topics

log = logging.getLogger(__name__)

#: The vocabulary the builder writes, as N-Triples terms (see kg.rdf.terms).
_DKG, _SCHEMA, _DCTERMS, _SKOS = terms.DKG, terms.SCHEMA, terms.DCTERMS, terms.SKOS
TYPE, LABEL, ALT_LABEL = terms.TYPE, terms.LABEL, terms.ALT_LABEL
MENTION_COUNT = _DKG.mentionCount
SAME_AS = terms.iri(str(OWL.sameAs))
TOPIC_SCHEME = terms.iri(str(TOPIC))

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_IRI = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]")
# C0 controls other than tab, newline and carriage return, and lone surrogates:
# no RDF syntax (nor XML, nor UTF-8) can carry them.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


# --- IRIs -----------------------------------------------------------------


def is_http_iri(text: str) -> bool:
    """True for an absolute http(s) IRI with no character IRIs forbid."""
    if not text or _NOT_IRI.search(text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_base(base: str) -> str:
    """Return ``base`` if it can prefix resource IRIs, else raise ValueError."""
    if not (is_http_iri(base) and base.endswith(("/", "#"))):
        raise ValueError(f"base must be an absolute http(s) IRI ending in '/' or '#', got {base!r}")
    return base


def _slug(part: str) -> str:
    return part if _SLUG.fullmatch(part) else slugify(part)


def safe_key(key: str) -> str:
    """The key itself when it is made of slugs, else each part slugified."""
    parts = [_slug(p) for p in key.split("/") if p]
    return "/".join(parts) or "x-" + digest(key, size=10)


def article_iri(document_id: str, base: str = DEFAULT_BASE) -> URIRef:
    """``base/article/<slug of the id>``: "000_06589e" gives ".../article/000-06589e"."""
    return URIRef(check_base(base) + "article/" + _slug(document_id))


@lru_cache(maxsize=1 << 16)
def entity_iri(key: str, base: str = DEFAULT_BASE) -> URIRef:
    """``base + key``, the key being ``"<type>/<slug>"``."""
    return URIRef(check_base(base) + safe_key(key))


@lru_cache(maxsize=1 << 16)
def _entity_term(key: str, base: str) -> Term:
    """:func:`entity_iri` as a term; cached, as a corpus names the same entities over and over."""
    return terms.iri(entity_iri(key, base))


# --- Literals (as N-Triples terms) ----------------------------------------------

_DATE, _DECIMAL, _INTEGER, _BOOLEAN, _ANY_URI = (
    str(XSD[t]) for t in ("date", "decimal", "integer", "boolean", "anyURI")
)


def text_literal(value: str) -> Term:
    """A plain literal of article text, without characters no syntax can write."""
    return terms.literal(_UNWRITABLE.sub("\ufffd", value))


def date_literal(value: str) -> Term:
    """An xsd:date when ``value`` is a real YYYY-MM-DD date, else plain text."""
    value = value.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return terms.literal(value, _DATE)
    return text_literal(value)


def decimal_literal(value: Decimal) -> Term | None:
    """An xsd:decimal in canonical form ("2500000000.0"), or None for NaN/inf.

    The canonical form (no exponent, no trailing zeros, always a point) is what
    Turtle writes back, so the literal survives a round trip unchanged.
    """
    if not value.is_finite():
        return None
    lexical = format(value.normalize() if value else Decimal(0), "f")
    if "." not in lexical:
        lexical += ".0"
    return terms.literal(lexical, _DECIMAL)


@lru_cache(maxsize=1 << 16)
def int_literal(value: int) -> Term:
    """An xsd:integer; cached, as offsets and counts repeat."""
    return terms.literal(str(int(value)), _INTEGER)


@lru_cache(maxsize=1024)
def _topic_triples(key: str) -> tuple[Term, tuple[NtTriple, ...]] | None:
    """A topic concept's term and the triples that describe it (its type, label and scheme)."""
    topic = topics().get(key)
    if topic is None:
        return None
    node = terms.iri(str(topic.iri))
    return node, (
        (node, TYPE, _SKOS.Concept),
        (node, _SKOS.prefLabel, terms.literal(topic.label, language="en")),
        (node, _SKOS.inScheme, TOPIC_SCHEME),
    )


# --- Graphs -----------------------------------------------------------------


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> Graph:
    """Bind every prefix of namespaces.PREFIXES, "r" to ``base``."""
    for prefix, namespace in PREFIXES.items():
        iri = check_base(base) if prefix == "r" else str(namespace)
        graph.bind(prefix, Namespace(iri), override=True, replace=True)
    return graph


def new_graph(base: str = DEFAULT_BASE) -> Graph:
    """An empty graph with the project's prefixes bound."""
    return bind_prefixes(Graph(bind_namespaces="none"), base)


def settle_labels(graph: Graph, votes: Counter | None = None) -> None:
    """Leave one rdfs:label per node; the other labels become skos:altLabel.

    The label with most ``votes`` (default: one each) wins, ties going to the
    smallest string. An altLabel equal to the label is dropped.
    """
    votes = votes if votes is not None else Counter()
    labels: dict[URIRef, list[Literal]] = {}
    for node, label in graph.subject_objects(RDFS.label):
        labels.setdefault(node, []).append(label)
    for node, found in labels.items():
        best = min(found, key=lambda lab: (-votes.get((node, lab), 1), str(lab), lab.n3()))
        for label in found:
            if label != best:
                graph.remove((node, RDFS.label, label))
                graph.add((node, SKOS.altLabel, label))
        graph.remove((node, SKOS.altLabel, best))


def _settle(triples: dict[NtTriple, None], votes: Counter) -> None:
    """:func:`settle_labels` on an ordered set of triples, in place."""
    labels: dict[Term, list[Term]] = {}
    for s, p, o in triples:
        if p == LABEL:
            labels.setdefault(s, []).append(o)
    for node, found in labels.items():
        if len(found) == 1:
            triples.pop((node, ALT_LABEL, found[0]), None)
            continue
        best = min(found, key=lambda lab: (-votes.get((node, lab), 1), terms.literal_value(lab), lab))
        for label in found:
            if label != best:
                del triples[(node, LABEL, label)]
                triples[(node, ALT_LABEL, label)] = None
        triples.pop((node, ALT_LABEL, best), None)


class ArticleTriples:
    """The triples of one article (as N-Triples terms), with its label votes and mention counts.

    What a fact kind's ``to_rdf`` writes into (see :class:`kg.facts.FactKind`):
    it names nodes (:meth:`node`, :meth:`fact_node`, :meth:`resource`), makes
    literals (:meth:`text`, :meth:`date`, :meth:`decimal`) and adds triples,
    labels, provenance and topics.
    """

    def __init__(self, facts: ArticleFacts, base: str) -> None:
        self.base = check_base(base)
        self.triples: dict[NtTriple, None] = {}  # an ordered set: the order triples were read in
        self.doc_id = facts.document.id
        self.article = terms.iri(article_iri(facts.document.id, base))
        self.votes: Counter = Counter()
        self.mentions: Counter = Counter()

    # Nodes and literals ----------------------------------------------------------------

    def node(self, key: str) -> Term:
        """The node of the entity ``key``."""
        return _entity_term(key, self.base)

    def fact_node(self, kind: str, *parts: str) -> Term:
        """``base/<kind>/<digest of parts>``: a fact's node, the same for the same parts."""
        return terms.iri(self.base + kind + "/" + digest(*parts))

    def resource(self, path: str) -> Term:
        """``base + path``, ``path`` made of slugs (see :func:`key_path`)."""
        return terms.iri(self.base + path)

    key_path = staticmethod(safe_key)
    text = staticmethod(text_literal)
    date = staticmethod(date_literal)
    decimal = staticmethod(decimal_literal)

    # Triples --------------------------------------------------------------------------

    def add(self, s: Term, p: Term, o: Term) -> None:
        self.triples[(s, p, o)] = None

    def label(self, node: Term, label: str) -> None:
        literal = text_literal(label)
        self.votes[(node, literal)] += 1
        self.add(node, LABEL, literal)

    def provenance(self, node: Term, evidence: Evidence, offsets: bool = True) -> None:
        self.add(node, _DKG.source, self.article)
        self.add(node, _DKG.evidence, text_literal(evidence.text))
        if offsets:
            self.add(node, _DKG.evidenceStart, int_literal(evidence.start))
            self.add(node, _DKG.evidenceEnd, int_literal(evidence.end))

    def about(self, node: Term, keys: Iterable[str]) -> None:
        """Link ``node`` to topic concepts, which the graph describes too.

        The concept's type and English label travel with the graph, so that a
        store or a view that never loaded topics.ttl can still show and query
        "statements about air defence".
        """
        for key in keys:
            found = _topic_triples(key)
            if found is None:
                log.debug("ignoring unknown topic %r", key)
                continue
            topic, described = found
            self.add(node, _DKG.about, topic)
            for triple in described:
                self.triples[triple] = None

    # The article and its entities -------------------------------------------------------

    def document(self, doc: Document) -> None:
        a = self.article
        self.add(a, TYPE, _DKG.Article)
        if doc.title:
            self.add(a, _DCTERMS.title, text_literal(doc.title))
        if doc.url and doc.url.strip():
            # A literal, not an IRI: article URLs may be malformed.
            url = terms.literal(_UNWRITABLE.sub("\ufffd", doc.url.strip()), _ANY_URI)
            self.add(a, _SCHEMA.url, url)
            self.add(a, _DCTERMS.source, url)
        if doc.date and doc.date.strip():
            self.add(a, _DCTERMS.date, date_literal(doc.date))
        if doc.publisher:
            self.add(a, _SCHEMA.publisher, text_literal(doc.publisher))

    def entity(self, entity: Entity) -> None:
        if entity.type not in ENTITY_TYPES:
            raise ValueError(f"entity {entity.key!r} has unknown type {entity.type!r}")
        node = self.node(entity.key)
        self.add(node, TYPE, _DKG[entity.type])
        if entity.kind and entity.kind != entity.type:
            if kinds().get(entity.kind) == entity.type:
                self.add(node, TYPE, _DKG[entity.kind])
            else:
                log.debug("ignoring kind %r of %s %r", entity.kind, entity.type, entity.key)
        self.label(node, entity.label)
        for alias in entity.aliases:
            if alias != entity.label:
                self.add(node, ALT_LABEL, text_literal(alias))
        for iri in entity.same_as:
            if is_http_iri(iri):
                self.add(node, SAME_AS, terms.iri(iri))
            else:
                log.warning("ignoring sameAs %r of %r: not an http(s) IRI", iri, entity.key)
        self.mentions[node] += entity.mentions
        self.add(self.article, _DKG.mentions, node)

    def build(self, facts: ArticleFacts) -> ArticleTriples:
        self.document(facts.document)
        for entity in facts.entities:
            self.entity(entity)
        for kind, fact in facts.all_facts():
            kind.to_rdf(self, fact)
        return self

    def settled(self) -> list[NtTriple]:
        """The article's triples: one label per node, one mention count per entity."""
        _settle(self.triples, self.votes)
        counts = [(node, MENTION_COUNT, int_literal(n)) for node, n in self.mentions.items()]
        return [*self.triples, *counts]

    def add_to(self, graph: Graph) -> None:
        """Add to a graph that may hold other articles: labels settled and counts summed over both."""
        rdf = terms.to_rdflib
        graph.addN((rdf(s), rdf(p), rdf(o), graph) for s, p, o in self.triples)
        settle_labels(graph, Counter({(rdf(n), rdf(lab)): c for (n, lab), c in self.votes.items()}))
        count_of = DKG.mentionCount
        for node, count in self.mentions.items():
            node = rdf(node)
            before = graph.value(node, count_of)
            if isinstance(before, Literal) and isinstance(before.value, int):
                count += before.value
            graph.set((node, count_of, rdf(int_literal(count))))


def article_triples(facts: ArticleFacts, base: str = DEFAULT_BASE) -> list[NtTriple]:
    """The triples of one article as N-Triples terms (:mod:`kg.rdf.terms`), in a stable order.

    The fast path of a build: the writers, the union and the store take them
    as text; :func:`facts_to_graph` makes rdflib terms of them.
    """
    return ArticleTriples(facts, base).build(facts).settled()


def to_rdflib_graph(triples: Iterable[NtTriple], graph: Graph) -> Graph:
    """Add triples of N-Triples terms to an rdflib graph."""
    rdf = terms.to_rdflib
    graph.addN((rdf(s), rdf(p), rdf(o), graph) for s, p, o in triples)
    return graph


def facts_to_graph(facts: ArticleFacts, base: str = DEFAULT_BASE, graph: Graph | None = None) -> Graph:
    """The triples of one article, added to ``graph`` (a new graph by default).

    To combine articles, prefer :func:`merge` (or :func:`build_dataset`): only
    they choose labels by how many articles use them.
    """
    graph = graph if graph is not None else new_graph(base)
    if len(graph) == 0:
        to_rdflib_graph(article_triples(facts, base), graph)
    else:
        ArticleTriples(facts, base).build(facts).add_to(graph)
    return graph


def build_dataset(all_facts: Iterable[ArticleFacts], base: str = DEFAULT_BASE) -> Dataset:
    """One named graph per article, named by the article IRI.

    Each graph is self-contained: it repeats the descriptions of the entities
    the article mentions, with that article's labels and counts.
    """
    dataset = bind_prefixes(Dataset(), base)
    for facts in all_facts:
        named = dataset.graph(article_iri(facts.document.id, base))
        facts_to_graph(facts, base, named)
    return dataset


def merge_graphs(graphs: Iterable[Graph], base: str = DEFAULT_BASE) -> Graph:
    """The union of per-article graphs: one label per node, summed counts (see :mod:`kg.rdf.union`)."""
    union = FileUnion()
    nt = terms.from_rdflib
    for graph in graphs:
        union.add((nt(s), nt(p), nt(o)) for s, p, o in graph)
    return to_rdflib_graph(union.triples(), new_graph(base))


def merge(all_facts: Iterable[ArticleFacts], base: str = DEFAULT_BASE) -> Graph:
    """One graph for all articles (for Turtle, N-Triples and JSON-LD)."""
    union = FileUnion()
    for facts in all_facts:
        union.add(article_triples(facts, base))
    return to_rdflib_graph(union.triples(), new_graph(base))
