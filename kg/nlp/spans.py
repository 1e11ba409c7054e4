"""kg's mentions and facts as spaCy span groups, with typed extension attributes.

Each component leaves its records in ``doc._.kg``, which kg's own code reads,
and also in a span group that a spaCy user can read, filter or render with
displaCy (``displacy.render(doc, style="span", options={"spans_key": ...})``):

==================  =================  ====================  ==========================
``doc.spans[...]``  a span is          its ``label_``        ``span._.``
==================  =================  ====================  ==========================
``kg_mentions``     the mention        the entity type       ``kg_entity``
``kg_statements``   what was said      the speaker's name    ``kg_statement``
``kg_roles``        the sentence       "person: post"        ``kg_role``
``kg_memberships``  the sentence       "member in body"      ``kg_membership``
``kg_fundings``     the sentence       "funder → recipient"  ``kg_funding``
``kg_events``       the sentence       the event's label     ``kg_event``
==================  =================  ====================  ==========================

A span's ``kb_id_`` is the key of the entity it is about (the mention's,
the speaker's, the person's, the member's, the funder's). The ``span._.kg_*``
attributes give the record behind a span (:class:`kg.nlp.statements.Found`
and its kin, :class:`kg.nlp.entities.EntityInfo` for a mention): they are
getters that look the record up when asked, so that a doc nobody reads this
way pays only for its span groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.segments import DocState

MENTIONS = "kg_mentions"


def entity_name(state: DocState, key: str) -> str:
    """The label of the entity ``key``: as the article calls it, else as the ontology does."""
    info = state.entities.get(key)
    if info is not None:
        return info.label
    known = lexicon.gazetteer().entities.get(key)
    return known.label if known is not None else key


def sentence_span(doc: Doc, evidence: tuple[int, int], label: str, kb_id: str = "") -> Span | None:
    """The sentence a fact was read from (its ``evidence`` character offsets), labelled."""
    return doc.char_span(evidence[0], evidence[1], label=label, kb_id=kb_id)


#: How a record becomes a span: (doc, its state, the record) -> the span, or None.
Place = Callable[[Doc, DocState, Any], Span | None]


@dataclass(frozen=True)
class FactSpans:
    """One kind of record of ``doc._.kg`` as a span group, and the extension that leads back."""

    group: str  # the key in doc.spans
    extension: str  # the Span attribute that gives the record: span._.<extension>
    records: Callable[[DocState], list]  # where the records are in doc._.kg
    place: Place

    def register(self) -> None:
        """Register ``Span._.<extension>`` (once per process, as spaCy's extensions are global)."""
        if not Span.has_extension(self.extension):
            Span.set_extension(self.extension, getter=self.record)

    def publish(self, doc: Doc, state: DocState) -> None:
        """Set ``doc.spans[group]`` from the records the component left in ``state``."""
        spans = [self.place(doc, state, record) for record in self.records(state)]
        doc.spans[self.group] = [span for span in spans if span is not None]

    def record(self, span: Span) -> Any:
        """The record ``span`` stands for (placed at the same tokens, with the same label), or None."""
        state = span.doc._.kg
        if state is None:
            return None
        wanted = (span.start, span.end, span.label, span.kb_id)
        for record in self.records(state):
            placed = self.place(span.doc, state, record)
            if placed is not None and (placed.start, placed.end, placed.label, placed.kb_id) == wanted:
                return record
        return None


def entity_of(span: Span) -> Any:
    """The :class:`kg.nlp.entities.EntityInfo` of a mention (a span of ``kg_mentions`` or ``doc.ents``)."""
    state = span.doc._.kg
    return state.entities.get(span.kb_id_) if state is not None else None


if not Span.has_extension("kg_entity"):
    Span.set_extension("kg_entity", getter=entity_of)
