"""Quotations and quote-aware sentences: the frame every later rule works in.

spaCy's own sentencizer cuts “It is not about Nato. It is about allies,” he
added into two sentences and loses the speaker of the first. News attribution
works on units that keep a quotation whole, so this component finds the
quotations first (whatever the marks: “ ” " « » „ ‘ ’ ') and then splits
paragraphs into sentences only at full stops outside them.

The result goes to ``doc._.kg`` (a :class:`DocState`), which the other
``kg_*`` components fill in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.attrs import SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon

OPENERS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "'": "'", "‹": "›"}
SINGLE = {"‘", "'", "’", "‹", "›"}
SENTENCE_END = {".", "!", "?", "…"}
CLOSERS_AFTER_END = {"”", '"', "’", "'", "»", ")", "]"}


@dataclass(frozen=True)
class Quote:
    """A quotation: tokens ``start..end`` are its content, without the marks."""

    start: int
    end: int
    open_mark: int  # token index of the opening mark
    close_mark: int | None  # None when the paragraph ends before it closes


@dataclass
class DocState:
    """What the kg components know about one doc, filled component by component."""

    sentences: list[Span] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    in_quote: list[bool] = field(default_factory=list)  # per token
    # Token texts and lowercase forms, read once: ``doc[i]`` builds a Token
    # object each time, and the rules look at tokens hundreds of thousands of times.
    text: list[str] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)
    space_after: list[bool] = field(default_factory=list)  # token.whitespace_ is not empty
    mentions: list = field(default_factory=list)  # kg.nlp.entities.Mention, in text order
    mention_at: dict = field(default_factory=dict)  # token index -> the Mention covering it
    entities: dict = field(default_factory=dict)  # key -> kg.nlp.entities.EntityInfo
    statements: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    fundings: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    events: list = field(default_factory=list)


if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)


def paragraphs(text: list[str]) -> list[tuple[int, int]]:
    """Token ranges between line breaks (news text puts one paragraph per line)."""
    ranges, start = [], 0
    for i, word in enumerate(text):
        if "\n" in word and word.isspace():
            if i > start:
                ranges.append((start, i))
            start = i + 1
    if start < len(text):
        ranges.append((start, len(text)))
    return ranges


def _opens_single(doc: Doc, i: int) -> bool:
    """A ' or ‘ starts a quotation when it sticks to the next word, not the last."""
    token = doc[i]
    before_space = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_punct
    return before_space and not token.whitespace_ and i + 1 < len(doc)


def _closes_single(doc: Doc, i: int) -> bool:
    token = doc[i]
    at_end = i + 1 >= len(doc) or bool(token.whitespace_) or doc[i + 1].is_punct
    return at_end and i > 0 and not doc[i - 1].whitespace_


def find_quotes(doc: Doc, start: int, end: int) -> list[Quote]:
    """Top-level quotations in tokens ``start..end`` (one paragraph); nested ones stay inside."""
    quotes: list[Quote] = []
    stack: list[tuple[str, int]] = []  # (expected closing mark, token index of opener)
    for i in range(start, end):
        text = doc[i].text
        if stack and text == stack[-1][0] and (text not in SINGLE or _closes_single(doc, i)):
            _, opened = stack.pop()
            if not stack:
                quotes.append(Quote(opened + 1, i, opened, i))
        elif text in OPENERS and (text not in SINGLE or _opens_single(doc, i)):
            if text == '"' and any(mark == '"' for mark, _ in stack):
                continue  # a straight quote that closes nothing open: ignore
            stack.append((OPENERS[text], i))
    if stack:  # unclosed: runs to the end of the paragraph (multi-paragraph quotes)
        opened = stack[0][1]
        if end - opened > 3:
            quotes.append(Quote(opened + 1, end, opened, None))
    return [q for q in quotes if q.end > q.start]


def _ends_sentence(doc: Doc, i: int) -> bool:
    text = doc[i].text
    if text in SENTENCE_END:
        return True
    lowered = text.casefold()
    return (
        len(text) > 2
        and text.endswith(".")
        and lowered not in lexicon.words("abbreviations.txt")
        and not (len(text) == 2 and text[0].isupper())
        and text[:-1].isalpha()
    )


def _starts_sentence(token: Token) -> bool:
    return token.text[:1].isupper() or token.text[:1].isdigit() or token.text in OPENERS


def split_sentences(doc: Doc, start: int, end: int, in_quote: list[bool], closing: set[int]) -> list[Span]:
    """Sentences of one paragraph, never cut inside a quotation.

    A full stop just before a closing mark (“... a central task.”) ends the
    sentence when the quotation ends there too.
    """
    spans, first, i = [], start, start
    while i < end:
        outside = not in_quote[i] or (i + 1) in closing
        if outside and _ends_sentence(doc, i):
            j = i + 1
            while j < end and doc[j].text in CLOSERS_AFTER_END:
                j += 1
            if j >= end or _starts_sentence(doc[j]):
                if j > first:
                    spans.append(doc[first:j])
                first, i = j, j
                continue
        i += 1
    if first < end:
        spans.append(doc[first:end])
    return spans


@Language.component("kg_segmenter")
def segment(doc: Doc) -> Doc:
    """Find quotations and quote-aware sentences; start ``doc._.kg``."""
    state = DocState(
        in_quote=[False] * len(doc),
        text=(text := [t.text for t in doc]),
        lower=[word.lower() for word in text],  # what Token.lower_ gives
        space_after=[bool(flag) for flag in doc.to_array(SPACY).tolist()],
    )
    for start, end in paragraphs(state.text):
        quotes = find_quotes(doc, start, end)
        closing = {q.close_mark for q in quotes if q.close_mark is not None}
        for quote in quotes:
            marks_end = quote.close_mark + 1 if quote.close_mark is not None else quote.end
            for i in range(quote.open_mark, marks_end):
                state.in_quote[i] = True
        state.quotes.extend(quotes)
        state.sentences.extend(split_sentences(doc, start, end, state.in_quote, closing))
    doc._.kg = state
    return doc
