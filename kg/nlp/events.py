"""Events: meetings, summits, forums, conferences, visits and signings.

A sentence with an event word outside quotations ("met", "summit", "news
conference", a named forum such as "Shangri-La defence forum") gives one event:
its participants are the actors the sentence names, its place the place it
names, its date the first date expression. "the same forum" and "the signing
ceremony" refer back to an event already read, and add to it, as does the
same event phrase named again ("the NATO summit").

An event is labelled by its phrase ("cabinet meeting", "meeting of NATO
defence ministers"), never by the words of the sentence around it. Not every
actor of the sentence takes part: what is discussed ("to discuss support for
Ukraine", "Russia's war") is a topic, and who reports an event ("Tamm said
Estonia and Latvia signed ...") is not at it, unless he spoke at it ("said at
a news conference"). A capital that hosts the event is its place (see
:mod:`kg.nlp.entities`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
AGREEMENT_VERBS = lexicon.words("agreement_verbs.txt")
AGREEMENT_NOUNS = lexicon.words("agreement_nouns.txt")
TOPIC_CUES = lexicon.words("topic_cues.txt")
PARTICIPANT_CUES = lexicon.words("participant_cues.txt")
EVENT_MODIFIERS = lexicon.words("event_modifiers.txt")
ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
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
    #: "meeting of Nato defence ministers": how many words after the event word its label takes.
    label_words_after: int = 6
    #: "concluded a number of agreements": how far after the verb its agreement noun may be.
    agreement_window: int = 6
    #: "met to discuss support for the Valdorian army": how far before a name a topic word
    #: (topic_cues.txt) makes it a topic of the event rather than a participant.
    topic_window: int = 8


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
        self.title_at = lexicon.doc_titles(self.state)
        self.adjectives = lexicon.gazetteer().by_adjective
        self.modifiers = lexicon.words("role_modifiers.txt")
        # the reported statements (kg_statements) by where their words start, for bisection
        self.reported = sorted(
            (st.start, st.end, n) for n, st in enumerate(self.state.statements) if not st.direct
        )
        self.reported_starts = [start for start, _, _ in self.reported]
        self.events: list[FoundEvent] = []
        self.by_phrase: dict[str, FoundEvent] = {}  # "nato summit" -> the event first named so
        # indexes over self.events, so that each sentence costs the same however many came before
        self.first_by_forum: dict[str, FoundEvent] = {}
        self.last_by_kind: dict[str, FoundEvent] = {}
        self.last_with_forum: FoundEvent | None = None

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
            if word in AGREEMENT_VERBS and not self._agreement_after(i, s):
                continue  # "Estonia concluded that ..." is no signing
            if word in VERB_TRIGGERS and not self._has_actor(i, s, mentions):
                continue
            if word in MEET_VERBS and not self._meets_someone(i, s, mentions):
                continue  # "Berlin will meet the 2 per cent target"
            return i, self.triggers[word][0], forums[0] if forums else None
        if forums:
            return forums[0].start, "forum", forums[0]
        return None

    def _agreement_after(self, i: int, s: Span) -> bool:
        """ "concluded a number of agreements", "inked a deal": the verb has an agreement for object."""
        stop = min(s.end, i + 1 + self.limits.agreement_window)
        return any(self.lower[j] in AGREEMENT_NOUNS for j in range(i + 1, stop))

    def _meets_someone(self, i: int, s: Span, mentions: list[Mention]) -> bool:
        """People meet with someone, somewhere or some day; states "meet a target"."""
        if i + 1 >= s.end or self.state.is_punct[i + 1]:
            return True
        j = i + 1  # "met Finnish Defence Minister X": over the person's title
        while j < s.end and (
            j in self.title_at or self.text[j] in self.adjectives or self.lower[j] in self.modifiers
        ):
            j += 1
        if j > i + 1 and (j in self.title_at or any(m.start == j and m.type == "Person" for m in mentions)):
            return True
        nxt = self.lower[i + 1]
        if i + 1 in self.title_at or nxt in lexicon.words("honorifics.txt"):
            return True  # "met Defence Minister X"
        return any(m.start == i + 1 for m in mentions) or nxt in MEET_FOLLOWERS

    def _has_actor(self, i: int, s: Span, mentions: list[Mention]) -> bool:
        before = any(m.end <= i and m.type in PARTICIPANTS for m in mentions)
        places = any(m.type == "Place" for m in mentions)
        # "The ministry signed a contract with Kestrel Dynamics": the other party after "with"
        party = self.triggers[self.lower[i]][0] == "signing" and any(
            m.start > i and m.type in PARTICIPANTS and "with" in self.lower[i : m.start] for m in mentions
        )
        return before or places or party

    def _refers_back(self, i: int, kind: str) -> FoundEvent | None:
        """ "the same forum", "the signing ceremony": an event named before."""
        if self.lower[i] in VERB_TRIGGERS:
            return None
        words = self.lower[max(0, i - 2) : i]
        definite = words[-1:] in (["the"], ["same"]) or (
            words[-2:-1] == ["the"] and self.text[i - 1].islower()
        )
        if not definite:
            return None
        same = self.last_by_kind.get(kind)
        if same is None and kind == "forum":  # "gathered for the X Forum ... at the same forum"
            same = self.last_with_forum
        return same

    def _label(self, i: int, kind: str, forum: Mention | None, place: Mention | None) -> str:
        """The event's phrase: "cabinet meeting", "meeting of Nato defence ministers", never a fragment.

        Before and after the event word it takes names and the words of
        event_modifiers.txt only ("to discuss NATO summit" -> "NATO summit").
        """
        if forum is not None:
            return forum.label
        if self.lower[i] in VERB_TRIGGERS:
            noun = kind
        else:
            start, end = i, i + 1
            while start - 1 >= 0 and start > i - self.limits.label_words and self._label_word(start - 1):
                start -= 1
            while start < i and self.text[start] in {"-", "’", "'s", "’s"}:
                start += 1
            if end < len(self.lower) and self.lower[end] in {"of", "between"}:
                k = end + 1
                while (
                    k < len(self.lower)
                    and k <= end + self.limits.label_words_after
                    and (self._label_word(k) or self.lower[k] in {"the", "and"})
                ):
                    k += 1
                while k > end + 1 and self.lower[k - 1] in {"the", "and", "-"}:
                    k -= 1
                if k > end + 1:
                    end = k
            noun = self.state.span_text(start, end)
        if place is not None and place.label.casefold() not in noun.casefold():
            return f"{noun} in {place.label}"
        return noun

    def _label_word(self, j: int) -> bool:
        if self.state.is_punct[j] and self.text[j] not in {"-", "’"}:
            return False
        return (
            bool(self.doc[j].ent_type_)
            or self.lower[j] in EVENT_MODIFIERS
            or ORDINAL.fullmatch(self.lower[j]) is not None  # "the 27th meeting"
        )

    def participants(self, s: Span, i: int, mentions: list[Mention]) -> list[Mention]:
        """The actors of the sentence that take part: not what is discussed, nor who reports it.

        "met in Riga to discuss Valdoria": Valdoria is a topic (topic_cues.txt),
        until a participant cue ("with"). "Estonia and Latvia signed ..., Tamm
        said": the event is in the reported words, and so are its participants.
        """
        reported = self._reported_at(i)
        if self._setting_of_speech(i):
            # "Tamm announced the aid during a briefing with Virtanen": both take part; "Tamm said
            # at a news conference that Estonia ...": the reported words after "that" do not
            stop = next((k for k in range(i, s.end) if self.lower[k] in {"that", ",", ";", ":"}), s.end)
            mentions = [m for m in mentions if self._reported_at(m.start) is None or i < m.start < stop]
        elif reported is not None:
            mentions = [m for m in mentions if self._reported_at(m.start) == reported]
        else:
            mentions = [m for m in mentions if self._reported_at(m.start) is None]
        return [m for m in mentions if m.type in PARTICIPANTS and not self._is_topic(m, i, s)]

    def _reported_at(self, k: int) -> int | None:
        """The reported statement whose words hold token k (the last one to start before it), if any."""
        n = bisect_right(self.reported_starts, k) - 1
        while n >= 0:
            start, end, number = self.reported[n]
            if k < end:
                return number
            if n == 0 or self.reported[n - 1][1] <= start:
                return None  # statements do not nest: an earlier one ends before this one starts
            n -= 1
        return None

    def _setting_of_speech(self, i: int) -> bool:
        """ "said at a news conference", "announced during a briefing": the event is where one spoke."""
        j = i - 1
        while j >= 0 and (self._label_word(j) or self.lower[j] in {"a", "an", "the"}):
            j -= 1
        return j >= 0 and self.lower[j] in {"at", "during"} and self.lower[i] not in VERB_TRIGGERS

    def _is_topic(self, m: Mention, i: int, s: Span) -> bool:
        """ "to discuss Valdoria", "talks on Ukraine, Moldova and Georgia", "Russia's invasion".

        The nearest cue before the mention, within the window and over a list
        of names, is a topic word (topic_cues.txt) rather than the event word or
        a participant cue ("with", "between"). A name that is part of the event's
        phrase ("the NATO summit") takes part.
        """
        topics, cues = TOPIC_CUES, PARTICIPANT_CUES
        lower, mention_at = self.lower, self.state.mention_at
        if m.end + 1 < s.end and lower[m.end] in {"'s", "’s"} and lower[m.end + 1] in topics:
            return True  # "Russia's invasion"
        if m.end <= i and all(self._label_word(k) for k in range(m.end, i)):
            return False  # "the NATO summit", "the Brussels meeting"
        j = m.start - 1
        while j >= max(s.start, m.start - self.limits.topic_window):
            word = lower[j]
            if j == i or word in cues or word in {";", ":"} or self.state.in_quote[j]:
                return False
            if word in topics and j not in mention_at:
                return True
            if word == "," and not (j - 1 in mention_at or lower[j - 1] == "and"):
                return False  # a comma ends the topic, unless a list of names goes on
            j -= 1
        return False

    def sentence_event(self, s: Span) -> None:
        mentions = self._mentions(s)
        found = self._trigger(s, mentions)
        if found is None:
            return
        i, kind, forum = found
        participants = [m.key for m in self.participants(s, i, mentions)]
        places = [m for m in mentions if m.type == "Place"]
        place = next(
            (m for m in places if m.start > 0 and self.lower[m.start - 1] in {"in", "at", "near"}),
            None,
        )
        place = place or (places[0] if places and forum is None else None)
        date = DATE.search(self.state.span_text(s.start, s.end))
        earlier = self._refers_back(i, kind) if forum is None else None
        if earlier is None and forum is not None:
            earlier = self.first_by_forum.get(forum.key)
        phrase = self._label(i, kind, None, None)
        label = phrase if forum is None and place is None else self._label(i, kind, forum, place)
        phrase = phrase.casefold()
        if earlier is None and forum is None and " " in phrase:
            # "the NATO summit" named again: the same event ("meeting" alone may be another)
            earlier = self.by_phrase.get(phrase)
        if earlier is not None:
            earlier.participants += [p for p in participants if p not in earlier.participants]
            return
        if not participants and place is None:
            return
        self.events.append(
            event := FoundEvent(
                label=label,
                kind=kind,
                evidence=(s.start_char, s.end_char),
                participants=_unique(participants),
                place=place.key if place is not None else None,
                date=date.group() if date else None,
                forum=forum.key if forum is not None else None,
            )
        )
        self.by_phrase.setdefault(phrase, event)
        self.last_by_kind[kind] = event
        if event.forum is not None:
            self.first_by_forum.setdefault(event.forum, event)
            self.last_with_forum = event

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
