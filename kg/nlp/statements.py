"""Statements: direct quotations and reported speech, with the speaker resolved.

News attributes speech in a handful of shapes, and each rule below reads one:

- ``“...,” said Kubilius`` / ``“...,” he added`` / ``..., Tusk told journalists.``
  (the attribution after the content);
- ``Merz said: '...'`` / ``Habeck argues that ...`` / ``Hegseth told delegates “...”``
  (the attribution before it), with ``, adding ...`` / ``, saying ...`` tails;
- ``Ukraine, he added, has experienced ...`` (a parenthetical attribution);
- ``According to the Ukrainian government, ...``;
- ``Europe should ... . This was stated by Boris Pistorius`` (a later sentence
  naming the speaker of an earlier one);
- ``Trump's demand to spend 5% of GDP`` (a possessive speech noun);
- headlines: ``... – Pistorius``, ``...: EU's Kallas``.

A quotation no rule claims belongs to the last speaker ("The next great thing
is drone swarms." after a paragraph of his). Pronouns go to the last speaker of
the right kind, definite descriptions ("the German minister") to the last
person who spoke.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.entities import Mention
from kg.nlp.segments import DocState, doc_state, within
from kg.nlp.spans import FactSpans, entity_name

SPEAKER_TYPES = {"Person", "Organization", "Country"}
PERSON_PRONOUNS = {"he", "she"}
THING_PRONOUNS = {"it"}
SKIP_BEFORE_VERB = lexicon.words("adverbs_before_speech.txt")
TIME_WORDS = lexicon.words("time_words.txt")
ADJUNCTS = {
    "at",
    "in",
    "on",
    "during",
    "before",
    "after",
    "ahead",
    "while",
    "when",
    "following",
}
AUDIENCE_END = {"that", ":", ",", "“", '"', "'", "‘", "«"}
POSSESSIVE = {"'s", "’s"}
# Inflected speech verbs; a "+" in the list marks those that need a quotation after them.
SPEECH_VERBS = frozenset(v.lstrip("+") for v in lexicon.words("speech_verbs.txt"))
QUOTE_ONLY_VERBS = frozenset(v.lstrip("+") for v in lexicon.words("speech_verbs.txt") if v.startswith("+"))
# Words of a speaker's title phrase ("Polish Prime Minister Donald Tusk").
TITLE_WORDS = lexicon.words("titles.txt") | lexicon.words("role_modifiers.txt")


@dataclass(frozen=True)
class StatementLimits:
    """How far ``kg_statements`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "told journalists on Friday that ...": the longest audience between "told" and the content.
    max_audience: int = 8
    #: "..., European Defense Commissioner, ...": the longest title fenced by commas after
    #: a speaker; a longer stretch is a clause, and the content.
    max_apposition: int = 7
    #: "the German minister": how many words before the role noun may hold "the".
    description_window: int = 3
    #: "..., the state-run PAP news agency reported": how many lower-case words before
    #: a speaker may hold its determiner.
    determiner_window: int = 5
    #: A quotation no rule claimed goes to the last speaker when it has at least these many words.
    orphan_quote_min_words: int = 4
    #: The shortest content a statement can have.
    min_content: int = 2


DEFAULT_LIMITS = StatementLimits()


@dataclass
class Found:
    """A statement before it becomes a fact: speaker mention key and content tokens."""

    speaker: str
    start: int
    end: int
    direct: bool
    evidence: tuple[int, int]  # char offsets
    cut: tuple[int, int] | None = None  # tokens left out: a parenthetical ", he added,"
    about: list[str] = field(default_factory=list)  # topic keys, set by kg_topics


class StatementFinder:
    def __init__(self, doc: Doc, limits: StatementLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.mention_at = self.state.mention_at
        self.verbs, self.quote_only = SPEECH_VERBS, QUOTE_ONLY_VERBS
        self.title_words = TITLE_WORDS
        # Where the words rules start from are, found once for the whole doc.
        self.verb_at = [i for i, word in enumerate(self.lower) if word in SPEECH_VERBS]
        self.possessive_at = [i for i, word in enumerate(self.lower) if word in POSSESSIVE]
        intros = lexicon.first_words("report_intros.txt")
        self.intro_at = [i for i, word in enumerate(self.lower) if word in intros]
        self.history: list[tuple[int, str, str]] = []  # (token, key, type) of speakers
        self.found: list[Found] = []
        # Sentences whose attribution names no one we know ("according to the agency"):
        # their quotations are not handed to the last speaker.
        self.unattributed: list[tuple[int, int]] = []

    # -- speakers ---------------------------------------------------------------

    def _speaker_mention(self, i: int) -> Mention | None:
        m = self.mention_at.get(i)
        return m if m is not None and m.type in SPEAKER_TYPES and m.key else None

    def _remember(self, i: int, m_key: str, m_type: str) -> None:
        self.history.append((i, m_key, m_type))

    def _last_speaker(self, types: set[str], before: int) -> str | None:
        for i, key, type_ in reversed(self.history):
            if type_ in types and i <= before:
                return key
        return None

    def _last_person_mentioned(self, before: int) -> str | None:
        for m in reversed(self.state.mentions):
            if m.start < before and m.type == "Person" and not self.state.in_quote[m.start]:
                return m.key
        return None

    def resolve_pronoun(self, i: int) -> str | None:
        word = self.lower[i]
        if word in PERSON_PRONOUNS:
            return self._last_speaker({"Person"}, i) or self._last_person_mentioned(i)
        if word in THING_PRONOUNS:
            return self._last_speaker({"Organization", "Country"}, i)
        return None

    def _definite_description(self, i: int, floor: int) -> str | None:
        """ "the German minister", "The German politician": the last person who spoke."""
        if self.lower[i] not in lexicon.words("role_nouns.txt"):
            return None
        j = i - 1
        while j >= floor and j >= i - self.limits.description_window and self.lower[j] != "the":
            j -= 1
        if j >= floor and self.lower[j] == "the":
            return self._last_speaker({"Person"}, i) or self._last_person_mentioned(i)
        return None

    def speakers_ending_at(self, j: int, floor: int) -> tuple[list[str], int]:
        """Speakers whose noun phrase ends at token j; and where that phrase starts."""
        m = self._speaker_mention(j)
        if m is not None:
            keys, start = [m.key], m.start
            while start - 2 >= floor and self.lower[start - 1] == "and":
                other = self._speaker_mention(start - 2)
                if other is None:
                    break
                keys.insert(0, other.key)
                start = other.start
            return keys, self._title_start(start, floor)
        if self.lower[j] in PERSON_PRONOUNS | THING_PRONOUNS:
            key = self.resolve_pronoun(j)
            return ([key] if key else []), j
        if self.lower[j] == "who" and j - 2 >= floor and self.text[j - 1] == ",":
            return self.speakers_ending_at(j - 2, floor)
        key = self._definite_description(j, floor)
        if key:
            return [key], j
        return [], j

    def _title_start(self, start: int, floor: int) -> int:
        """Extend a speaker's phrase left over its title ("Polish Prime Minister Donald Tusk")."""
        adjectives = lexicon.gazetteer().by_adjective
        honorifics = lexicon.words("honorifics.txt")
        i = start
        while i - 1 >= floor:
            word = self.lower[i - 1]
            if (
                word in self.title_words
                or word in honorifics
                or self.text[i - 1] == "-"
                or self.mention_at.get(i - 1)
                or self.text[i - 1] in adjectives
                or word in {"'s", "’s"}
            ):
                i -= 1
            else:
                break
        return i

    def subject_before(self, v: int, floor: int) -> tuple[list[str], int]:
        """The speaker(s) left of verb v, over adverbs and a comma-fenced apposition."""
        j = v - 1
        while j >= floor and self.lower[j] in SKIP_BEFORE_VERB:
            j -= 1
        if j < floor:
            return [], v
        if self.text[j] == "," and not self.state.in_quote[j]:
            k = j - 1
            while k > floor and not (self.text[k] == "," or self.state.in_quote[k]):
                k -= 1
            if k > floor and self.text[k] == ",":
                keys, start = self.speakers_ending_at(k - 1, floor)
                if keys:
                    return keys, start
            return [], v
        return self.speakers_ending_at(j, floor)

    def subject_after(self, v: int, ceiling: int, strict: bool = True) -> tuple[list[str], int]:
        """ "said Kubilius,", "said German Defense Minister Boris Pistorius.".

        Returns the speakers and the token after their phrase. ``strict`` asks
        that the phrase end the clause, as an attribution after its content does.
        """
        adjectives = lexicon.gazetteer().by_adjective
        j = v + 1
        while j < ceiling and (
            self.lower[j] in self.title_words or self.text[j] in adjectives or self.text[j] == "-"
        ):
            m = self._speaker_mention(j)
            if m is not None:
                break
            j += 1
        if j < ceiling:
            m = self._speaker_mention(j)
            ends_clause = m is not None and (
                m.end >= ceiling or self.text[m.end] in {",", ".", ":", ";", ")"}
            )
            if m is not None and (ends_clause or not strict):
                return [m.key], m.end
            if self.lower[j] in PERSON_PRONOUNS | THING_PRONOUNS:
                key = self.resolve_pronoun(j)
                return ([key] if key else []), j + 1
        return [], v + 1

    # -- content ---------------------------------------------------------------

    def _after_verb(self, v: int, end: int) -> int:
        """Where the content starts after a speech verb: over the audience, the time, "that"."""
        i = v + 1
        if self.lower[v] in {"told", "tells", "tell", "telling"}:
            k = i
            while k < end and self.text[k] not in AUDIENCE_END and not self.state.in_quote[k]:
                k += 1
            if k >= end or k - i > self.limits.max_audience:
                return end  # "..., Tusk told journalists on Friday."
            i = k
        i = self._skip_time(i, end)
        if i < end and self.lower[i] in {"that", ":"}:
            i += 1
        if i < end and self.text[i] in {"for", "to"} and self.lower[v] in {"called", "calls", "pointed"}:
            i += 1
        return i

    def _skip_time(self, i: int, end: int) -> int:
        """Over "on Feb 14", "Friday", "in a statement", "at a news conference in Brussels"."""
        doc, months, j, anchored = self.doc, lexicon.table("months.txt"), i, False
        while j < end:
            word = self.lower[j].rstrip(".")
            if word in TIME_WORDS or word in months or doc[j].like_num:
                anchored |= word not in {"on", "in", "at", "a", "the"}
                j += 1
            elif anchored and j in self.mention_at and self.lower[j - 1] in {"in", "at"}:
                j = self.mention_at[j].end  # "... news conference in Brussels"
            else:
                break
        return j if anchored else i

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Without the punctuation around it; quote marks and balanced brackets stay."""
        while (
            start < end
            and (self.state.is_punct[start] or self.text[start].isspace())
            and self.text[start] not in "“„\"'‘«("
        ):
            start += 1
        while end > start and (self.state.is_punct[end - 1] or self.text[end - 1].isspace()):
            last = self.text[end - 1]
            if last in "”“\"'’»" or (last == ")" and any("(" in word for word in self.text[start:end])):
                break
            end -= 1
        return start, end

    def _quote_covering(self, start: int, end: int):
        """The quotation that is the whole of tokens start..end, if any."""
        for q in self.state.quotes:
            close = q.close_mark if q.close_mark is not None else q.end - 1
            if q.open_mark >= start and close < end + 1:
                punct = self.state.is_punct
                before = range(start, q.open_mark)
                after = range(close + 1, end)
                if all(punct[k] or self.lower[k] in {"that", ":"} for k in before) and all(
                    punct[k] for k in after
                ):
                    return q
        return None

    def add(
        self,
        speakers: list[str],
        start: int,
        end: int,
        sentence: Span,
        at: int,
        cut: tuple[int, int] | None = None,
    ) -> None:
        quote = self._quote_covering(*self._trim(start, end))
        start, end = self._trim(start, end)
        if end - start < self.limits.min_content or not speakers:
            return
        direct = quote is not None
        if quote is not None:
            start, end = quote.start, quote.end
            start, end = self._trim(start, end)
        for key in speakers:
            self.found.append(
                Found(
                    key,
                    start,
                    end,
                    direct,
                    (sentence.start_char, sentence.end_char),
                    cut,
                )
            )
            m_type = key.split("/")[0].capitalize()
            self._remember(at, key, "Organization" if m_type == "Organization" else m_type)

    # -- rules -----------------------------------------------------------------

    def speech_verbs(self, sentence: Span) -> list[int]:
        found, lower = [], self.lower
        for i in within(self.verb_at, sentence.start, sentence.end):
            if self.state.in_quote[i] or i in self.mention_at:
                continue
            if not self.text[i].islower() and i != sentence.start:
                continue  # "the United States" is no speech verb
            if lower[i] in self.quote_only and not self._quote_follows(i, sentence.end):
                continue
            if lower[i] == "pointed" and not (i + 1 < len(lower) and lower[i + 1] in {"to", "out"}):
                continue
            found.append(i)
        return found

    def _quote_follows(self, v: int, end: int) -> bool:
        return any(self.state.in_quote[i] for i in range(v + 1, end)) or (
            v + 1 < end and self.lower[v + 1] == "for"
        )

    def sentence_statements(self, s: Span) -> None:
        verbs = self.speech_verbs(s)
        if self._according_to(s) or self._stated_by(s):
            return
        previous: list[str] = []
        for n, v in enumerate(verbs):
            limit = verbs[n + 1] if n + 1 < len(verbs) else s.end
            limit = self._clause_end(v, limit, s.end)
            if previous and self.lower[v - 1] in {",", "and"} and self._continues(v):
                # "..., adding that ...", "criticized X and demanded Y": the same speaker
                self.add(previous, self._after_verb(v, limit), limit, s, v)
                continue
            speakers, subj_start = self.subject_before(v, s.start)
            subj_end = v + 1
            if not speakers and self.lower[v].endswith("ing"):
                speakers, subj_start = self._sentence_subject(s, v), v
            if not speakers:
                speakers, subj_end = self.subject_after(v, s.end)
                subj_start = v
            if not speakers:
                self.unattributed.append((s.start, s.end))  # "local media reported"
                continue
            previous = speakers
            self._attribute(speakers, subj_start, subj_end, v, limit, s)
        self._speech_nouns(s)

    def _continues(self, v: int) -> bool:
        """A second speech verb that shares the subject of the first ("and demanded")."""
        if self.lower[v].endswith("ing"):
            return True
        return self.lower[v - 1] == "and" and not self._speaker_mention(v - 2)

    def _sentence_subject(self, s: Span, v: int) -> list[str]:
        """ "Trump shocked Europeans by implying ...": the actor the sentence opens with."""
        for m in self.state.mentions:
            if s.start <= m.start < v and m.type in SPEAKER_TYPES and not self.state.in_quote[m.start]:
                prev = self.lower[m.start - 1] if m.start > s.start else ""
                if prev not in {
                    "to",
                    "of",
                    "for",
                    "by",
                    "with",
                    "from",
                    "against",
                    "on",
                    "in",
                    "at",
                }:
                    return [m.key]
        return []

    def _attribute(
        self,
        speakers: list[str],
        subj_start: int,
        subj_end: int,
        v: int,
        limit: int,
        s: Span,
    ) -> None:
        """Place the content: after the verb, before the attribution, or around it."""
        after = self._after_verb(v, limit) if subj_end <= v + 1 else self._skip_apposition(subj_end, limit)
        k = self._determiner_start(subj_start, s.start) - 1
        while k >= s.start and self.text[k] in {"”", '"', "’", "'", "»"}:
            k -= 1
        comma_before = k > s.start and self.text[k] == ","
        rest = self._trim(after, limit)
        nothing_after = rest[1] <= rest[0] or self.lower[rest[0]] in ADJUNCTS
        if comma_before and self._parenthetical(v, limit):
            self.add(speakers, s.start, limit, s, v, cut=(k, v + 2))  # "Ukraine, he added, has ..."
        elif comma_before and (nothing_after or self.text[after - 1] == ":"):
            self.add(speakers, s.start, subj_start, s, v)  # "“...,” said Kubilius."
            if not nothing_after:
                self.add(speakers, after, limit, s, v)  # "..., he said, adding: “...”"
        else:
            self.add(speakers, after, limit, s, v)  # "Merz said: '...'"

    def _clause_end(self, v: int, limit: int, end: int) -> int:
        """Content stops before ", adding ..." or ", he said" that starts a new attribution."""
        for i in range(v + 1, limit):
            if self.text[i] == "," and not self.state.in_quote[i] and i + 1 < end:
                nxt = self.lower[i + 1]
                if nxt in self.verbs and nxt.endswith("ing"):
                    return i
        return limit

    def _parenthetical(self, v: int, limit: int) -> int | None:
        """ "Ukraine, he added, has ...": the content resumes after the closing comma."""
        if v + 1 < limit and self.text[v + 1] == "," and v + 2 < limit:
            return v + 2
        return None

    def _determiner_start(self, i: int, floor: int) -> int:
        """ "..., the state-run PAP news agency reported": where "the ..." begins."""
        j = i
        while (
            j - 1 >= floor
            and j > i - self.limits.determiner_window
            and (self.text[j - 1].islower() or self.text[j - 1] == "-")
        ):
            j -= 1
            if self.lower[j] in {"the", "a", "an"}:
                return j
        return i

    def _skip_apposition(self, i: int, limit: int) -> int:
        """After "said Andrius Kubilius": over ", European Defense Commissioner, ..." to the content."""
        while i < limit and self.text[i] == ",":
            j = i + 1
            while j < limit and self.text[j] != "," and not self.state.in_quote[j]:
                j += 1
            if j - i > self.limits.max_apposition or (j < limit and self.state.in_quote[j]):
                return i + 1  # a clause, not a title: the content
            i = j
        return min(i, limit)

    def _according_to(self, s: Span) -> bool:
        """ "According to X, ...": X said the rest of the sentence."""
        lower, text, in_quote = self.state.lower, self.state.text, self.state.in_quote
        starts = within(self.intro_at, s.start, s.end)
        if not starts:
            return False
        for phrase in lexicon.phrases("report_intros.txt"):
            n = len(phrase)
            for i in starts:
                if i >= s.end - n:
                    break
                if lower[i] != phrase[0] or tuple(lower[i : i + n]) != phrase or in_quote[i]:
                    continue
                j = i + n
                comma = next((k for k in range(j, s.end) if text[k] == ","), None)
                if comma is None:
                    continue
                speakers, _ = self.speakers_ending_at(comma - 1, j)
                if speakers:
                    self.add(speakers, comma + 1, s.end, s, i)
                else:
                    self.unattributed.append((s.start, s.end))
                return True
        return False

    def _stated_by(self, s: Span) -> bool:
        """ "This was stated by X ...": X said the sentence(s) before."""
        words = self.lower[s.start : min(s.start + 4, s.end)]
        if len(words) < 4 or words[0] not in {"this", "that"} or words[1] not in {"was", "is"}:
            return False
        if words[2] not in self.verbs or words[3] != "by":
            return False
        speakers, _ = self.subject_after(s.start + 3, s.end, strict=False)
        previous = [p for p in self.state.sentences if p.end <= s.start]
        if not speakers or not previous:
            return False
        self.add(speakers, previous[-1].start, previous[-1].end, previous[-1], s.start)
        return True

    def _speech_nouns(self, s: Span) -> None:
        """ "Trump's demand to spend 5% of GDP", "Macron's call for ..."."""
        nouns = lexicon.words("speech_nouns.txt")
        for i in within(self.possessive_at, s.start + 1, s.end - 2):
            if self.lower[i + 1] in nouns and not self.state.in_quote[i]:
                speaker = self._speaker_mention(i - 1)
                if speaker is None or self.lower[i + 2] not in {"to", "for", "that"}:
                    continue
                end = next((k for k in range(i + 3, s.end) if self.text[k] in {",", ";"}), s.end)
                first = i + 2 if self.lower[i + 2] == "to" else i + 3
                self.add([speaker.key], first, end, s, i)

    def headline(self, s: Span) -> bool:
        """ "... – Pistorius", "...: EU's Kallas" in the first paragraph."""
        for i in range(s.end - 2, s.start, -1):
            if self.text[i] in {"–", "—", "-", ":"} and self.state.space_after[i] or self.text[i] == ":":
                tail = [k for k in range(i + 1, s.end) if not self.text[k].isspace()]
                if not tail:
                    return False
                last = self._speaker_mention(tail[-1])
                if last is None or last.type != "Person":
                    return False
                if any(not (self.mention_at.get(k) or self.lower[k] in {"'s", "’s"}) for k in tail):
                    return False
                self.add([last.key], s.start, i, s, s.start)
                return True
        return False

    def orphan_quotes(self) -> None:
        """Quotations no rule claimed: they belong to the last speaker before them."""
        claimed = [(f.start, f.end) for f in self.found] + self.unattributed
        sentences = self.state.sentences
        for q in self.state.quotes:
            if any(s < q.end and q.start < e for s, e in claimed):
                continue
            words = [word for word in self.text[q.start : q.end] if word.isalpha()]
            if len(words) < self.limits.orphan_quote_min_words:
                continue
            speaker = self._last_speaker(SPEAKER_TYPES, q.start)
            sent = next((s for s in sentences if s.start <= q.start < s.end), None)
            if speaker and sent is not None:
                start, end = self._trim(q.start, q.end)
                self.found.append(Found(speaker, start, end, True, (sent.start_char, sent.end_char)))

    def run(self) -> list[Found]:
        sentences = self.state.sentences
        first_para_end = next(
            (i for i, word in enumerate(self.text) if word.isspace() and "\n" in word), len(self.text)
        )
        for n, s in enumerate(sentences):
            if n == 0 and s.end <= first_para_end and self.headline(s):
                continue
            self.sentence_statements(s)
        self.found.sort(key=lambda f: f.start)
        self.orphan_quotes()
        return _dedupe(self.found)


def _dedupe(found: list[Found]) -> list[Found]:
    seen, kept = set(), []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        key = (f.speaker, f.start, f.end)
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept


def statement_span(doc: Doc, state: DocState, found: Found) -> Span:
    """What was said, labelled with the speaker's name (a parenthetical ", he added," stays inside)."""
    return Span(doc, found.start, found.end, label=entity_name(state, found.speaker), kb_id=found.speaker)


STATEMENT_SPANS = FactSpans("kg_statements", "kg_statement", lambda state: state.statements, statement_span)
STATEMENT_SPANS.register()


class StatementComponent:
    """The ``kg_statements`` component: ``doc._.kg.statements`` and ``doc.spans["kg_statements"]``."""

    def __init__(self, limits: StatementLimits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_statements")
        state.statements = StatementFinder(doc, self.limits).run()
        STATEMENT_SPANS.publish(doc, state)
        return doc


@Language.factory(
    "kg_statements",
    default_config={"limits": asdict(DEFAULT_LIMITS)},
    requires=["doc._.kg"],
    assigns=["doc.spans", "doc._.kg"],
)
def make_statement_finder(nlp: Language, name: str, limits: dict[str, int]) -> StatementComponent:
    return StatementComponent(StatementLimits(**limits))
