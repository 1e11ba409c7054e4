"""Events: meetings, summits, forums, conferences, visits and signings.

A sentence with an event word outside quotations ("met", "summit", "news
conference", a named forum such as "Shangri-La defence forum") gives one event:
its participants are the actors the sentence names, its place the place it
names, its date the first date expression. "the same forum" and "the signing
ceremony" refer back to an event already read, and add to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.entities import Mention, mentions_by_sentence
from kg.nlp.segments import DocState, doc_state, within
from kg.nlp.spans import FactSpans, sentence_span

PARTICIPANTS = {"Person", "Organization", "Country"}
EVENT_KINDS_OF_ORGS = {"Forum"}
MEET_VERBS = {"met", "meet", "meets"}
MEET_FOLLOWERS = lexicon.words("meet_followers.txt")
VERB_TRIGGERS = lexicon.words("event_verbs.txt")
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
DATE = re.compile(
    rf"\b(?:(?:{DAYS}),?\s+)?(?:{MONTHS})\s+\d{{1,2}}(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}\s+(?:{MONTHS})(?:\s+\d{{4}})?\b"
    rf"|\b(?:last|this|next)\s+(?:week|month|year|{DAYS}|{MONTHS})\b"
    rf"|\b(?:{DAYS})\b"
    rf"|\b(?:{MONTHS})\s+\d{{4}}\b"
)


@dataclass(frozen=True)
class EventLimits:
    """How far ``kg_events`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "Nato defence minister meeting": how many words before the event word its label takes.
    label_words: int = 3


DEFAULT_LIMITS = EventLimits()


@dataclass
class FoundEvent:
    label: str
    kind: str
    evidence: tuple[int, int]
    participants: list[str] = field(default_factory=list)
    place: str | None = None
    date: str | None = None
    forum: str | None = None  # key of the named forum it is, if any


class EventFinder:
    def __init__(self, doc: Doc, limits: EventLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.triggers = lexicon.table("event_triggers.txt")
        self.trigger_at = [i for i, word in enumerate(self.lower) if word in self.triggers]
        self.sentence_mentions = mentions_by_sentence(self.state.mentions, self.state.sentences)
        self.events: list[FoundEvent] = []

    def _mentions(self, s: Span) -> list[Mention]:
        return [m for m in self.sentence_mentions[s.start] if not self.state.in_quote[m.start]]

    def _trigger(self, s: Span, mentions: list[Mention]) -> tuple[int, str, Mention | None] | None:
        forums = [m for m in mentions if m.kind in EVENT_KINDS_OF_ORGS]
        for i in within(self.trigger_at, s.start, s.end):
            word = self.lower[i]
            if self.state.in_quote[i]:
                continue
            if self.doc[i].ent_type_ and not forums:
                continue  # "forum" inside a name is the forum itself
            if word in VERB_TRIGGERS and not self._has_actor(i, s, mentions):
                continue
            if word in MEET_VERBS and not self._meets_someone(i, s, mentions):
                continue  # "Berlin will meet the 2 per cent target"
            return i, self.triggers[word][0], forums[0] if forums else None
        if forums:
            return forums[0].start, "forum", forums[0]
        return None

    def _meets_someone(self, i: int, s: Span, mentions: list[Mention]) -> bool:
        """People meet with someone, somewhere or some day; states "meet a target"."""
        if i + 1 >= s.end or self.state.is_punct[i + 1]:
            return True
        nxt = self.lower[i + 1]
        if nxt in lexicon.words("titles.txt") or nxt in lexicon.words("honorifics.txt"):
            return True  # "met Defence Minister X"
        return any(m.start == i + 1 for m in mentions) or nxt in MEET_FOLLOWERS

    def _has_actor(self, i: int, s: Span, mentions: list[Mention]) -> bool:
        before = any(m.end <= i and m.type in PARTICIPANTS for m in mentions)
        places = any(m.type == "Place" for m in mentions)
        return before or places

    def _refers_back(self, i: int, kind: str) -> FoundEvent | None:
        """ "the same forum", "the signing ceremony": an event named before."""
        if self.lower[i] in VERB_TRIGGERS:
            return None
        words = self.lower[max(0, i - 2) : i]
        definite = words[-1:] in (["the"], ["same"]) or (
            words[-2:-1] == ["the"] and self.text[i - 1].islower()
        )
        if definite:
            return next((e for e in reversed(self.events) if e.kind == kind), None)
        return None

    def _label(self, i: int, kind: str, forum: Mention | None, place: Mention | None) -> str:
        if forum is not None:
            return forum.label
        doc, start = self.doc, i
        while start - 1 >= 0 and (
            doc[start - 1].ent_type_
            or self.lower[start - 1] in {"news", "press", "signing", "’", "'s", "’s"}
            or self.text[start - 1].isalpha()
            and self.text[start - 1].islower()
            and self.lower[start - 1]
            not in {
                "a",
                "an",
                "the",
                "at",
                "of",
                "before",
                "after",
                "during",
                "in",
                "on",
                "ahead",
            }
            and start > i - self.limits.label_words
        ):
            start -= 1
        noun = self.state.span_text(start, i + 1) if self.lower[i] not in VERB_TRIGGERS else kind
        return f"{noun} in {place.label}" if place is not None else noun

    def sentence_event(self, s: Span) -> None:
        mentions = self._mentions(s)
        found = self._trigger(s, mentions)
        if found is None:
            return
        i, kind, forum = found
        participants = [m.key for m in mentions if m.type in PARTICIPANTS]
        places = [m for m in mentions if m.type == "Place"]
        place = next(
            (m for m in places if m.start > 0 and self.lower[m.start - 1] in {"in", "at", "near"}),
            None,
        )
        place = place or (places[0] if places and forum is None else None)
        date = DATE.search(self.state.span_text(s.start, s.end))
        earlier = self._refers_back(i, kind) if forum is None else None
        earlier = earlier or next(
            (e for e in self.events if forum is not None and e.forum == forum.key), None
        )
        if earlier is not None:
            earlier.participants += [p for p in participants if p not in earlier.participants]
            return
        if not participants and place is None:
            return
        self.events.append(
            FoundEvent(
                label=self._label(i, kind, forum, place),
                kind=kind,
                evidence=(s.start_char, s.end_char),
                participants=_unique(participants),
                place=place.key if place is not None else None,
                date=date.group() if date else None,
                forum=forum.key if forum is not None else None,
            )
        )

    def run(self) -> list[FoundEvent]:
        for s in self.state.sentences:
            self.sentence_event(s)
        return self.events


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def event_span(doc: Doc, state: DocState, found: FoundEvent) -> Span | None:
    """The sentence of an event, labelled with the event's label."""
    return sentence_span(doc, found.evidence, found.label)


EVENT_SPANS = FactSpans("kg_events", "kg_event", lambda state: state.events, event_span)
EVENT_SPANS.register()


class EventComponent:
    """The ``kg_events`` component: ``doc._.kg.events`` and ``doc.spans["kg_events"]``."""

    def __init__(self, limits: EventLimits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_events")
        state.events = EventFinder(doc, self.limits).run()
        EVENT_SPANS.publish(doc, state)
        return doc


@Language.factory(
    "kg_events",
    default_config={"limits": asdict(DEFAULT_LIMITS)},
    requires=["doc._.kg"],
    assigns=["doc.spans", "doc._.kg"],
)
def make_event_finder(nlp: Language, name: str, limits: dict[str, int]) -> EventComponent:
    return EventComponent(EventLimits(**limits))
