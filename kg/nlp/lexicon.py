"""The word lists and known entities the rules read, loaded once from data files.

Everything a rule needs to know about English news or about defence policy
lives in ``kg/data/lexicons/`` or ``ontology/entities.ttl``, so that a
newcomer can improve recall by editing a list instead of code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import facts
from kg.facts import ENTITY_TYPES
from kg.nlp import derived
from kg.nlp.phrases import PhraseTable
from kg.rdf import namespaces, vocab
from kg.rdf.namespaces import DEFAULT_BASE, DKG
from kg.rdf.vocab import CLASSES_FILE, ENTITIES_FILE, kinds

DATA = Path(str(resources.files("kg") / "data" / "lexicons"))
_HYPHENS = re.compile(r"(?<=\w)(-)(?=\w)")  # "vice-president": three tokens, as spaCy splits it


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def words(name: str) -> frozenset[str]:
    """A one-entry-per-line list, lowercased (``words("titles.txt")``)."""
    return frozenset(line.casefold() for line in _lines(name))


@cache
def table(name: str) -> dict[str, tuple[str, ...]]:
    """A tab-separated list: first column (lowercased) -> the other columns."""
    rows = (line.split("\t") for line in _lines(name))
    return {row[0].casefold(): tuple(c.strip() for c in row[1:]) for row in rows}


@cache
def phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """Multi-word entries of a list as token tuples, longest first."""
    entries = {tuple(line.split("\t")[0].casefold().split()) for line in _lines(name)}
    return tuple(sorted(entries, key=lambda p: (-len(p), p)))


@cache
def first_words(name: str) -> frozenset[str]:
    """The first tokens of :func:`phrases` ``(name)``: a quick test before comparing whole phrases."""
    return frozenset(phrase[0] for phrase in phrases(name))


@cache
def phrase_table(name: str) -> PhraseTable[str]:
    """The multi-token entries of a list as a :class:`PhraseTable` of lowercase tokens.

    A hyphen between letters is a token of its own ("vice-president" is three), as spaCy splits it.
    """
    entries = {tuple(_HYPHENS.sub(r" \1 ", " ".join(p)).split()) for p in phrases(name)}
    return PhraseTable((e, " ".join(e)) for e in sorted(entries) if len(e) > 1)


@cache
def _title_phrase_words() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """Word -> the multi-word titles it is in, with its place in each ("general": secretary general, 1)."""
    found: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for phrase in phrase_table("titles.txt").values:
        for offset, word in enumerate(phrase):
            found.setdefault(word, []).append((phrase, offset))
    return found


@cache
def title_domain() -> frozenset[str]:
    """The words a title's portfolio may hold: role_modifiers.txt and portfolio_words.txt."""
    return words("role_modifiers.txt") | words("portfolio_words.txt")


class Titles:
    """The title words of one doc (titles.txt, multi-word ones included), looked up token by token.

    ``i in titles`` says whether token ``i`` is a title word or part of a
    multi-word title ("chief executive", "secretary general"); nothing is
    computed for the tokens no rule asks about.
    """

    def __init__(self, lower: Sequence[str]):
        self.lower = lower
        self.single = words("titles.txt")
        self.phrase_words = _title_phrase_words()
        self._phrases: dict[int, tuple[int, int] | None] = {}

    def __contains__(self, i: int) -> bool:
        word = self.lower[i]
        return word in self.single or (word in self.phrase_words and self.phrase(i) is not None)

    def phrase(self, i: int) -> tuple[int, int] | None:
        """(start, end) of the longest multi-word title token ``i`` is part of, if any."""
        if i in self._phrases:
            return self._phrases[i]
        best, lower = None, self.lower
        for phrase, offset in self.phrase_words.get(lower[i], ()):
            start = i - offset
            end = start + len(phrase)
            longer = best is None or end - start > best[1] - best[0]
            if longer and start >= 0 and end <= len(lower) and tuple(lower[start:end]) == phrase:
                best = (start, end)
        self._phrases[i] = best
        return best


def doc_titles(state) -> Titles:
    """The :class:`Titles` of a doc's ``DocState``, made once: entities, roles and events all ask."""
    found = state.__dict__.get("_kg_titles")
    if found is None:
        found = state.__dict__["_kg_titles"] = Titles(state.lower)
    return found


@cache
def given_platforms() -> frozenset[str]:
    """Platform names matched only where the text posts on them (platforms.txt, case kept)."""
    return frozenset(_lines("platforms.txt"))


@cache
def given_names() -> frozenset[str]:
    return frozenset(_lines("given_names.txt")) if (DATA / "given_names.txt").exists() else frozenset()


@dataclass
class KnownEntity:
    """One entry of ontology/entities.ttl."""

    key: str
    type: str
    label: str
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    stands_for: str | None = None  # key of the state or body a capital/seat names
    same_as: list[str] = field(default_factory=list)  # verified Wikidata items

    @property
    def names(self) -> list[str]:
        """The label and aliases, without a person's bare surname.

        A surname alone ("Rutte") is listed in entities.ttl as the surface form
        it is, but it names the person only when no other known person shares
        it, which :attr:`Gazetteer.surnames` decides; matched everywhere as a
        name, "Costa" or "Green" would swallow other people and words.
        """
        surname = self.label.split()[-1] if self.type == "Person" and " " in self.label else None
        return [self.label, *(a for a in self.aliases if a != surname)]


