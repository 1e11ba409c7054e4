"""Fundings: who pays, lends or funds whom, and how much.

A sentence with an amount of money and a funding word ("sent", "loan",
"awarded", "via a new loan program, called SAFE") yields a funding when both
ends can be named:

- the recipient is a programme named in the sentence, the object of "send/give
  X", or what follows "to", "for" or "on behalf of";
- the funder is the agent after "funded by" / "underwritten by", else the
  nearest actor before the funding word, else the article's last funder (a
  story about one donor keeps naming it only once);
- "the sale of ... to Poland" turns the roles round: the buyer pays.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.entities import Mention, mentions_by_sentence
from kg.nlp.money import Amount, find_amounts
from kg.nlp.segments import DocState, doc_state, within
from kg.nlp.spans import FactSpans, entity_name, sentence_span

FUNDERS = {"Organization", "Country", "Person"}
RECIPIENTS = {"Program", "Organization", "Country"}
DOUBLE_OBJECT = lexicon.words("double_object_verbs.txt")
AGENT_VERBS = lexicon.words("funding_agent_verbs.txt")
TO_WORDS = {"to", "for"}


@dataclass(frozen=True)
class FundingLimits:
    """How far ``kg_fundings`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "to the Ukrainian army": how many words may stand between "to"/"for" and the recipient.
    recipient_gap: int = 1


DEFAULT_LIMITS = FundingLimits()


@dataclass
class FoundFunding:
    funder: str
    recipient: str
    amount: str | None
    value: Decimal | None
    currency: str | None
    evidence: tuple[int, int]
    about: list[str] = field(default_factory=list)  # topic keys, set by kg_topics


class FundingFinder:
    def __init__(self, doc: Doc, limits: FundingLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.triggers = lexicon.words("funding_triggers.txt")
        self.trigger_at = [i for i, word in enumerate(self.lower) if word in self.triggers]
        self.sentence_mentions = mentions_by_sentence(self.state.mentions, self.state.sentences)
        self.last_funder: str | None = None

    def _mentions(self, s: Span) -> list[Mention]:
        return self.sentence_mentions[s.start]

    def _first_after(self, i: int, s: Span, types: set[str]) -> Mention | None:
        return next((m for m in self._mentions(s) if m.start > i and m.type in types), None)

    def recipient(self, s: Span, trigger: int, mentions: list[Mention]) -> tuple[Mention | None, int]:
        programs = [m for m in mentions if m.type == "Program"]
        if programs:
            return programs[0], programs[0].start
        if self.lower[trigger] in DOUBLE_OBJECT and trigger + 1 < s.end:
            m = next(
                (m for m in mentions if m.start == trigger + 1 and m.type in RECIPIENTS),
                None,
            )
            if m is not None:
                return m, m.start
        for i in range(trigger + 1, s.end):
            words = self.lower[i]
            behalf = words == "behalf" and i + 1 < s.end and self.lower[i + 1] == "of"
            if words in TO_WORDS or behalf:
                nxt = i + 2 if behalf else i + 1
                last = nxt + self.limits.recipient_gap
                m = next((m for m in mentions if nxt <= m.start <= last), None)
                if m is not None and m.type in RECIPIENTS:
                    return m, m.start
        return None, -1

    def funder(self, s: Span, trigger: int, mentions: list[Mention]) -> Mention | None:
        agents = [m for m in mentions if self._is_agent(m.start)]
        if agents:
            return agents[-1]
        before = [m for m in mentions if m.end <= trigger and m.type in FUNDERS]
        for m in reversed(before):
            prev = self.lower[m.start - 1] if m.start > s.start else ""
            if prev not in {
                "to",
                "for",
                "with",
                "of",
                "from",
                "against",
                "in",
                "on",
                "by",
            }:
                return m
        return None

    def _is_agent(self, i: int) -> bool:
        """ "funded by X", "underwritten by the X": X pays."""
        if i >= 1 and self.lower[i - 1] in {"the", "a", "an"}:
            i -= 1
        return i >= 2 and self.lower[i - 1] == "by" and self.lower[i - 2] in AGENT_VERBS

    def sentence_fundings(self, s: Span) -> list[FoundFunding]:
        triggers = [i for i in within(self.trigger_at, s.start, s.end) if not self.state.in_quote[i]]
        if not triggers:
            return []
        amounts = find_amounts(self.state.span_text(s.start, s.end))  # a regex: only where a funding word is
        if not amounts:
            return []
        mentions = self._mentions(s)
        trigger = triggers[0]
        if self.lower[trigger] in {"sale", "sold"}:
            funder = self._first_after(trigger, s, FUNDERS)
            recipient = self.funder(s, trigger, mentions)
            anchor = funder.start if funder else -1
        else:
            recipient, anchor = self.recipient(s, trigger, mentions)
            funder = self.funder(s, trigger, mentions)
        if funder is not None:
            self.last_funder = funder.key
        funder_key = funder.key if funder is not None else self.last_funder
        if recipient is None or funder_key is None or funder_key == recipient.key:
            return []
        amount = _closest(amounts, s, anchor)
        return [
            FoundFunding(
                funder_key,
                recipient.key,
                amount.text,
                amount.value,
                amount.currency,
                (s.start_char, s.end_char),
            )
        ]

    def run(self) -> list[FoundFunding]:
        found = []
        for s in self.state.sentences:
            found += self.sentence_fundings(s)
        return found


def _closest(amounts: list[Amount], s: Span, anchor_token: int) -> Amount:
    """The amount nearest the recipient ("150 billion euros via ... SAFE")."""
    if anchor_token < 0:
        return amounts[0]
    anchor = s.doc[anchor_token].idx - s.start_char
    return min(amounts, key=lambda a: min(abs(a.start - anchor), abs(a.end - anchor)))


def funding_span(doc: Doc, state: DocState, found: FoundFunding) -> Span | None:
    """The sentence of a funding, labelled "funder → recipient"."""
    label = f"{entity_name(state, found.funder)} → {entity_name(state, found.recipient)}"
    return sentence_span(doc, found.evidence, label, found.funder)


FUNDING_SPANS = FactSpans("kg_fundings", "kg_funding", lambda state: state.fundings, funding_span)
FUNDING_SPANS.register()


class FundingComponent:
    """The ``kg_fundings`` component: ``doc._.kg.fundings`` and ``doc.spans["kg_fundings"]``."""

    def __init__(self, limits: FundingLimits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_fundings")
        state.fundings = FundingFinder(doc, self.limits).run()
        FUNDING_SPANS.publish(doc, state)
        return doc


@Language.factory(
    "kg_fundings",
    default_config={"limits": asdict(DEFAULT_LIMITS)},
    requires=["doc._.kg"],
    assigns=["doc.spans", "doc._.kg"],
)
def make_funding_finder(nlp: Language, name: str, limits: dict[str, int]) -> FundingComponent:
    return FundingComponent(FundingLimits(**limits))
