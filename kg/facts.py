"""The facts `kg` reads out of an article, before they become RDF.

These dataclasses are the hinge of the package: the spaCy components fill
them, `kg.rdf.mapping` turns them into triples, and the incremental cache (later)
can store them. They hold plain strings and numbers only, so they pickle,
compare and sort without surprises.

Entities are referred to by *key*, ``"<type>/<slug>"`` (``"person/andrius-kubilius"``),
which is also the tail of the entity's IRI: the same name gives the same key in
every article, so facts from many articles meet on the same nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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


@dataclass(frozen=True)
class Statement:
    """A direct quotation (``direct``) or a reported statement."""

    speaker: str
    text: str
    direct: bool
    evidence: Evidence
    date: str | None = None
    about: tuple[str, ...] = ()  # keys of topics.ttl concepts ("air-defence")


@dataclass(frozen=True)
class Funding:
    """Who pays, lends or funds whom, and how much when the text says."""

    funder: str
    recipient: str
    evidence: Evidence
    amount: str | None = None
    value: Decimal | None = None
    currency: str | None = None
    about: tuple[str, ...] = ()  # keys of topics.ttl concepts ("ammunition")


@dataclass(frozen=True)
class Role:
    """A post held by a person, with the body it belongs to when stated."""

    person: str
    title: str
    evidence: Evidence
    organization: str | None = None


@dataclass(frozen=True)
class Membership:
    member: str
    organization: str
    evidence: Evidence


@dataclass(frozen=True)
class Event:
    """A meeting, forum, summit, visit or signing, with who took part."""

    label: str
    kind: str
    evidence: Evidence
    participants: tuple[str, ...] = ()
    place: str | None = None
    date: str | None = None


@dataclass
class ArticleFacts:
    """Everything read from one article."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    fundings: list[Funding] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class FactCounts:
    """How many facts of each kind one article gave, and the keys of its entities.

    What a build's report needs of an article; much cheaper to send from a
    worker process than the facts themselves (see :mod:`kg.builder.workers`).
    """

    document_id: str
    entity_keys: tuple[str, ...] = ()
    statements: int = 0
    fundings: int = 0
    roles: int = 0
    memberships: int = 0
    events: int = 0

    @classmethod
    def of(cls, facts: ArticleFacts) -> FactCounts:
        return cls(
            facts.document.id,
            tuple(entity.key for entity in facts.entities),
            len(facts.statements),
            len(facts.fundings),
            len(facts.roles),
            len(facts.memberships),
            len(facts.events),
        )
