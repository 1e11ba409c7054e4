"""Quotations and quote-aware sentences: the frame every later rule works in.

spaCy's own sentencizer cuts “It is not about Nato. It is about allies,” he
added into two sentences and loses the speaker of the first. News attribution
works on units that keep a quotation whole, so this component finds the
quotations first (whatever the marks: “ ” " « » „ ‘ ’ ') and then splits
paragraphs into sentences only at full stops outside them.

The result goes to ``doc._.kg`` (a :class:`DocState`), which the other
``kg_*`` components fill in turn. The sentences are also set on the Doc
(``token.is_sent_start``), so that ``doc.sents`` works, unless a trained
pipeline's parser or senter has set them before: its sentences then stay on
the Doc, and kg's rules still read their own quote-aware ones in
``doc._.kg.sentences``, so that what they extract does not depend on the parser.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import asdict, dataclass, field

from spacy.attrs import IS_PUNCT, LOWER, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon

# "''" is the straight double quote of typewritten and some archived news text
# (''We are ready,'' he said.), "``" its opening form.
OPENERS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "''": "''", "``": "''", "'": "'", "‹": "›"}
SINGLE = {"‘", "'", "’", "‹", "›"}
STRAIGHT_DOUBLE = {'"', "''"}  # marks that open as well as close a quotation
DOUBLE_CLOSERS = {"”", '"', "''", "“"}  # what closes a double quotation, whichever mark opened it
SENTENCE_END = {".", "!", "?", "…"}
END_CHARS = SENTENCE_END  # the last character of any word that ends a sentence
QUOTE_MARKS = set(OPENERS) | set(OPENERS.values())
CLOSERS_AFTER_END = {"”", '"', "''", "’", "'", "»", ")", "]"}
STRAIGHT = STRAIGHT_DOUBLE | {"'"}  # marks that open as well as close
#: ``Token.is_sent_start`` False, as the uint64 arrays of ``Doc.to_array`` hold -1.
NOT_SENT_START = 2**64 - 1


@dataclass(frozen=True)
class SegmentLimits:
    """The segmenter's distances (the ``limits`` section of its spaCy config)."""

    #: A quotation still open at the end of its paragraph runs to that end (a
    #: quotation over several paragraphs) only when more than this many tokens
    #: follow its mark; a shorter one is a stray mark.
    unclosed_quote_min_tokens: int = 3
    #: “Why now?” Tamm asked: a quotation ending in "?" or "!" does not end the sentence
    #: when a speech verb follows within this many words (its attribution).
    attribution_window: int = 6


DEFAULT_LIMITS = SegmentLimits()


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
    is_punct: list[bool] = field(default_factory=list)  # token.is_punct
    mentions: list = field(default_factory=list)  # kg.nlp.entities.Mention, in text order
    mention_at: dict = field(default_factory=dict)  # token index -> the Mention covering it
    entities: dict = field(default_factory=dict)  # key -> kg.nlp.entities.EntityInfo
    statements: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    fundings: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    events: list = field(default_factory=list)

    def span_text(self, start: int, end: int) -> str:
        """What ``doc[start:end].text`` gives (``start``, ``end`` >= 0), without making a Span."""
        text, space_after = self.text, self.space_after
        end = min(end, len(text))
        if end - start == 1:
            return text[start]
        if end <= start:
            return ""
        return (
            "".join([text[i] + " " if space_after[i] else text[i] for i in range(start, end - 1)])
            + text[end - 1]
        )


if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)


def doc_state(doc: Doc, component: str) -> DocState:
    """``doc._.kg``, or an error that says which components must run first."""
    state = doc._.kg
    if state is None:
        raise ValueError(
            f"{component} reads what kg_segmenter and the kg components after it leave in doc._.kg: "
            "add them in order (kg.nlp.add_to(nlp))"
        )
    return state


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