@dataclass
class Gazetteer:
    """The known entities, indexed the ways the rules look them up."""

    entities: dict[str, KnownEntity]
    by_name: dict[str, KnownEntity]  # exact surface form -> entity
    by_adjective: dict[str, KnownEntity]  # "Polish" -> Poland
    surnames: dict[str, KnownEntity]  # "Pistorius" -> Boris Pistorius, when no one else has it
    core_of_kind: dict[str, str]  # "Ministry" -> "Organization"

    def lookup(self, name: str) -> KnownEntity | None:
        return self.by_name.get(name) or self.by_name.get(name.casefold())


#: What the gazetteer is derived from: the ontology files and the code that reads them.
DERIVED_FROM = (
    CLASSES_FILE,
    ENTITIES_FILE,
    Path(__file__),
    Path(vocab.__file__),  # kinds()
    Path(facts.__file__),  # ENTITY_TYPES
    Path(namespaces.__file__),  # DEFAULT_BASE, DKG
)


@cache
def gazetteer() -> Gazetteer:
    """The known entities of ontology/entities.ttl, indexed the ways the rules look them up.

    Their entries are read from the JSON form :func:`_read_known_entities`
    derives once per version of the files (:mod:`kg.nlp.derived`): parsing
    the Turtle each time was most of the pipeline's start-up.
    """
    data = derived.load("known-entities", DERIVED_FROM, _read_known_entities)
    entities = {row[0]: KnownEntity(*row) for row in data["entities"]}
    by_name: dict[str, KnownEntity] = {}
    by_adjective: dict[str, KnownEntity] = {}
    for ent in entities.values():  # in key order: the first entity to claim a name keeps it
        for name in ent.names:
            by_name.setdefault(name, ent)
            if name.isupper() and len(name) > 1:  # acronyms: "Nato" for "NATO"
                by_name.setdefault(name.casefold(), ent)
        for adj in ent.adjectives:
            by_adjective.setdefault(adj, ent)
    return Gazetteer(entities, by_name, by_adjective, _unique_surnames(entities), data["core_of_kind"])


def _read_known_entities() -> dict:
    """The entries of the ontology files as JSON rows, in key order (see :mod:`kg.nlp.derived`).

    Oxigraph parses the Turtle in a fraction of the time rdflib takes; a row
    holds the fields of :class:`KnownEntity` in order.
    """
    core_of_kind = {t: t for t in ENTITY_TYPES} | kinds()
    values: dict[str, dict[str, list[str]]] = {}  # subject -> predicate -> objects
    for path in (CLASSES_FILE, ENTITIES_FILE):
        if path.exists():
            for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.absolute().as_uri()):
                if isinstance(triple.subject, ox.NamedNode):
                    objects = values.setdefault(triple.subject.value, {})
                    objects.setdefault(triple.predicate.value, []).append(triple.object.value)
    rows = []
    for subject, objects in values.items():
        kinds_of = [c.removeprefix(str(DKG)) for c in objects.get(str(RDF.type), [])]
        kind = next((k for k in sorted(kinds_of) if k in core_of_kind), None)
        labels = objects.get(str(RDFS.label))
        if kind is None or not labels or not subject.startswith(DEFAULT_BASE):
            continue
        stands_for = objects.get(str(DKG.capitalOf)) or objects.get(str(DKG.seatOf))
        rows.append(
            [
                _key(subject),
                core_of_kind[kind],
                labels[0],
                None if kind in ENTITY_TYPES else kind,
                sorted(objects.get(str(SKOS.altLabel), [])),
                sorted(objects.get(str(DKG.adjective), [])),
                _key(stands_for[0]) if stands_for else None,
                sorted(objects.get(str(OWL.sameAs), [])),
            ]
        )
    return {"entities": sorted(rows), "core_of_kind": core_of_kind}


def _key(iri: str) -> str:
    return iri.removeprefix(DEFAULT_BASE)


def _unique_surnames(entities: dict[str, KnownEntity]) -> dict[str, KnownEntity]:
    """Last names of known people, kept only where they point to one person.

    Only within the list, too: "Smith" or "May" alone names someone else as
    often as the known person, so ``shared_surnames.txt`` leaves such names to
    the article (a person named in full there still takes the lone surname).
    """
    shared = words("shared_surnames.txt")
    owners: dict[str, set[str]] = {}
    for ent in entities.values():
        if ent.type != "Person":
            continue
        for name in ent.names:
            parts = name.split()
            if len(parts) >= 2:
                owners.setdefault(parts[-1], set()).add(ent.key)
    return {
        name: entities[next(iter(keys))]
        for name, keys in owners.items()
        if len(keys) == 1 and name.casefold() not in shared
    }
