"""The ontology as the authority: class names, labels, colours and topics.

``ontology/`` (shipped inside the package as ``kg/ontology``) is what makes a
graph mean something outside ``kg``, so ``kg`` itself reads it instead of
keeping copies in code: the extractor takes the kinds of organisation and the
topic concepts from it, the graph builder the topic labels, and the HTML view
each class's label, colour and shape. Adding a kind or a topic to the Turtle
files needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.facts import ENTITY_TYPES, fact_kinds
from kg.rdf.namespaces import DKG, TOPIC

#: The folder of the ontology files (a link to the repository's ontology/).
FOLDER = Path(str(resources.files("kg") / "ontology"))
CLASSES_FILE = FOLDER / "dkg.ttl"
TOPICS_FILE = FOLDER / "topics.ttl"
ENTITIES_FILE = FOLDER / "entities.ttl"
SHAPES_FILE = FOLDER / "shapes.ttl"
QUERIES_FOLDER = FOLDER / "queries"

#: Drawn for a class the ontology gives no colour or shape.
DEFAULT_COLOR = "#bab0ac"
DEFAULT_SHAPE = "dot"


@dataclass(frozen=True)
class ClassInfo:
    """One class of dkg.ttl, as the extractor and the HTML view need it."""

    name: str  # local name: "Ministry"
    iri: URIRef
    label: str  # "Ministry"
    comment: str
    core: str | None  # the core class it is or refines ("Organization"), None for facts
    color: str
    shape: str


@dataclass(frozen=True)
class Topic:
    """One concept of topics.ttl."""

    key: str  # the tail of its IRI: "air-defence"
    iri: URIRef
    label: str  # skos:prefLabel
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    broader: tuple[str, ...]  # keys of broader concepts

    @property
    def match_labels(self) -> tuple[str, ...]:
        """Every label the extractor looks for in text."""
        return (self.label, *self.alt_labels, *self.hidden_labels)


def _parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        if path.exists():
            graph.parse(path, format="turtle")
    return graph


def kind_ontologies() -> tuple[Path, ...]:
    """The Turtle files of the fact kinds registered with terms of their own (kg.facts.FactKind.ontology)."""
    return tuple(kind.ontology for kind in fact_kinds() if kind.ontology is not None)


def classes_graph() -> Graph:
    """dkg.ttl and the registered fact kinds' own terms, parsed once."""
    return _classes_graph(kind_ontologies())


@cache
def _classes_graph(extra: tuple[Path, ...]) -> Graph:
    return _parse(CLASSES_FILE, *extra)


@cache
def topics_graph() -> Graph:
    """topics.ttl, parsed once."""
    return _parse(TOPICS_FILE)


def _english(graph: Graph, node: URIRef, prop: URIRef) -> str | None:
    """The English (or untagged) value of ``prop``, the smallest if several."""
    values = sorted(
        str(v) for v in graph.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")
    )
    return values[0] if values else None


def _dkg_name(node: object) -> str | None:
    if isinstance(node, URIRef) and node.startswith(str(DKG)):
        return node.removeprefix(str(DKG))
    return None


def kinds() -> dict[str, str]:
    """Each finer class of the ontology ("Ministry") -> the core type it refines."""
    return _kinds(kind_ontologies())


@cache
def _kinds(extra: tuple[Path, ...]) -> dict[str, str]:
    onto = _classes_graph(extra)
    core = {DKG[t]: t for t in ENTITY_TYPES}
    found: dict[str, str] = {}
    for cls in onto.subjects(RDF.type, OWL.Class):
        name = _dkg_name(cls)
        if name is None or cls in core:
            continue
        for parent in onto.transitive_objects(cls, RDFS.subClassOf):
            if parent in core:
                found[name] = core[parent]
                break
    return found


def classes() -> dict[str, ClassInfo]:
    """Every class of dkg.ttl (and of the fact kinds' own terms) by local name, with its display style.

    A kind without a colour of its own is drawn in its core class's colour and
    shape, so the view never needs a fallback table of its own.
    """
    return _classes(kind_ontologies())


@cache
def _classes(extra: tuple[Path, ...]) -> dict[str, ClassInfo]:
    onto = _classes_graph(extra)
    core_of = {t: t for t in ENTITY_TYPES} | _kinds(extra)
    infos: dict[str, ClassInfo] = {}
    names = sorted(n for n in map(_dkg_name, onto.subjects(RDF.type, OWL.Class)) if n)
    for name in names:
        iri = DKG[name]
        core = core_of.get(name)
        style_of = [iri, DKG[core]] if core else [iri]
        color = next((str(c) for c in (onto.value(s, DKG.color) for s in style_of) if c), DEFAULT_COLOR)
        shape = next((str(c) for c in (onto.value(s, DKG.shape) for s in style_of) if c), DEFAULT_SHAPE)
        infos[name] = ClassInfo(
            name=name,
            iri=iri,
            label=_english(onto, iri, RDFS.label) or name,
            comment=_english(onto, iri, RDFS.comment) or "",
            core=core,
            color=color,
            shape=shape,
        )
    return infos


def style(class_name: str) -> ClassInfo | None:
    """The ClassInfo of a local class name ("Person", "Ministry"), if the ontology has it."""
    return classes().get(class_name)


def topic_key(iri: URIRef) -> str:
    return str(iri).removeprefix(str(TOPIC))


@cache
def topics() -> dict[str, Topic]:
    """The concepts of topics.ttl by key, in key order."""
    onto = topics_graph()
    found: dict[str, Topic] = {}
    for concept in sorted(onto.subjects(RDF.type, SKOS.Concept)):
        if not (isinstance(concept, URIRef) and concept.startswith(str(TOPIC))):
            continue
        key = topic_key(concept)
        found[key] = Topic(
            key=key,
            iri=concept,
            label=_english(onto, concept, SKOS.prefLabel) or key,
            alt_labels=tuple(sorted(str(v) for v in onto.objects(concept, SKOS.altLabel))),
            hidden_labels=tuple(sorted(str(v) for v in onto.objects(concept, SKOS.hiddenLabel))),
            broader=tuple(sorted(topic_key(b) for b in onto.objects(concept, SKOS.broader))),
        )
    return found