def _opens_single(state: DocState, i: int) -> bool:
    """A ' or ‘ starts a quotation when it sticks to the next word, not the last."""
    before_space = i == 0 or state.space_after[i - 1] or state.is_punct[i - 1]
    if i + 1 < len(state.text) and state.text[i + 1][:1].isdigit():
        return False  # "the '60s", "in '24": an elided century
    return before_space and not state.space_after[i] and i + 1 < len(state.text)


def _closes_single(state: DocState, i: int) -> bool:
    at_end = i + 1 >= len(state.text) or state.space_after[i] or state.is_punct[i + 1]
    return at_end and i > 0 and not state.space_after[i - 1]


def find_quotes(
    state: DocState,
    marks: list[int],
    end: int,
    limits: SegmentLimits = DEFAULT_LIMITS,
    continued: bool = False,
) -> list[Quote]:
    """Top-level quotations of one paragraph ending at token ``end``; nested ones stay inside.

    ``marks`` are the paragraph's quote-mark tokens: no other token opens or
    closes anything. A quotation still open at the end of the paragraph runs
    to that end when the next paragraph opens with a quote mark
    (``continued``): news marks a quotation over several paragraphs so. Any
    other mark left open is a stray one: the marks after it are read again
    without it (once), so that it does not swallow the rest of the paragraph
    and the facts in it.
    """
    quotes, opened = _pair_marks(state, marks)
    if opened is None:
        return quotes
    if continued and end - opened > limits.unclosed_quote_min_tokens:
        quotes.append(Quote(opened + 1, end, opened, None))
        return [q for q in quotes if q.end > q.start]
    # A stray opening mark: pair the marks after it again, once; what stays open then is dropped.
    before = [q for q in quotes if q.open_mark < opened]
    again, _ = _pair_marks(state, [i for i in marks if i > opened])
    return [q for q in before + again if q.end > q.start]


def _pair_marks(state: DocState, marks: list[int]) -> tuple[list[Quote], int | None]:
    """The closed top-level quotations among ``marks``, and the outermost mark left open."""
    text = state.text
    quotes: list[Quote] = []
    stack: list[tuple[str, int]] = []  # (expected closing mark, token index of opener)
    open_straight: dict[str, int] = {}  # straight marks on the stack, by mark
    for i in marks:
        word = text[i]
        if stack and _closes(state, i, stack[-1][0]):
            closer, opened = stack.pop()
            if closer in open_straight:
                open_straight[closer] -= 1
            if not stack:
                quotes.append(Quote(opened + 1, i, opened, i))
        elif word in OPENERS and (word not in SINGLE or _opens_single(state, i)):
            if open_straight.get(word):
                continue  # a straight quote that closes nothing open: ignore
            stack.append((OPENERS[word], i))
            if word in STRAIGHT_DOUBLE:
                open_straight[word] = open_straight.get(word, 0) + 1
    return quotes, (stack[0][1] if stack else None)


def _closes(state: DocState, i: int, expected: str) -> bool:
    """Mark i closes the quotation whose closing mark is ``expected``.

    Typed text mixes its marks (“... defence," he said): a double mark that
    sticks to the word before it closes a double quotation opened with another one.
    """
    word = state.text[i]
    if word == expected:
        return word not in SINGLE or _closes_single(state, i)
    if word in DOUBLE_CLOSERS and expected in DOUBLE_CLOSERS and word in STRAIGHT_DOUBLE | {"”"}:
        return i > 0 and not state.space_after[i - 1] and (word != "”" or expected in STRAIGHT_DOUBLE)
    return False


def paired_marks(state: DocState, marks: list[int]) -> set[int]:
    """The marks among ``marks`` that open or close a quotation closed among them, nested or not."""
    text, paired = state.text, set()
    stack: list[tuple[str, int]] = []
    for i in marks:
        word = text[i]
        if stack and word == stack[-1][0] and (word not in SINGLE or _closes_single(state, i)):
            paired.update((stack.pop()[1], i))
        elif word in OPENERS and (word not in SINGLE or _opens_single(state, i)):
            if word in STRAIGHT_DOUBLE and any(mark == word for mark, _ in stack[-3:]):
                continue
            stack.append((OPENERS[word], i))
    return paired


