"""Articles longer than spaCy's ``max_length``, run in pieces cut at paragraph boundaries.

Why: spaCy refuses a text over ``nlp.max_length`` characters (E088: a parser
could need a gigabyte per 100,000 characters); a book-length report must not
be refused. Each piece is whole paragraphs (a paragraph longer than the
limit is cut at a line end, else a sentence end, else anywhere), is run on
its own, and its facts come back with their evidence offsets moved by the
piece's start, so every offset points into the whole article's text.
Entities met in several pieces are one entity, their mentions summed.
Articles under the limit never come here: their facts are unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from spacy.language import Language

from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.nlp.pipeline import doc_to_facts

__all__ = ["facts_in_pieces", "pieces"]

_CUTS = (re.compile(r"\n\n+"), re.compile(r"\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))


def pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """``(start, piece)`` of ``text``, each at most ``limit`` characters, cut at the coarsest boundary."""
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        yield start, text[start:end]
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        yield start, text[start:]


def _cut(text: str, start: int, stop: int) -> int:
    """The end of the piece that starts at ``start``: the last boundary before ``stop``."""
    window = text[start:stop]
    for boundary in _CUTS:
        ends = [m.start() for m in boundary.finditer(window) if m.start() > 0]
        if ends:
            return start + ends[-1]
    return stop


def facts_in_pieces(nlp: Language, document: Document) -> ArticleFacts:
    """The facts of an over-long article, read piece by piece, offsets into the whole text."""
    entities: dict[str, Entity] = {}
    by_kind: dict[str, list] = {}
    for start, piece in pieces(document.text, nlp.max_length):
        facts = doc_to_facts(nlp(piece), dataclasses.replace(document, text=piece))
        for entity in facts.entities:
            entities[entity.key] = _merged(entities.get(entity.key), entity)
        for kind, found in facts.by_kind.items():
            by_kind.setdefault(kind, []).extend(_shifted(fact, start) for fact in found)
    return ArticleFacts(document, [entities[key] for key in sorted(entities)], **by_kind)


def _merged(first: Entity | None, later: Entity) -> Entity:
    if first is None:
        return later
    return dataclasses.replace(
        first,
        aliases=tuple(sorted(set(first.aliases) | set(later.aliases))),
        mentions=first.mentions + later.mentions,
        kind=first.kind or later.kind,
        same_as=first.same_as or later.same_as,
    )


def _shifted(fact, offset: int):
    """``fact`` with every `Evidence` it holds moved ``offset`` characters on."""
    if not dataclasses.is_dataclass(fact) or not offset:
        return fact
    changes = {
        field.name: dataclasses.replace(value, start=value.start + offset, end=value.end + offset)
        for field in dataclasses.fields(fact)
        if isinstance(value := getattr(fact, field.name), Evidence)
    }
    return dataclasses.replace(fact, **changes) if changes else fact
