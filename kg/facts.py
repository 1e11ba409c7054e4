"""The facts `kg` reads out of an article, before they become RDF, and the registry of their kinds.

These are the hinge of the package: the spaCy components find facts, the
fact kinds (:mod:`kg.kinds`) turn them into dataclasses, `kg.rdf.mapping`
turns those into triples, and the fact cache stores them. They hold plain
strings and numbers only, so they pickle, compare and sort without surprises.

A *fact kind* (statements, fundings, roles...) is declared once, as a
:class:`FactKind` passed to :func:`register`: its dataclass, the spaCy
component that finds it, how it is read off the ``Doc``, how it becomes
triples and how it is drawn in the network. Everything else (the build's
counts, the cache, the pipeline, the writers, the view) walks the registry,
so a new kind is one module and its ontology terms; see ``docs/fact-kinds.md``.

Entities are referred to by *key*, ``"<type>/<slug>"`` (``"person/andrius-kubilius"``),
which is also the tail of the entity's IRI: the same name gives the same key in
every article, so facts from many articles meet on the same nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENTITY_TYPES = ("Person", "Organization", "Country", "Place", "Program")


@dataclass(frozen=True)
class Document:
    """One input article, as read from disk.

    ``text`` is everything the pipeline reads, the title line included (headlines
    carry statements such as "..., Tusk says").
    """

    id: str
    text: str
    path: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence text and its character offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """A named thing of one of the five core types, as it stands in one article."""

    key: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    mentions: int = 1
    kind: str | None = None  # a finer ontology class, e.g. "Ministry", when known
    same_as: tuple[str, ...] = ()  # IRIs of the same thing elsewhere (Wikidata)


# --- The registry of fact kinds -----------------------------------------------------------


@dataclass(frozen=True)
class FactKind:
    """Everything the package needs to know about one kind of fact.

    ``name`` is the plural the build summary prints and the attribute of
    :class:`ArticleFacts` that holds the facts ("statements"). The callables
    take the objects of the stage they belong to, so that this module imports
    none of them:

    * ``read(doc, text)``: the facts the ``component`` left on the spaCy
      ``Doc`` (the built-in components in ``doc._.kg``, a
      :class:`kg.nlp.segments.DocState`), as ``type`` instances; ``text`` is the
      article's text, for evidence.
    * ``to_rdf(triples, fact)``: adds the fact's triples to a
      :class:`kg.rdf.mapping.ArticleTriples`.
    * ``draw(projection)``: adds the kind's nodes and edges, read from the RDF
      graph, to a :class:`kg.network.projection.Projection`.
    * ``entities(fact)``: the keys of the entities the fact points to, which
      the article's graph must describe.

    ``ontology`` is a Turtle file of the kind's own classes, properties and
    SHACL shapes, read beside ``ontology/dkg.ttl`` and ``shapes.ttl`` (the
    built-in kinds' terms are in those files: they are the project's contract).
    """

    name: str
    type: type
    component: str
    #: Its class in the ontology, a local name of the dkg: namespace ("Statement").
    rdf_class: str
    read: Callable[[Any, str], list]
    to_rdf: Callable[[Any, Any], None]
    draw: Callable[[Any], None]
    entities: Callable[[Any], Iterable[str]]
    ontology: Path | None = None
    #: Drawn as a node of its own (a quote, a meeting), not only as edges between actors.
    node: bool = False


_KINDS: dict[str, FactKind] = {}


def register(kind: FactKind) -> FactKind:
    """Make ``kind`` known to every stage; registering the same name again replaces it."""
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Forget a kind (a plugin's or a test's); the built-in ones stay unless named."""
    _KINDS.pop(name, None)


def fact_kinds() -> tuple[FactKind, ...]:
    """The registered kinds, in the order they were registered (the built-in ones first)."""
    return tuple(_KINDS.values())


def fact_kind(name: str) -> FactKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"unknown fact kind {name!r}; known: {', '.join(_KINDS)}") from None


# --- One article's facts ------------------------------------------------------------------


class ArticleFacts:
    """Everything read from one article: its entities and its facts of each kind.

    ``ArticleFacts(document, entities, statements=[...], fundings=[...])``;
    ``facts.statements`` is the list of that kind (empty when there are none).
    """

    __slots__ = ("document", "entities", "by_kind")

    def __init__(self, document: Document, entities: Iterable[Entity] = (), **by_kind: Iterable) -> None:
        self.document = document
        self.entities = list(entities)
        self.by_kind: dict[str, list] = {}
        for name, facts in by_kind.items():
            self.by_kind[fact_kind(name).name] = list(facts)

    def __getattr__(self, name: str) -> list:
        if name.startswith("_") or name not in _KINDS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.by_kind.setdefault(name, [])

    def __setattr__(self, name: str, value: object) -> None:
        if name in ArticleFacts.__slots__:
            object.__setattr__(self, name, value)
        else:
            self.by_kind[fact_kind(name).name] = list(value)  # type: ignore[call-overload]

    def of(self, kind: FactKind) -> list:
        """The facts of ``kind``."""
        return self.by_kind.get(kind.name, [])

    def all_facts(self) -> Iterator[tuple[FactKind, Any]]:
        """Every fact with its kind, kind by kind in registry order."""
        for kind in fact_kinds():
            for fact in self.of(kind):
                yield kind, fact

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArticleFacts):
            return NotImplemented
        return (self.document, self.entities, self._nonempty()) == (
            other.document,
            other.entities,
            other._nonempty(),
        )

    def _nonempty(self) -> dict[str, list]:
        return {name: facts for name, facts in self.by_kind.items() if facts}

    def __getstate__(self) -> tuple:
        return self.document, self.entities, self.by_kind

    def __setstate__(self, state: tuple) -> None:
        self.document, self.entities, self.by_kind = state

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(facts)}" for name, facts in self._nonempty().items())
        return f"ArticleFacts({self.document.id!r}, entities={len(self.entities)}, {counts})"


@dataclass(frozen=True)
class FactCounts:
    """How many facts of each kind one article gave, and the keys of its entities.

    What a build's report needs of an article; much cheaper to send from a
    worker process than the facts themselves (see :mod:`kg.builder.batches`).
    """

    document_id: str
    entity_keys: tuple[str, ...] = ()
    #: (kind name, count) for every registered kind, in registry order.
    kinds: tuple[tuple[str, int], ...] = field(default=())

    @classmethod
    def of(cls, facts: ArticleFacts) -> FactCounts:
        return cls(
            facts.document.id,
            tuple(entity.key for entity in facts.entities),
            tuple((kind.name, len(facts.of(kind))) for kind in fact_kinds()),
        )