def ends_sentence(word: str) -> bool:
    """A full stop, "!", "?", "…", or a word with its full stop attached ("2024.") that is no abbreviation."""
    if word in SENTENCE_END:
        return True
    return (
        len(word) > 2
        and word.endswith(".")
        and word.casefold() not in lexicon.words("abbreviations.txt")
        and word[:-1].isalpha()
    )


def _starts_sentence(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word in OPENERS


def split_sentences(
    doc: Doc,
    state: DocState,
    ends: list[int],
    start: int,
    end: int,
    closing: set[int],
    limits: SegmentLimits = DEFAULT_LIMITS,
) -> list[Span]:
    """Sentences of the paragraph ``start..end``, never cut inside a quotation.

    ``ends`` are the paragraph's tokens that may end a sentence (see
    :func:`ends_sentence`). A full stop just before a closing mark (“... a
    central task.”) ends the sentence when the quotation ends there too.
    """
    text, in_quote = state.text, state.in_quote
    spans, first = [], start
    for i in ends:
        if i < first or (in_quote[i] and (i + 1) not in closing):
            continue
        j = i + 1
        # Over the marks that close what the full stop ends (a German “ too); a straight
        # mark closes only when it is a quotation's closing mark (else it opens the next
        # sentence's quotation).
        while j < end and (j in closing or (text[j] in CLOSERS_AFTER_END and text[j] not in STRAIGHT)):
            j += 1
        if j >= end or _starts_sentence(text[j]):
            if (
                j > i + 1
                and in_quote[i]
                and text[i] in {"?", "!", "…"}
                and _attribution_follows(state, j, end, limits)
            ):
                continue  # “Why now?” Tamm asked. / “We are ready!” said Tamm.
            if j > first:
                spans.append(Span(doc, first, j))  # doc[first:j], without normalising a slice
            first = j
    if first < end:
        spans.append(Span(doc, first, end))
    return spans


def _attribution_follows(state: DocState, j: int, end: int, limits: SegmentLimits) -> bool:
    """A speech verb within a few words after a quotation, before any full stop: its attribution."""
    verbs = lexicon.words("speech_verbs.txt")
    for k in range(j, min(end, j + limits.attribution_window)):
        word = state.lower[k]
        if word in END_CHARS or state.text[k] in OPENERS:
            return False
        if word.lstrip("+") in verbs or ("+" + word) in verbs:
            return state.text[k].islower()
    return False


def within(positions: list[int], start: int, end: int) -> list[int]:
    """The sorted ``positions`` in ``start..end``."""
    return positions[bisect_left(positions, start) : bisect_left(positions, end)]


#: The token attributes the segmenter reads, in one ``Doc.to_array`` call.
TOKEN_ATTRS = [ORTH, LOWER, SPACY, IS_PUNCT, SENT_START]
SENT_START_COLUMN = TOKEN_ATTRS.index(SENT_START)


def token_arrays(doc: Doc, table=None) -> dict[str, list]:
    """Token texts, lower-case forms and flags, read from the doc's attribute arrays at once.

    ``doc[i]`` builds a Token object each time, and the rules look at tokens
    hundreds of thousands of times, so they read these lists instead.
    ``lower`` is what ``Token.lower_`` gives, ``space_after`` whether
    ``Token.whitespace_`` is not empty, ``is_punct`` ``Token.is_punct``.
    ``table`` is ``doc.to_array(TOKEN_ATTRS)`` when the caller has read it.
    """
    strings = doc.vocab.strings
    table = doc.to_array(TOKEN_ATTRS) if table is None else table
    orth, lower, space, punct, _ = table.T.tolist()
    return {
        "text": [strings[h] for h in orth],
        "lower": [strings[h] for h in lower],
        "space_after": list(map(bool, space)),
        "is_punct": list(map(bool, punct)),
    }


def segment(doc: Doc, limits: SegmentLimits = DEFAULT_LIMITS, table=None) -> DocState:
    """The quotations and quote-aware sentences of ``doc``, in a new :class:`DocState`.

    ``table`` is ``doc.to_array(TOKEN_ATTRS)`` when the caller has read it.
    """
    state = DocState(in_quote=[False] * len(doc), **token_arrays(doc, table))
    marks = [i for i, word in enumerate(state.text) if word in QUOTE_MARKS]
    ends = [i for i, word in enumerate(state.text) if word[-1:] in END_CHARS and ends_sentence(word)]
    ranges = paragraphs(state.text)
    for n, (start, end) in enumerate(ranges):
        following = ranges[n + 1][0] if n + 1 < len(ranges) else None
        continued = following is not None and state.text[following] in OPENERS
        quotes = find_quotes(state, within(marks, start, end), end, limits, continued)
        closing = {q.close_mark for q in quotes if q.close_mark is not None}
        for quote in quotes:
            marks_end = quote.close_mark + 1 if quote.close_mark is not None else quote.end
            for i in range(quote.open_mark, marks_end):
                state.in_quote[i] = True
        state.quotes.extend(quotes)
        state.sentences.extend(
            split_sentences(doc, state, within(ends, start, end), start, end, closing, limits)
        )
    return state


def set_sentences(doc: Doc, sentences: list[Span], starts=None) -> None:
    """Mark ``sentences`` on the Doc, so that ``doc.sents`` gives them; boundaries already set win.

    kg's sentences leave out the line breaks between paragraphs; on the Doc
    such a break ends the sentence before it (and what comes before the
    first sentence belongs to it), since every token of a Doc is in a
    sentence. ``starts`` is ``doc.to_array(SENT_START)`` (or that column of
    ``TOKEN_ATTRS``) when the caller has read it: one array read and one
    write, not a ``Token`` per token.
    """
    starts = doc.to_array(SENT_START) if starts is None else starts.copy()
    if not sentences or has_sentences(doc, starts):
        return
    starts[:] = NOT_SENT_START
    starts[[0] + [s.start for s in sentences[1:]]] = 1
    doc.from_array([SENT_START], starts)


def has_sentences(doc: Doc, starts) -> bool:
    """``doc.has_annotation("SENT_START")``, read from the ``SENT_START`` column at hand.

    ``has_annotation`` looks at every token of a doc without sentences, which
    is each doc of the embedded pipeline; the column is already read.
    """
    return len(doc) <= 1 or "sents" in doc.user_hooks or bool(starts[1:].any())


class Segmenter:
    """The ``kg_segmenter`` component: starts ``doc._.kg`` and sets the sentences on the Doc."""

    def __init__(self, limits: SegmentLimits = DEFAULT_LIMITS, set_sents: bool = True):
        self.limits = limits
        self.set_sents = set_sents

    def __call__(self, doc: Doc) -> Doc:
        table = doc.to_array(TOKEN_ATTRS)
        state = segment(doc, self.limits, table)
        if self.set_sents:
            set_sentences(doc, state.sentences, table[:, SENT_START_COLUMN])
        doc._.kg = state
        return doc


@Language.factory(
    "kg_segmenter",
    default_config={"set_sents": True, "limits": asdict(DEFAULT_LIMITS)},
    assigns=["token.is_sent_start", "doc._.kg"],
)
def make_segmenter(nlp: Language, name: str, set_sents: bool, limits: dict[str, int]) -> Segmenter:
    """``set_sents``: whether kg's sentences go on the Doc (where no parser has set them)."""
    return Segmenter(SegmentLimits(**limits), set_sents)
