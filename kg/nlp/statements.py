"""Statements: direct quotations and reported speech, with the speaker resolved.

News attributes speech in a handful of shapes, and each rule below reads one:

- ``“...,” said Kubilius`` / ``“...,” he added`` / ``..., Tusk told journalists.``
  (the attribution after the content);
- ``Merz said: '...'`` / ``Habeck argues that ...`` / ``Hegseth told delegates “...”``
  (the attribution before it), with ``, adding ...`` / ``, saying ...`` tails;
- ``“...,” Tusk said, “...”`` (a quotation split by its attribution: one statement);
- ``Ukraine, he added, has experienced ...`` (a parenthetical attribution);
- ``According to the Ukrainian government, ...`` and ``..., according to Tusk.``;
- ``Europe should ... . This was stated by Boris Pistorius`` and ``Tusk said this
  on Friday`` (a later sentence naming the speaker of an earlier one);
- ``PAP quoted Tusk as saying ...`` (the one quoted speaks, else the one quoting);
- ``Sikorski accused Moscow of ...`` (a speech act on an object: the statement
  keeps its verb);
- ``Trump's demand to spend 5% of GDP`` (a possessive speech noun);
- headlines: ``... – Pistorius``, ``...: EU's Kallas``, ``Kallas: ...``,
  ``..., foreign minister says`` (the post read on the person the article names).

Speakers are names, or words that point back to one: pronouns go to the last
speaker of the right kind; a description ("the minister", "the Defence
Secretary", "the NATO chief") to the last person named with that post; a body's
head noun ("the council", "the ministry") to the last body of that name or
kind; "the statement" to the last speaker. A quotation no rule claims belongs to
the last speaker ("The next great thing is drone swarms." after a paragraph of
his), or, when it runs on into a paragraph whose quotation names its speaker,
to that one.

Every rule looks at a bounded stretch of tokens around a word found once for
the whole doc, and the descriptions are looked up in indexes built in one pass
over the mentions, so the finder stays linear in the article's length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.kinds.statement import found_text  # noqa: F401  (the words of a Found)
from kg.nlp import lexicon
from kg.nlp.entities import Mention
from kg.nlp.segments import (
    OPENERS,
    QUOTE_MARKS,
    SINGLE,
    DocState,
    doc_state,
    paired_marks,
    paragraphs,
    within,
)
from kg.nlp.spans import FactSpans, entity_name

SPEAKER_TYPES = {"Person", "Organization", "Country"}
PERSON_PRONOUNS = {"he", "she"}
OBJECT_PRONOUNS = {"him", "her"}  # "according to him"
THING_PRONOUNS = {"it"}
#: "said about 20 people ...", "said about a dozen ...".
NUMBER_WORDS = lexicon.table("number_words.tsv").keys() - {"a"}
#: Subjects that open a reported clause without "that" ("told reporters he would ...").
CLAUSE_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
PRONOUNS = PERSON_PRONOUNS | OBJECT_PRONOUNS | THING_PRONOUNS
SKIP_BEFORE_VERB = lexicon.words("adverbs_before_speech.txt")
TIME_WORDS = lexicon.words("time_words.txt")
#: Of those, the ones that name a time ("on Friday", "last week"), not only a setting.
TIME_ANCHORS = TIME_WORDS - {
    "on",
    "in",
    "at",
    "a",
    "the",
    "also",
    "again",
    "news",
    "statement",
    "interview",
    "briefing",
    "conference",
    "separately",
    "this",
    "next",
    "last",
}
#: Words after a speech verb that start a setting, not the content ("said at a news conference").
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
    "as",
    "speaking",
}
#: "said to reporters": the audience after "to".
AUDIENCES = {
    "reporters",
    "journalists",
    "me",
    "us",
    "him",
    "her",
    "them",
    "lawmakers",
    "supporters",
    "voters",
}
CALLING = {"called", "calls", "calling", "call", "pointed"}
#: Verbs whose passive names the one spoken to: "was asked", "were told", "was urged".
PASSIVE_AUDIENCE = {"asked", "told", "urged", "warned", "called"}
AUDIENCE_END = {"that", ":", ",", "“", '"', "''", "'", "‘", "«", "„", "to"}
POSSESSIVE = {"'s", "’s"}
#: Words before a noun, never before a verb: "his claims", "the accused", "Russia's demands".
DETERMINERS = {
    "a",
    "an",
    "the",
    "his",
    "her",
    "its",
    "their",
    "our",
    "these",
    "those",
    "such",
    "to",
} | POSSESSIVE
OPEN_MARKS = frozenset(OPENERS)
CLOSE_MARKS = frozenset(OPENERS.values())
#: Marks that are never a word of a statement (a single ' or ’ may be an apostrophe).
DOUBLE_MARKS = frozenset(QUOTE_MARKS - SINGLE)
#: Words before a sentence's subject that are not part of it ("But Tamm, ..., told ...").
OPENING_CONNECTIVES = {"but", "and", "yet", "so", "still", "later", "then", "meanwhile", "however", "also"}
#: Words that open a setting before an attribution ("In Brussels, ...", "Asked about ...").
SETTING_STARTS = {
    "in",
    "at",
    "on",
    "during",
    "after",
    "before",
    "asked",
    "addressing",
    "earlier",
    "later",
    "then",
}
#: Auxiliaries kept with a speech act's verb ("has denied").
AUXILIARIES = {"has", "have", "had", "also", "again", "repeatedly", "previously"}
#: Words that never stand in a descriptor before a speaker's name ("coordinator Ann Roe").
NOT_DESCRIPTOR = {
    "and",
    "or",
    "but",
    "that",
    "which",
    "who",
    "is",
    "was",
    "are",
    "were",
    "will",
    "would",
    "has",
    "have",
    "had",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "if",
    "when",
    "while",
    "not",
}
#: Words a statement does not end with ("..., and", "..., the" left by a speaker).
LOOSE_END = {
    "and",
    "but",
    "or",
    "while",
    "whereas",
    "the",
    "a",
    "an",
    "as",
    "that",
    "which",
    "after",
    "before",
    "when",
    "because",
    "since",
    "if",
    "until",
    "although",
    "though",
    "amid",
}


def _verbs(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A verb list, and those of its verbs marked with "+" (speech only before a quotation)."""
    entries = lexicon.words(name)
    return frozenset(v.lstrip("+") for v in entries), frozenset(
        v.lstrip("+") for v in entries if v[:1] == "+"
    )


# Inflected speech verbs; a "+" in the list marks those that need a quotation after them.
SPEECH_VERBS, QUOTE_ONLY_VERBS = _verbs("speech_verbs.txt")
# Verbs of a speech act on an object ("accused Moscow of ..."): the statement keeps the verb.
ACT_VERBS, _ = _verbs("speech_act_verbs.txt")
# Verbs whose object is the audience ("told reporters that ...", "assured Kyiv that ...").
AUDIENCE_VERBS = lexicon.words("audience_verbs.txt")
# "PAP quoted Tusk as saying ...".
QUOTING_VERBS = lexicon.words("quoting_verbs.txt")
# Words of a speaker's title phrase ("Polish Prime Minister Donald Tusk").
TITLE_WORDS = lexicon.words("titles.txt") | lexicon.words("role_modifiers.txt")
# Nouns of a description that points back to a person ("the minister", "the NATO chief").
ROLE_NOUNS = lexicon.words("role_nouns.txt")
# Words before such a noun besides the title words ("the Republican presidential nominee").
DESCRIPTION_WORDS = lexicon.words("description_words.txt")
# "Gov." before a name is the post "governor" that a later "the governor" names.
TITLE_ABBREVIATIONS = {
    short: frozenset(row[0].split()) for short, row in lexicon.table("title_abbreviations.tsv").items()
}
# Of those, the posts: they point to someone named with that post, never to anyone who spoke last.
POSTS = frozenset(w for w in lexicon.words("titles.txt") if " " not in w)
# Posts that name no particular office ("the NATO chief"): they fit any post of the body they name.
GENERIC_POSTS = lexicon.words("generic_posts.txt")
# "the council" -> a body named "... Council" or of a kind (org_descriptions.tsv).
ORG_NOUNS = lexicon.table("org_descriptions.tsv")
# "Trump's demand to ...", "made an appeal to ...", "a suggestion by Trump that ...".
SPEECH_NOUNS = lexicon.words("speech_nouns.txt")
# "made an appeal", "renewed her call".
NOUN_VERBS = lexicon.words("speech_noun_verbs.txt")
# "a spokesman for the ministry": the body speaks.
SPOKESPEOPLE = lexicon.words("spokespeople.txt")
# "the statement said": whoever last made one.
STATEMENT_NOUNS = lexicon.words("statement_nouns.txt")


@dataclass(frozen=True)
class StatementLimits:
    """How far ``kg_statements`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "told journalists on Friday that ...": the longest audience between "told" and the content.
    max_audience: int = 8
    #: "..., European Defense Commissioner, ...": the longest title fenced by commas after
    #: a speaker; a longer stretch is a clause, and the content.
    max_apposition: int = 7
    #: "Bill Roe, a farmer who ..., said": how far back from the comma before a verb its subject may be.
    max_apposition_before: int = 40
    #: "the German minister", "the Polish president's top foreign policy aide": how many
    #: words a description may hold before its noun.
    description_window: int = 6
    #: "Defence Minister Kalle Tamm", "Tamm, Estonia's defence minister,": how many words
    #: around a name are read for the post a description may point back to.
    title_window: int = 8
    #: How many people or bodies named with a description's noun are tried, latest first.
    description_candidates: int = 8
    #: "..., the state-run PAP news agency reported": how many lower-case words before
    #: a speaker may hold its determiner.
    determiner_window: int = 5
    #: "National Security Council strategic communications coordinator Ann Roe said": the
    #: longest descriptor before (or after "said") a speaker's name.
    descriptor_window: int = 8
    #: "The Baltic Ammunition Agency (BAA) said", "Rep. Ann Roe (D-Ore.) said": the longest
    #: bracket after a name.
    max_bracket: int = 6
    #: "PAP on Friday quoted an official statement as saying": how far "quoted" may be before "as saying".
    max_quoting: int = 10
    #: A quotation no rule claimed goes to the last speaker when it has at least these many words.
    orphan_quote_min_words: int = 4
    #: "Speaking at the forum in Singapore on Saturday, Roe said: ...": the longest setting
    #: before an attribution (a longer stretch holds what was said).
    max_setting: int = 12
    #: "SECRETARY OF THE ARMY DAN ROE: ...": the longest speaker label of a transcript line.
    max_label: int = 8
    #: The longest content a statement can have, in tokens: what is said runs to the end of
    #: its clause, and no rule reads further (every rule stays linear in the article's length).
    max_content: int = 400
    #: "X said Y told Z that ...": how many attributions a content may hold inside it.
    max_nested: int = 2
    #: How many "according to" of one sentence are read.
    max_intros: int = 4
    #: The shortest content a statement can have.
    min_content: int = 2
    #: The shortest reported content that may open with a determiner ("revealed the details" is none).
    min_reported_content: int = 3


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
    #: Tokens left out of its text: stray quote marks inside the content, and the attribution
    #: between the quotations of one run ("“...,” he said. “...”").
    drop: tuple[int, ...] = ()


@dataclass
class Description:
    """ "the German defence minister": its noun, and the words and entities that narrow it."""

    noun: str
    start: int
    words: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()


class SpeakerIndex:
    """The people named with a post and the bodies named with a noun, by that word, in text order.

    Built in one pass over the mentions, reading a bounded window around each:
    a description ("the minister") is then looked up by its noun with a bisect.
    """

    def __init__(self, finder: StatementFinder):
        self.finder = finder
        state = finder.state
        self.people: dict[str, list[tuple[int, str, frozenset[str]]]] = {}
        self.bodies: dict[str, list[tuple[int, str]]] = {}
        self.posts_of: dict[str, set[str]] = {}  # person key -> the words of all their posts
        kind_nouns: dict[str, list[str]] = {}
        for noun, row in ORG_NOUNS.items():
            for kind in row[0].split() if row else []:
                kind_nouns.setdefault(kind, []).append(noun)
        for m in state.mentions:
            if not m.key or state.in_quote[m.start]:
                continue
            if m.type == "Person":
                words = self.post_words(m)
                self.posts_of.setdefault(m.key, set()).update(words)
                for word in words & POSTS | words & ROLE_NOUNS:
                    self.people.setdefault(word, []).append((m.start, m.key, words))
            elif m.type == "Organization":
                for noun in self.body_nouns(m, kind_nouns):
                    self.bodies.setdefault(noun, []).append((m.start, m.key))
        self.people_at = {noun: [p for p, _, _ in rows] for noun, rows in self.people.items()}
        self.bodies_at = {noun: [p for p, _ in rows] for noun, rows in self.bodies.items()}

    def post_words(self, m: Mention) -> frozenset[str]:
        """The post around a person's name: "Estonian Defence Minister X", "X, head of Y's army"."""
        f, limits = self.finder, self.finder.limits
        words: set[str] = set()
        i, floor = m.start - 1, max(0, m.start - limits.title_window)
        while i >= floor and f.title_like(i) and not f.state.in_quote[i]:
            other = f.mention_at.get(i)
            if other is not None and other.type == "Person":
                break
            words.update(f.word_keys(i))
            i = other.start - 1 if other is not None else i - 1
        j = m.end
        if j < len(f.text) and f.text[j] == "(":  # "Tamm (NCP)"
            j = f.bracket_end(j)
        if j < len(f.text) and f.text[j] == ",":
            ceiling = min(len(f.text), j + 1 + limits.title_window)
            k = j + 1
            while k < ceiling and f.text[k] not in {",", ".", ";", ":"} and not f.state.in_quote[k]:
                if f.text[k].isspace():
                    break
                words.update(f.word_keys(k))
                k += 1
        for short in words & TITLE_ABBREVIATIONS.keys():
            words |= TITLE_ABBREVIATIONS[short]
        return frozenset(words)

    def body_nouns(self, m: Mention, kind_nouns: dict[str, list[str]]) -> set[str]:
        """The nouns a description of body ``m`` may use: from its names and its kind."""
        names = [m.text, m.label or ""]
        if m.known is not None:
            names += [m.known.label, *m.known.aliases]
        nouns = {w for name in names for w in name.casefold().replace("-", " ").split() if w in ORG_NOUNS}
        kind = m.kind or (m.known.kind if m.known is not None else None)
        nouns.update(kind_nouns.get(kind or "", []))
        for noun, row in ORG_NOUNS.items():  # "the bloc": a body named "... Union"
            if len(row) > 1 and set(row[1].split()) & nouns:
                nouns.add(noun)
        return nouns

    def person(self, d: Description, before: int | None = None, after: int | None = None) -> str | None:
        """The last person named with post ``d.noun`` before ``before`` (or the first after ``after``)."""
        rows, at = self.people.get(d.noun), self.people_at.get(d.noun)
        if not rows:
            return None
        n = self.finder.limits.description_candidates
        if before is not None:
            end = bisect_left(at, before)
            candidates = rows[max(0, end - n) : end][::-1]
        else:
            begin = bisect_left(at, after or 0)
            candidates = rows[begin : begin + n]
        if d.keys:  # "the Polish minister": the entity must match
            candidates = [c for c in candidates if d.keys <= c[2]]
        narrow = d.words & TITLE_WORDS
        best = next((key for _, key, words in candidates if narrow <= words), None)
        return best or (candidates[0][1] if candidates else None)

    def fits(self, key: str, d: Description) -> bool:
        """Nothing said of person ``key`` contradicts ``d``: no other post, no other state or body."""
        words = self.posts_of.get(key, set())
        posts = words & POSTS
        if d.noun in POSTS and d.noun not in GENERIC_POSTS and posts and d.noun not in posts:
            return False
        entities = {w for w in words if "/" in w}
        return not (d.keys and entities and not d.keys <= entities)

    def names(self, key: str, d: Description) -> bool:
        """Person ``key`` was named with the states and bodies of ``d`` ("the NATO chief": with NATO)."""
        return bool(d.keys) and d.keys <= self.posts_of.get(key, set())

    def body(self, d: Description, before: int) -> str | None:
        rows, at = self.bodies.get(d.noun), self.bodies_at.get(d.noun)
        if not rows:
            return None
        end = bisect_left(at, before)
        return rows[end - 1][1] if end else None


class StatementFinder:
    def __init__(self, doc: Doc, limits: StatementLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.mention_at = self.state.mention_at
        self.verbs, self.quote_only = SPEECH_VERBS | ACT_VERBS, QUOTE_ONLY_VERBS
        self.title_words = TITLE_WORDS
        self.adjectives = lexicon.gazetteer().by_adjective
        self.honorifics = lexicon.words("honorifics.txt")
        self.quote_open = {q.open_mark: q for q in self.state.quotes}
        self.quote_close = {q.close_mark: q for q in self.state.quotes if q.close_mark is not None}
        # Where the words rules start from are, found once for the whole doc.
        self.verb_at = [i for i, word in enumerate(self.lower) if word in self.verbs]
        self.possessive_at = [i for i, word in enumerate(self.lower) if word in POSSESSIVE]
        self.noun_at = [i for i, word in enumerate(self.lower) if word in SPEECH_NOUNS]
        intros = lexicon.first_words("report_intros.txt")
        self.intro_at = [i for i, word in enumerate(self.lower) if word in intros]
        self.index = SpeakerIndex(self)
        # Per token, the first token at or after it inside a quotation (len(doc) when none).
        self.next_quote = [len(self.text)] * (len(self.text) + 1)
        for i in range(len(self.text) - 1, -1, -1):
            self.next_quote[i] = i if self.state.in_quote[i] else self.next_quote[i + 1]
        self.title_case = False  # set while the finder reads a headline in title case
        self.forced: dict[int, tuple[list[str], int, int]] = {}  # verb -> its subject, read elsewhere
        # Speakers by type, in token order: where they spoke and who.
        self.history_at: dict[str, list[int]] = {}
        self.history: dict[str, list[str]] = {}
        self.last_person: list[tuple[int, str]] = [
            (m.start, m.key) for m in self.state.mentions if m.type == "Person" and m.key
        ]
        self.last_person_at = [p for p, _ in self.last_person]
        self.found: list[Found] = []
        # Sentences whose attribution names no one we know ("according to the agency"):
        # their quotations are not handed to the last speaker.
        self.unattributed: list[tuple[int, int]] = []

    # -- words --------------------------------------------------------------------

    def title_like(self, i: int) -> bool:
        """A word that may stand in a post's phrase: "Estonia's defence minister", "head of the".."""
        word = self.lower[i]
        return (
            word in self.title_words
            or word in ROLE_NOUNS
            or word in self.honorifics
            or word in POSSESSIVE
            or word in {"the", "of", "-", ",", "to"}
            or self.text[i] in self.adjectives
            or (i in self.mention_at and self.mention_at[i].type != "Person")
        )

    def word_keys(self, i: int) -> set[str]:
        """What word ``i`` says of a post: the word, or the state or body it names."""
        m = self.mention_at.get(i)
        if m is not None and m.key:
            return {m.key}
        known = self.adjectives.get(self.text[i])
        if known is not None:
            return {known.key}
        return {self.lower[i]}

    def bracket_end(self, i: int) -> int:
        """After "(BAA)" opening at ``i``: the token after ")", or ``i`` when it is no short bracket."""
        for k in range(i + 1, min(len(self.text), i + 2 + self.limits.max_bracket)):
            if self.text[k] == ")":
                return k + 1
            if self.text[k] in {"(", ",", "."} or self.text[k].isspace():
                break
        return i

    def bracket_start(self, j: int, floor: int) -> int:
        """Before "(BAA)" closing at ``j``: the token before "(", or ``j`` when it is no short bracket."""
        for k in range(j - 1, max(floor, j - 2 - self.limits.max_bracket), -1):
            if self.text[k] == "(":
                return k - 1 if k - 1 >= floor else j
            if self.text[k] in {")", ","} or self.text[k].isspace():
                break
        return j

    # -- speakers ---------------------------------------------------------------

    def _speaker_mention(self, i: int) -> Mention | None:
        m = self.mention_at.get(i)
        return m if m is not None and m.type in SPEAKER_TYPES and m.key else None

    def _remember(self, i: int, key: str) -> None:
        """Speaker ``key`` spoke at token i; kept in token order per type (nearly always an append)."""
        kind = key.split("/")[0].capitalize()
        kind = kind if kind in SPEAKER_TYPES else "Organization"
        at, keys = self.history_at.setdefault(kind, []), self.history.setdefault(kind, [])
        n = bisect_right(at, i)
        at.insert(n, i)
        keys.insert(n, key)

    def _last_speaker(self, types: set[str], before: int) -> str | None:
        """The last speaker of one of ``types`` at or before token ``before``."""
        best: tuple[int, str] | None = None
        for type_ in types:
            at = self.history_at.get(type_, [])
            n = bisect_right(at, before) - 1
            if n >= 0 and (best is None or at[n] > best[0]):
                best = (at[n], self.history[type_][n])
        return best[1] if best else None

    def _last_person_mentioned(self, before: int) -> str | None:
        n = bisect_left(self.last_person_at, before)
        while n > 0:
            n -= 1
            start, key = self.last_person[n]
            if not self.state.in_quote[start]:
                return key
            if before - start > 10 * self.limits.title_window * self.limits.description_candidates:
                break
        return None

    def resolve_pronoun(self, i: int) -> str | None:
        word = self.lower[i]
        if word in PERSON_PRONOUNS or word in OBJECT_PRONOUNS:
            return self._last_speaker({"Person"}, i) or self._last_person_mentioned(i)
        if word in THING_PRONOUNS:
            return self._last_speaker({"Organization", "Country"}, i)
        return None

    def description_ending_at(self, j: int, floor: int, bare: bool = False) -> Description | None:
        """ "the German minister", "Poland's foreign minister", "the council".

        ``bare``: without a determiner, as headlines write it ("foreign minister says").
        """
        noun = self.lower[j]
        if (
            noun not in ROLE_NOUNS
            and noun not in POSTS
            and noun not in ORG_NOUNS
            and noun not in STATEMENT_NOUNS
        ):
            return None
        if not self.text[j].isalpha() and "-" not in self.text[j]:
            return None
        words: set[str] = set()
        keys: set[str] = set()
        i = j - 1
        while i >= floor and i >= j - self.limits.description_window:
            word = self.lower[i]
            if word in {"the", "its", "his", "her", "their"}:
                return Description(noun, i, frozenset(words), frozenset(keys))
            if word in POSSESSIVE and i - 1 >= floor and self._speaker_mention(i - 1):
                owner = self.mention_at[i - 1]  # "Poland's foreign minister"
                return Description(noun, owner.start, frozenset(words), frozenset(keys | {owner.key}))
            if not (self.title_like(i) or self._describes(i)) or word in {",", "of", "to"}:
                break
            found = self.word_keys(i)
            (keys if any("/" in k for k in found) else words).update(found)
            i = self.mention_at[i].start - 1 if i in self.mention_at else i - 1
        if bare and i + 1 <= j:
            return Description(noun, i + 1, frozenset(words), frozenset(keys))
        return None

    def _describes(self, i: int) -> bool:
        """A word that narrows a description without being a title: "the Republican nominee",
        "the Vermont senator" (a capitalised word that names no person)."""
        if self.lower[i] in DESCRIPTION_WORDS:
            return True
        m = self.mention_at.get(i)
        return m is None and self.text[i][:1].isupper() and self.text[i].isalpha()

    def resolve_description(self, d: Description, at: int, forward: bool = False) -> str | None:
        """Who ``d`` points back to (or, in a headline, ``forward`` to): someone named with its
        post, else the last speaker (the first person named) when nothing said of them contradicts it."""
        if d.noun in STATEMENT_NOUNS:
            return self._last_speaker({"Organization", "Country"}, at) or self._last_speaker({"Person"}, at)
        if d.noun in ROLE_NOUNS or d.noun in POSTS:
            if forward:
                key = self.index.person(d, after=at)
                candidate = self._first_person_after(at, d)
            else:
                key = self.index.person(d, before=at)
                candidate = self._last_speaker({"Person"}, at) or self._last_person_mentioned(at)
            if key is None and candidate is not None and self.index.fits(candidate, d):
                key = candidate
            return key
        if d.noun in ORG_NOUNS and not forward:
            return self.index.body(d, at)
        return None

    def _first_person_after(self, at: int, d: Description) -> str | None:
        """The first person named after ``at`` whom ``d`` fits (a headline's "minister")."""
        n = bisect_left(self.last_person_at, at)
        candidates = [key for _, key in self.last_person[n : n + self.limits.description_candidates]]
        named = [key for key in candidates if self.index.names(key, d) and self.index.fits(key, d)]
        return next(iter(named), None) or next((key for key in candidates if self.index.fits(key, d)), None)

    def speakers_ending_at(self, j: int, floor: int) -> tuple[list[str], int]:
        """Speakers whose noun phrase ends at token j; and where that phrase starts."""
        if j >= floor and self.text[j] == ")":  # "The Baltic Ammunition Agency (BAA)"
            k = self.bracket_start(j, floor)
            if k != j:
                return self.speakers_ending_at(k, floor)
        m = self._speaker_mention(j)
        if m is not None and m.type != "Person" and m.start - 2 >= floor and self.lower[m.start - 1] == "of":
            d = self.description_ending_at(m.start - 2, floor)  # "the President of Ukraine"
            if d is not None:
                d.keys = d.keys | {m.key}
                key = self.resolve_description(d, d.start)
                return ([key] if key else []), d.start
        if m is not None and m.type != "Person":
            spoken = self._spoken_for(m, floor)
            if spoken is not None:
                return [m.key], spoken  # "a spokesman for the ministry said"
        if m is not None:
            keys, start = [m.key], m.start
            while start - 2 >= floor and self.lower[start - 1] == "and":
                other = self._speaker_mention(start - 2)
                if other is None:
                    break
                keys.insert(0, other.key)
                start = other.start
            return keys, self._title_start(start, floor)
        if self.lower[j] in PRONOUNS:
            key = self.resolve_pronoun(j)
            return ([key] if key else []), j
        if self.lower[j] == "who" and j - 2 >= floor and self.text[j - 1] == ",":
            return self.speakers_ending_at(j - 2, floor)
        d = self.description_ending_at(j, floor)
        if d is not None:
            key = self.resolve_description(d, d.start)
            return ([key] if key else []), d.start
        return [], j

    def _spoken_for(self, m: Mention, floor: int) -> int | None:
        """ "a spokesman for the ministry", "officials at the agency": where the phrase starts, when
        someone unnamed speaks for body ``m``."""
        k = m.start - 1
        if k >= floor and self.lower[k] == "the":
            k -= 1
        if k - 1 < floor or self.lower[k] not in {"for", "of", "at"} or self.lower[k - 1] not in SPOKESPEOPLE:
            return None
        start = k - 1
        while start - 1 >= floor and start > k - 4 and self.text[start - 1].islower():
            start -= 1  # "a senior defence ministry spokesman"
            if self.lower[start] in {"a", "an", "the"}:
                break
        return start

    def _title_start(self, start: int, floor: int) -> int:
        """Extend a speaker's phrase left over its title ("Polish Prime Minister Donald Tusk")."""
        i = start
        while i - 1 >= floor:
            word = self.lower[i - 1]
            if (
                word in self.title_words
                or word in self.honorifics
                or self.text[i - 1] == "-"
                or self.mention_at.get(i - 1)
                or self.text[i - 1] in self.adjectives
                or word in POSSESSIVE
            ):
                i -= 1
            else:
                break
        return i

    def _skip_time_back(self, j: int, floor: int) -> int:
        """Before "on Friday" between a speaker and the verb ("Tamm on Friday told ...")."""
        months, k, anchored = lexicon.table("months.txt"), j, False
        while k >= floor and (self.lower[k] in TIME_WORDS or self.lower[k].rstrip(".") in months):
            anchored |= self.lower[k] in TIME_ANCHORS or self.lower[k].rstrip(".") in months
            k -= 1
        return k if anchored and k >= floor else j

    def subject_before(self, v: int, floor: int) -> tuple[list[str], int]:
        """The speaker(s) left of verb v, over adverbs, a time and a comma-fenced apposition."""
        j = v - 1
        while j >= floor and self.lower[j] in SKIP_BEFORE_VERB:
            j -= 1
        if j < floor:
            return [], v
        j = self._skip_time_back(j, floor)
        while j >= floor and self.lower[j] in SKIP_BEFORE_VERB:
            j -= 1
        if self._went_on_to(j + 1):
            j -= 3  # "Pence went on to say ..."
            while j >= floor and self.lower[j] in SKIP_BEFORE_VERB:
                j -= 1
        if j < floor:
            return [], v
        if self.text[j] == "," and not self.state.in_quote[j]:
            return self._apposed_subject(j, floor, v)
        return self.speakers_ending_at(j, floor)

    def _apposed_subject(self, j: int, floor: int, v: int) -> tuple[list[str], int]:
        """ "Roe, a farmer who ..., said", "The aide, Ann Roe, said", "Roe, writing on X, said"."""
        m = self._speaker_mention(j - 1)
        if m is not None and m.start - 1 >= floor and self.text[m.start - 1] == ",":
            start = m.start - 1
            while start - 1 >= floor and self.title_like(start - 1) and self.text[start - 1] != ",":
                start -= 1
            return [m.key], start  # "The Polish president's top aide, Ann Roe, said"
        k = j - 1
        bottom = max(floor, j - self.limits.max_apposition_before)
        while k > bottom:
            if self.state.in_quote[k]:
                break
            if self.text[k] == ",":
                keys, start = self.speakers_ending_at(k - 1, floor)
                if keys:
                    return keys, start
            k -= 1
        return [], v

    def subject_after(self, v: int, ceiling: int, strict: bool = True) -> tuple[list[str], int]:
        """ "said Kubilius,", "said German Defense Minister Boris Pistorius.", "said the minister".

        Returns the speakers and the token after their phrase. ``strict`` asks
        that the phrase end the clause, as an attribution after its content does.
        """
        j = v + 1
        while j < ceiling and (
            self.lower[j] in self.title_words
            or self.lower[j] in self.honorifics
            or self.text[j] in self.adjectives
            or self.text[j] == "-"
        ):
            if self._speaker_mention(j) is not None:
                break
            j += 1
        if j >= ceiling:
            return [], v + 1
        m = self._speaker_mention(j)
        if m is None or m.type != "Person":
            m = self._person_after_descriptor(j, ceiling, strict) or m
        if m is not None:
            end = m.end
            if end < ceiling and self.text[end] == "(":
                end = self.bracket_end(end)
            if not strict or self._ends_clause(end, ceiling):
                return [m.key], end
            return [], v + 1
        if self.lower[j] in PERSON_PRONOUNS | THING_PRONOUNS:
            if strict and not self._ends_clause(j + 1, ceiling):
                return [], v + 1  # "said he would ...": he is the content's subject
            key = self.resolve_pronoun(j)
            return ([key] if key else []), j + 1
        if self.lower[j] in {"the", "a", "an"} or self.lower[j] in ROLE_NOUNS or self.lower[j] in ORG_NOUNS:
            for k in range(j, min(ceiling, j + self.limits.description_window + 1)):
                if self._ends_clause(k + 1, ceiling) or not strict:
                    d = self.description_ending_at(k, v + 1)
                    if d is not None and d.start == j and self.lower[j] == "the":
                        key = self.resolve_description(d, j)
                        if key:
                            return [key], k + 1
                if self._ends_clause(k + 1, ceiling):
                    break
        return [], v + 1

    def _person_after_descriptor(self, j: int, ceiling: int, strict: bool = True) -> Mention | None:
        """ "said National Security Council strategic communications coordinator Ann Roe."
        (``strict``: the name ends the clause)."""
        k = j
        while k < ceiling and k < j + self.limits.descriptor_window:
            m = self.mention_at.get(k)
            if m is not None and m.type == "Person" and m.key:
                return m if not strict or self._ends_clause(m.end, ceiling) else None
            word = self.lower[k]
            if (
                (self.state.is_punct[k] and self.text[k] != "-")
                or word in NOT_DESCRIPTOR
                or word in self.verbs
            ):
                return None
            k = m.end if m is not None else k + 1
        return None

    def _ends_clause(self, end: int, ceiling: int) -> bool:
        return (
            end >= ceiling or self.text[end] in {",", ".", ":", ";", ")", "—", "–"} or end in self.quote_open
        )

    # -- content ---------------------------------------------------------------

    def _after_verb(self, v: int, end: int) -> int:
        """Where the content starts after a speech verb: over the audience, the time, "that"."""
        i = v + 1
        if self.lower[v] in AUDIENCE_VERBS:
            k = i
            while k < end and self.lower[k] not in AUDIENCE_END and not self.state.in_quote[k]:
                k += 1
            if k >= end or k - i > self.limits.max_audience:
                if self.lower[v] in {"told", "tells", "tell", "telling"}:
                    # "told reporters on Friday he would ...": the content's subject ends the audience
                    return self._pronoun_after_audience(i, end) or end  # "..., Tusk told journalists."
            elif self.lower[k] != "to":
                i = k  # "told reporters that ...": the content starts after the audience
            # "urged allies to ...", "told his aides to ...": the one urged is part of what was asked
        if i + 1 < end and self.lower[i] == "to" and not self.state.in_quote[i + 1]:
            if i + 1 in self.mention_at:
                i = self.mention_at[i + 1].end  # "said to Reuters"
            elif self.lower[i + 1] in AUDIENCES:
                i += 2  # "said to reporters"
            elif self.text[i + 1][:1].isupper():
                k = i + 1  # "said to Helsingin Sanomat"
                while k < end and (self.text[k][:1].isupper() or self.text[k] in {"-", "&"}):
                    k += 1
                i = k
        i = self._skip_time(i, end)
        i = self._skip_setting_before_that(i, end)
        if i < end and self.lower[i] in {"that", ":"}:
            i += 1
        if i < end and self.lower[i] in {"for", "on", "upon"} and self.lower[v] in CALLING:
            i += 1  # "called for ...", "called on allies to ..."
        return i

    def _skip_setting_before_that(self, i: int, end: int) -> int:
        """ "said during a rally in Michigan that ...": over a setting up to the "that" of the content."""
        if i >= end or self.lower[i] not in {"during", "at", "in", "on", "after", "before", "while"}:
            return i
        for k in range(i + 1, min(end, i + 1 + self.limits.max_setting)):
            word = self.lower[k]
            if word == "that":
                return k
            if self.state.is_punct[k] or self.state.in_quote[k] or word in self.verbs:
                break
        return i

    def _pronoun_after_audience(self, i: int, end: int) -> int | None:
        """Where a clause without "that" opens after "told AUDIENCE": at its subject pronoun."""
        for k in range(i + 1, min(end - 1, i + 1 + self.limits.max_audience)):
            if self.state.in_quote[k] or self.text[k] in {",", ";", ":", "."}:
                return None
            if self.lower[k] in CLAUSE_PRONOUNS:
                return k
        return None

    def _skip_time(self, i: int, end: int) -> int:
        """Over "on Feb 14", "Friday", "in a statement", "at a news conference in Brussels"."""
        months, j, anchored = lexicon.table("months.txt"), i, False
        while j < end:
            word = self.lower[j].rstrip(".")
            if word in {"this", "next", "last"} and not (j + 1 < end and self._names_time(j + 1, months)):
                break  # "described this as ...": no time
            if (
                word in TIME_WORDS
                or word in months
                or (word[:1].isdigit() and self._dated(j, i, end, months))
            ):
                anchored |= word not in {"on", "in", "at", "a", "the"}
                j += 1
            elif anchored and j in self.mention_at and self.lower[j - 1] in {"in", "at", "with", "to"}:
                j = self.mention_at[j].end  # "... news conference in Brussels", "an interview with Reuters"
            elif anchored and self.lower[j] in {"with", "to"} and j + 1 < end and j + 1 in self.mention_at:
                j += 1
            else:
                break
        if anchored and j < end and self.text[j] == "," and j + 1 < end and self.lower[j + 1] == "that":
            j += 1
        while anchored and j > i and self.lower[j - 1] in {"on", "in", "at", "a", "the"}:
            j -= 1  # "said Wednesday on MSNBC's show": the setting goes on
        return j if anchored else i

    def _names_time(self, j: int, months) -> bool:
        word = self.lower[j].rstrip(".")
        return word in TIME_ANCHORS or word in months

    def _dated(self, j: int, first: int, end: int, months) -> bool:
        """Number ``j`` is part of a date ("on 14 May", "Feb 14", "in 2024"), not of the content."""
        before = self.lower[j - 1].rstrip(".") if j > first else ""
        after = self.lower[j + 1].rstrip(".") if j + 1 < end else ""
        return before in months or before in {"on", "in", "since"} or after in months

    def _trim(self, start: int, end: int, loose: bool = True) -> tuple[int, int]:
        """Without the punctuation around it and (``loose``) the loose words.

        Quote marks and balanced brackets stay.
        """
        punct, text = self.state.is_punct, self.text
        while start < end and (
            (punct[start] or text[start].isspace()) and text[start] not in OPEN_MARKS and text[start] != "("
        ):
            start += 1
        while end > start:
            last = text[end - 1]
            if punct[end - 1] or last.isspace():
                if last in CLOSE_MARKS and (end - 1) in self.quote_close:
                    break
                if last == ")" and any("(" in word for word in text[start:end]):
                    break
                end -= 1
            elif loose and self.lower[end - 1] in LOOSE_END and end - 1 > start:
                end -= 1
            else:
                break
        return start, end

    def _quote_covering(self, start: int, end: int):
        """The quotation that is the whole of tokens start..end, if any."""
        q = self.quote_open.get(start)
        if q is None:
            k = start
            while (
                k < end
                and (self.state.is_punct[k] or self.lower[k] in {"that", ":"})
                and k not in self.quote_open
            ):
                k += 1
            q = self.quote_open.get(k)
        if q is None:
            return None
        close = q.close_mark if q.close_mark is not None else q.end - 1
        if close >= end + 1:
            return None
        if all(self.state.is_punct[k] or self.text[k].isspace() for k in range(close + 1, end)):
            return q
        return None

    def _marks_inside(self, start: int, end: int) -> tuple[int, ...]:
        """The stray quote marks among tokens start..end: a statement's text leaves them out.

        A quotation closed inside the content keeps its marks ("... after 'tough love' from
        Washington"); a mark whose partner lies outside, or that has none, goes.
        """
        marks = [i for i in range(start, end) if self.text[i] in QUOTE_MARKS]
        if not marks:
            return ()
        paired = paired_marks(self.state, marks)
        return tuple(
            i for i in marks if i not in paired and (self.text[i] in DOUBLE_MARKS or self._is_mark(i))
        )

    def _approximates(self, i: int) -> bool:
        """ "about 20 people": "about" (word i) before a number is an approximation, not a topic."""
        nxt = i + 1
        return (
            self.lower[i] == "about"
            and nxt < len(self.text)
            and (self.text[nxt][:1].isdigit() or self.lower[nxt] in NUMBER_WORDS)
        )

    def _with_complementizer(self, start: int, floor: int) -> int:
        """Reported content keeps the "that" that opens it ("said that the brigade ...").

        The complement clause of a speech verb includes its complementizer; attribution corpora
        (PARC, PolNeAR) mark the content that way, so the text reads as the clause it is.
        """
        i = start - 1
        if i > floor and self.text[i] == "," and self.lower[i - 1] == "that":
            i -= 1  # "said that, if elected, he would ..."
        if i >= floor and self.lower[i] == "that" and not self.state.in_quote[i]:
            return i
        return start

    def _bare(self, start: int, end: int) -> bool:
        """ "revealed the details", "said the opposite": a determiner and a word are no claim."""
        words = [i for i in range(start, end) if not self.state.is_punct[i]]
        return len(words) < self.limits.min_reported_content and self.lower[words[0]] in DETERMINERS

    def _is_mark(self, i: int) -> bool:
        """A single ' or ’ that is a quotation's mark, not an apostrophe."""
        return i in self.quote_open or i in self.quote_close

    def add(
        self,
        speakers: list[str],
        start: int,
        end: int,
        sentence: Span,
        at: int,
        cut: tuple[int, int] | None = None,
        act: bool = False,
        remember: bool = True,
    ) -> Found | None:
        start, end = self._trim(start, min(end, start + self.limits.max_content))
        if end - start < self.limits.min_content or not speakers:
            return None
        if not act and self.lower[start] in {"on", "upon", "about"} and not self._approximates(start):
            return None  # "remarked upon a story": a topic, not what was said ("said about 20 ..." is)
        quote = None if act else self._quote_covering(start, end)
        direct = quote is not None
        if quote is not None:
            start, end = self._trim(quote.start, quote.end, loose=False)
            if cut is not None and not (start < cut[0] < end):
                cut = None
        if not direct and not act and self._bare(start, end):
            return None
        if not direct and not act:
            start = self._with_complementizer(start, sentence.start)
        drop = self._marks_inside(start, end)
        if end - start >= 3 and self.text[end - 1] in CLOSE_MARKS and self.text[end - 2] in {".", ","}:
            drop += (end - 2,)  # '... as a “central task.”': the full stop is the sentence's
        if end - start - len(drop) < self.limits.min_content:
            return None
        found = None
        for key in speakers:
            found = Found(key, start, end, direct, (sentence.start_char, sentence.end_char), cut, drop=drop)
            self.found.append(found)
            if remember:
                self._remember(at, key)
        return found

    # -- rules -----------------------------------------------------------------

    def speech_verbs(self, sentence: Span) -> list[int]:
        found, lower = [], self.lower
        for i in within(self.verb_at, sentence.start, sentence.end):
            if self.state.in_quote[i] or i in self.mention_at:
                continue
            if not self.text[i].islower() and i != sentence.start and not self.title_case:
                continue  # "the United States" is no speech verb
            if lower[i] in self.quote_only and not self._quote_follows(i, sentence.end):
                continue
            if lower[i] == "pointed" and not (i + 1 < len(lower) and lower[i + 1] in {"to", "out"}):
                continue
            if lower[i] in PASSIVE_AUDIENCE and self._after_be(i, sentence.start):
                continue  # "Reagan was once asked how ...": the subject is the one asked
            if (
                i > sentence.start
                and not self._went_on_to(i)
                and (lower[i - 1] in DETERMINERS or (lower[i - 1] == "in" and lower[i].endswith("ing")))
            ):
                continue  # "the accused", "his claims", "to say", "in writing": no finite verb
            found.append(i)
        return found

    def _after_be(self, v: int, floor: int) -> bool:
        """Verb v is a passive participle: a form of "be" before it, over adverbs ("was once asked")."""
        j = v - 1
        while (
            j >= floor and j > v - 3 and (self.lower[j].endswith("ly") or self.lower[j] in {"once", "also"})
        ):
            j -= 1
        return j >= floor and self.lower[j] in {"was", "were", "is", "are", "been", "being", "be"}

    def _quote_follows(self, v: int, end: int) -> bool:
        """A quotation after verb v in its sentence, or "for" ("called for ...")."""
        return self.next_quote[v + 1] < end or (v + 1 < end and self.lower[v + 1] == "for")

    def sentence_statements(self, s: Span) -> None:
        verbs = self.speech_verbs(s)
        if self._stated_by(s):
            return
        if self._according_to(s, verbs):
            return
        # Each verb's attribution: (speakers, subject start, subject end), found first so that a
        # verb's content runs to the next attribution, not to a speech verb inside it ("proposed").
        plans: list[tuple[int, list[str], int, int]] = []
        previous: list[str] = []
        for v in verbs:
            if previous and self.lower[v - 1] in {",", "and"} and self._continues(v):
                plans.append((v, previous, -1, -1))  # "..., adding that ...": the same speaker
                continue
            if plans and self._inside_clause(v):
                continue  # "accused X of suggesting ...", "Trump's tweet saying ...": inside the content
            speakers, subj_start, subj_end = self._subject(s, v)
            if speakers:
                previous = speakers
                plans.append((v, speakers, subj_start, subj_end))
            elif self.lower[v] not in ACT_VERBS and not plans:
                # "local media reported" (a verb without a speaker after another's is in its content)
                self.unattributed.append((s.start, s.end))
        for n, (v, speakers, subj_start, subj_end) in enumerate(plans):
            limit = min(s.end, v + self.limits.max_content)
            later = plans[n + 1 : n + 2 + self.limits.max_nested]
            for depth, (w, _, other_start, _) in enumerate(later):
                first = w if other_start < 0 else min(w, other_start)
                nested = other_start >= 0 and (
                    self._after_verb(v, s.end) >= other_start
                    or self.lower[other_start - 1] in {"what", "which"}  # "... what she calls ..."
                )
                if nested and depth < self.limits.max_nested:
                    continue  # "X said Y warned that ...": Y's attribution is inside X's content
                limit = min(limit, first)
                break
            limit = self._clause_end(v, limit, s.end)
            if subj_start < 0:
                self.add(speakers, self._after_verb(v, limit), limit, s, v)
                continue
            self._attribute(speakers, subj_start, subj_end, v, limit, s)
        self._speech_nouns(s)

    def _went_on_to(self, v: int) -> bool:
        """ "went on to say": the verb is the subject's own."""
        return (
            v >= 3
            and self.lower[v - 1] == "to"
            and self.lower[v - 2] == "on"
            and self.lower[v - 3]
            in {
                "went",
                "goes",
                "go",
            }
        )

    def _inside_clause(self, v: int) -> bool:
        """A speech verb that belongs to the content of the one before it: a participle after a
        noun or a preposition ("a tweet saying", "of suggesting"), an infinitive ("asked her
        to raise her voice and say ...")."""
        word, before = self.lower[v], self.lower[v - 1]
        if word.endswith("ing"):
            return before not in {",", "and", "while", "before", "after", "when", "—"}
        return before in {"to", "and"} and not word.endswith(("ed", "s")) and not self._went_on_to(v)

    def _subject(self, s: Span, v: int) -> tuple[list[str], int, int]:
        """Who speaks through verb v: the subject before it or after it, or the one quoted."""
        if self.lower[v] == "saying" and v - 1 >= s.start and self.lower[v - 1] == "as":
            quoted = self._quoted_as_saying(s, v)
            if quoted is not None:
                return quoted
        if v in self.forced:
            return self.forced[v]
        speakers, subj_start = self.subject_before(v, s.start)
        subj_end = v + 1
        if not speakers and self.lower[v].endswith("ing"):
            speakers, subj_start = self._sentence_subject(s, v), v
        if not speakers:
            speakers, subj_end = self.subject_after(v, s.end)
            subj_start = v
        if not speakers and v - 1 > s.start and self.lower[v - 1] in {"and", ",", "but"}:
            speakers, subj_start, subj_end = self._opening_subject(s, v), v, v + 1  # "X met Y and thanked Z"
        return speakers, subj_start, subj_end

    def _opening_subject(self, s: Span, v: int) -> list[str]:
        """The speaker a sentence opens with ("Tamm visited the troops and thanked them ...")."""
        n = self._first_mention(s.start)
        if n >= len(self.state.mentions):
            return []
        m = self.state.mentions[n]
        if m.start >= v or m.type not in SPEAKER_TYPES or not m.key or self.state.in_quote[m.start]:
            return []
        if self._title_start(m.start, s.start) != self._opening_word(s):
            return []
        return [m.key]

    def _opening_word(self, s: Span) -> int:
        """Where a sentence's subject may start: after "But", "And", "Yet", "Still,"..."""
        i = s.start
        while i < s.end - 1 and (self.lower[i] in OPENING_CONNECTIVES or self.text[i] in {",", "—"}):
            i += 1
        return i

    def _quoted_as_saying(self, s: Span, v: int) -> tuple[list[str], int, int] | None:
        """ "PAP quoted Tusk as saying ...": Tusk; "Xinhua quoted a statement as saying ...": Xinhua."""
        for q in range(v - 2, max(s.start, v - 2 - self.limits.max_quoting) - 1, -1):
            if self.lower[q] not in QUOTING_VERBS:
                continue
            quoted, _ = self.subject_after(q, v - 1, strict=False)
            if quoted:
                return (
                    quoted,
                    self.subject_before(q, s.start)[1] if self.subject_before(q, s.start)[0] else q,
                    v + 1,
                )
            speakers, start = self.subject_before(q, s.start)
            return (speakers, start, v + 1) if speakers else None
        return None

    def _continues(self, v: int) -> bool:
        """A second speech verb that shares the subject of the first ("and demanded")."""
        if self.lower[v].endswith("ing"):
            return True
        return self.lower[v - 1] == "and" and not self._speaker_mention(v - 2)

    def _sentence_subject(self, s: Span, v: int) -> list[str]:
        """ "Trump shocked Europeans by implying ...": the actor the sentence opens with."""
        first = self._opening_word(s)
        if first < v and self.lower[first] in PERSON_PRONOUNS | THING_PRONOUNS:
            key = self.resolve_pronoun(first)  # "He apologized, saying ..."
            return [key] if key else []
        n = self._first_mention(s.start)
        for m in self.state.mentions[n : n + self.limits.description_candidates]:
            if m.start >= v:
                break
            if m.type in SPEAKER_TYPES and m.key and not self.state.in_quote[m.start]:
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

    def _first_mention(self, start: int) -> int:
        if not hasattr(self, "_mention_starts"):
            self._mention_starts = [m.start for m in self.state.mentions]
        return bisect_left(self._mention_starts, start)

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
        act = self.lower[v] in ACT_VERBS
        inverted = subj_end > v + 1  # "..., said Kubilius"
        after = self._skip_apposition(subj_end, limit) if inverted else self._after_verb(v, limit)
        this = None if inverted else self._this_before(v + 1, limit, s)
        if this is not None:
            self.add(speakers, this.start, this.end, this, v)  # "Tusk said this on Friday"
            return
        phrase_start = self._descriptor_start(self._determiner_start(subj_start, s.start), s.start)
        k = phrase_start - 1
        quote_before = self.quote_close.get(k)
        while k >= s.start and self.text[k] in CLOSE_MARKS and k in self.quote_close:
            k -= 1
        comma_before = k > s.start and (self.text[k] in {",", "—", "–"} or quote_before is not None)
        rest = self._trim(after, limit)
        nothing_after = rest[1] <= rest[0] or self.lower[rest[0]] in ADJUNCTS or self._manner(*rest)
        quote_after = self.quote_open.get(rest[0]) if not nothing_after else None
        if quote_after is not None and not self._ends_at(quote_after, limit):
            quote_after = None
        before_is_setting = quote_before is None and (
            self._setting(s.start, k)
            # "In response to ...'s call for ..., Merz said: '...'": with what was said after the
            # colon, what leads up to the attribution is its setting, however long
            or (not inverted and not nothing_after and self.text[after - 1] == ":")
        )
        if act and not comma_before:
            self.add(
                speakers, self._verb_group_start(v, subj_start), limit, s, v, act=True
            )  # "Russia has denied ..."
        elif quote_before is not None and quote_after is not None and comma_before:
            # "“...,” Tamm said, “...”": one quotation, the attribution cut out
            self.add(
                speakers, quote_before.start, quote_after.end, s, v, cut=(quote_before.end, quote_after.start)
            )
            found = self.found[-len(speakers) :] if self.found else []
            for f in found:
                f.direct = True
        elif comma_before and self._parenthetical(v, limit) and not inverted and quote_before is None:
            self.add(speakers, s.start, limit, s, v, cut=(k, v + 2))  # "Ukraine, he added, has ..."
        elif comma_before and (
            inverted or quote_before is not None or nothing_after or self.text[after - 1] == ":"
        ):
            if not before_is_setting:
                self.add(speakers, s.start, min(subj_start, phrase_start), s, v)  # "“...,” said Kubilius."
            if not nothing_after and before_is_setting:
                self.add(speakers, after, limit, s, v)  # "Speaking in Warsaw, Healey said: “...”"
            elif not nothing_after and (self.text[after - 1] in {":", "that"} or quote_after is not None):
                self.add(speakers, after, limit, s, v)  # "..., he said, adding: “...”"
            elif not nothing_after and not inverted and self.lower[after - 1] == "that":
                self.add(speakers, after, limit, s, v)
        else:
            self.add(speakers, after, limit, s, v)  # "Merz said: '...'"

    def _manner(self, start: int, end: int) -> bool:
        """ "said sarcastically", "said pleasantly into the phone": how it was said, not what."""
        word = self.lower[start]
        if not (word.endswith("ly") and len(word) > 4 and self.text[start].islower()):
            return False
        return start + 1 >= end or self.lower[start + 1] in ADJUNCTS or self.state.is_punct[start + 1]

    def _setting(self, start: int, end: int) -> bool:
        """ "Speaking in Warsaw,", "At a news conference on Monday,": a setting, not what was said."""
        first, last = self._trim(start, end)
        if first >= last:
            return True
        if last - first > self.limits.max_setting or any(self.text[k] == "," for k in range(first, last)):
            return False  # "At the same time, industries can learn ...": a clause after the setting
        word = self.lower[first]
        return word in ADJUNCTS or word in SETTING_STARTS or (word.endswith("ing") and word[:1].isalpha())

    def _verb_group_start(self, v: int, subj_start: int) -> int:
        """ "Russia has denied ...": the statement of a speech act keeps its auxiliary."""
        i = v
        while i - 1 > subj_start and self.lower[i - 1] in AUXILIARIES:
            i -= 1
        return i

    def _ends_at(self, q, limit: int) -> bool:
        """Quotation q closes the clause: only punctuation after it up to ``limit``."""
        close = q.close_mark if q.close_mark is not None else q.end - 1
        return all(self.state.is_punct[k] or self.text[k].isspace() for k in range(close + 1, limit))

    def _this_before(self, after: int, limit: int, s: Span) -> Span | None:
        """ "Tusk said this during a briefing": the sentence before is what he said."""
        if after >= limit or self.lower[after] != "this":
            return None
        nxt = after + 1
        if nxt < limit and not (self.lower[nxt] in ADJUNCTS - {"as"} or self.state.is_punct[nxt]):
            return None  # "described this as ...": the content follows
        n = self._sentence_number(s)
        return self.state.sentences[n - 1] if n > 0 else None

    def _sentence_number(self, s: Span) -> int:
        return bisect_left(self._sentence_starts_list(), s.start)

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

    def _descriptor_start(self, i: int, floor: int) -> int:
        """ "..., National Security Council strategic communications coordinator Ann Roe said":
        where a long descriptor before a speaker begins, when a comma or a quotation closes
        what comes before it; else ``i``."""
        j = i
        while j - 1 >= floor and j > i - self.limits.descriptor_window:
            word = self.lower[j - 1]
            if self.text[j - 1] in {",", "—", "–"} or (j - 1) in self.quote_close:
                return j
            if (
                self.state.is_punct[j - 1]
                and self.text[j - 1] != "-"
                or word in NOT_DESCRIPTOR
                or word in self.verbs
            ):
                break
            j = self.mention_at[j - 1].start if (j - 1) in self.mention_at else j - 1
        return i

    def _skip_apposition(self, i: int, limit: int) -> int:
        """After "said Andrius Kubilius": over ", European Defense Commissioner, ..." to the content."""
        while i < limit and self.text[i] == ",":
            j = i + 1
            while j < limit and self.text[j] != "," and not self.state.in_quote[j]:
                j += 1
            if j - i > self.limits.max_apposition or (
                j < limit and self.state.in_quote[j] and j not in self.quote_open
            ):
                return i + 1  # a clause, not a title: the content
            i = j
        return min(i, limit)

    def _according_to(self, s: Span, verbs: list[int]) -> bool:
        """ "According to X, ...", "..., according to X.", "The EU, according to X, will ...".

        The source named so is no speaker when the sentence has one of its own
        ("Tamm said ..., according to Reuters"): it only says where the news came from.
        """
        lower, text, in_quote = self.state.lower, self.state.text, self.state.in_quote
        starts = within(self.intro_at, s.start, s.end)[: self.limits.max_intros]
        if not starts:
            return False
        speaking: dict[int, bool] = {}  # verb -> whether it has a speaker of its own
        for phrase in lexicon.phrases("report_intros.txt"):
            n = len(phrase)
            for i in starts:
                if i >= s.end - n:
                    break
                if lower[i] != phrase[0] or tuple(lower[i : i + n]) != phrase or in_quote[i]:
                    continue
                j = i + n
                source_end = self._source_end(j, s.end)
                for v in verbs:
                    if not i <= v < source_end and speaking.setdefault(v, bool(self._subject(s, v)[0])):
                        return False  # a speaker of its own: "according to" names the news source
                speakers = self._cited_in(j, source_end) or self.speakers_ending_at(source_end - 1, j)[0]
                before = self._trim(s.start, i)
                after = (
                    self._trim(source_end + 1, s.end)
                    if source_end < s.end and text[source_end] == ","
                    else (0, 0)
                )
                has_before = before[1] - before[0] >= self.limits.min_content
                has_after = after[1] - after[0] >= self.limits.min_content
                if not (has_before or has_after):
                    continue
                if not speakers:
                    self.unattributed.append((s.start, s.end))
                elif has_before and has_after:  # "The EU, according to X, will ..."
                    cut_start = i - 1 if i - 1 >= s.start and text[i - 1] == "," else i
                    self.add(speakers, s.start, s.end, s, i, cut=(cut_start, source_end + 1))
                elif has_before:  # "..., according to X."
                    self.add(speakers, s.start, i, s, i)
                else:  # "According to X, ..."
                    self.add(speakers, source_end + 1, s.end, s, i)
                return True
        return False

    def _source_end(self, j: int, end: int) -> int:
        """Where the source after "according to" ends: at a comma, over ", which quotes Y,"."""
        text = self.text
        k = j
        while k < end and text[k] not in {",", ".", ";"} and not self.state.in_quote[k]:
            k += 1
        if k < end and text[k] == "," and k + 1 < end and self.lower[k + 1] in {"which", "who"}:
            close = k + 1
            while close < end and text[close] not in {",", ".", ";"}:
                close += 1
            if close < end and text[close] == "," and close - k <= self.limits.max_apposition + 2:
                return close
        return k

    def _cited_in(self, start: int, end: int) -> list[str]:
        """ "according to Politico, which quotes Defence Minister X,": X is the speaker."""
        for k in range(start, end):
            if self.lower[k] in QUOTING_VERBS:
                speakers, _ = self.subject_after(k, end, strict=False)
                return speakers
        return []

    def _stated_by(self, s: Span) -> bool:
        """ "This was stated by X ...": X said the sentence(s) before."""
        words = self.lower[s.start : min(s.start + 4, s.end)]
        if len(words) < 4 or words[0] not in {"this", "that"} or words[1] not in {"was", "is"}:
            return False
        if words[2] not in self.verbs or words[3] != "by":
            return False
        speakers, _ = self.subject_after(s.start + 3, s.end, strict=False)
        n = self._sentence_number(s)
        if not speakers or n == 0:
            return False
        previous = self.state.sentences[n - 1]
        self.add(speakers, previous.start, previous.end, previous, s.start)
        return True

    def _speech_nouns(self, s: Span) -> None:
        """ "Trump's demand to spend 5% of GDP", "Macron's call for ...", "made an appeal to ...",
        "a suggestion by Trump that ..."."""
        nouns = SPEECH_NOUNS
        for i in within(self.noun_at, s.start + 1, s.end - 2):
            if self.state.in_quote[i] or self.lower[i + 1] not in {"to", "that", "for", "by"}:
                continue
            if self.lower[i + 1] == "by":  # "a suggestion by Trump that ..."
                speakers, after = self.subject_after(i + 1, s.end, strict=False)
                if speakers and after < s.end and self.lower[after] == "that":
                    # the one suggesting is no topic of the text: "he" does not point to him
                    self.add(speakers, after + 1, self._clause_limit(after + 1, s.end), s, i, remember=False)
                continue
            verb = self._noun_verb(i, s.start)  # "made a similar appeal to ..."
            if verb is None:
                continue
            speakers, _ = self.subject_before(verb, s.start)
            if not speakers and self.lower[verb - 1] in {"and", ","}:
                speakers = self._opening_subject(s, verb)
            if speakers:
                start = verb + 1
                self.add(speakers, start, self._clause_limit(i + 2, s.end), s, verb)
        for i in within(self.possessive_at, s.start + 1, s.end - 2):
            if self.lower[i + 1] in nouns and not self.state.in_quote[i]:
                speaker = self._speaker_mention(i - 1)
                if speaker is None or self.lower[i + 2] not in {"to", "for", "that"}:
                    continue
                stop = min(s.end, i + 3 + self.limits.max_content)
                end = next((k for k in range(i + 3, stop) if self.text[k] in {",", ";"}), stop)
                first = i + 2 if self.lower[i + 2] == "to" else i + 3
                self.add([speaker.key], first, end, s, i)

    def _noun_verb(self, i: int, floor: int) -> int | None:
        """The verb that makes speech noun i a statement: "made [a similar] appeal", "renewed her call"."""
        k = i - 1
        while k >= floor and k > i - 4 and (self.lower[k] in DETERMINERS or self.text[k].islower()):
            if self.lower[k] in NOUN_VERBS:
                return k
            k -= 1
        return None

    def _clause_limit(self, start: int, end: int) -> int:
        """The end of the clause from ``start``: the next semicolon, or a comma before a new clause."""
        end = min(end, start + self.limits.max_content)
        for k in range(start, end):
            if self.text[k] == ";" or (
                self.text[k] == "," and k + 1 < end and self.lower[k + 1] in {"but", "while", "which"}
            ):
                return k
        return end

    def headline(self, s: Span) -> bool:
        """ "... – Pistorius", "...: EU's Kallas", "Kallas: ...", "..., foreign minister says"."""
        for i in range(s.end - 2, s.start, -1):
            if self.text[i] in {"–", "—", "-", ":"} and self.state.space_after[i] or self.text[i] == ":":
                tail = [k for k in range(i + 1, s.end) if not self.text[k].isspace()]
                if not tail:
                    return False
                last = self._speaker_mention(tail[-1])
                if last is None:
                    d = self.description_ending_at(tail[-1], tail[0], bare=True)
                    if d is None or d.start != tail[0] or d.noun not in POSTS:
                        break
                    key = self.resolve_description(d, s.end, forward=True)
                    if key is None:
                        return False
                    self.add([key], s.start, i, s, s.start)  # "... – minister"
                    return True
                if last.type != "Person":
                    break
                if any(not (self.mention_at.get(k) or self.lower[k] in POSSESSIVE) for k in tail):
                    break
                self.add([last.key], s.start, i, s, s.start)
                return True
        return self._headline_speaker_first(s) or self._headline_says(s)

    def _headline_speaker_first(self, s: Span) -> bool:
        """ "Kallas: Europe must ..." (a name and a colon open the headline)."""
        m = self._speaker_mention(s.start)
        if m is None or m.type != "Person" or m.end >= s.end - 1 or self.text[m.end] != ":":
            return False
        self.add([m.key], m.end + 1, s.end, s, s.start)
        return True

    def _headline_says(self, s: Span) -> bool:
        """ "Nato chief says US needs allies", "..., German defence minister says".

        The post names someone the article names below it; the headline is then
        read like any sentence, with that person as the verb's subject.
        """
        for v in self.speech_verbs(s):
            speakers, _ = self.subject_before(v, s.start)
            if speakers:
                return False
            j = v - 1
            d = self.description_ending_at(j, s.start, bare=True) if j >= s.start else None
            if d is None or d.noun not in POSTS:
                continue
            key = self.resolve_description(d, s.end, forward=True)
            if key is None:
                return False
            self.forced[v] = ([key], d.start, v + 1)
            self.sentence_statements(s)
            self.forced.clear()
            return True
        return False

    def interview_answers(self) -> list[bool]:
        """ "TAMM: We will ...", "A: We will ..." in a transcript: the paragraph is the speaker's answer.

        A label is a person the article names (by any of the words of their name,
        in any case) or "A"/"Answer" (the person the article names most); "Q:"
        and lines of questions only are no statements. Returns, per token,
        whether it lies in such a paragraph (the other rules leave it alone).
        """
        n = len(self.text)
        answered = [False] * (n + 1)
        names = self._name_words()
        if not names:
            return answered
        answerer = max(
            (info for info in self.state.entities.values() if info.type == "Person"),
            key=lambda info: info.mentions,
            default=None,
        )
        for start, end in paragraphs(self.text):
            colon = next(
                (k for k in range(start, min(end, start + self.limits.max_label + 1)) if self.text[k] == ":"),
                None,
            )
            if colon is None or colon == start or colon + 1 >= end:
                continue
            label = [
                self.lower[k].rstrip(".")
                for k in range(start, colon)
                if self.text[k].isalpha() or "." in self.text[k]
            ]
            if not label or not all(
                self.text[k][:1].isupper() for k in range(start, colon) if self.text[k].isalpha()
            ):
                continue
            if label in (["q"], ["question"]):
                key = None
            elif label in (["a"], ["answer"]):
                key = answerer.key if answerer is not None else None
            else:
                key = names.get(label[-1])
                if key is None:
                    continue
            for k in range(start, end):
                answered[k] = True
            first, last = self._trim(colon + 1, end, loose=False)
            if key is None or last - first < self.limits.min_content or self.text[last - 1] == "?":
                continue
            self.found.append(
                Found(
                    key,
                    first,
                    last,
                    True,
                    (self.doc[start].idx, self.doc[end - 1].idx + len(self.text[end - 1])),
                    drop=self._marks_inside(first, last),
                )
            )
            self._remember(first, key)
        return answered

    def _name_words(self) -> dict[str, str]:
        """The words of the people's names, lowercase, to the person; a word two people share is left out."""
        owners: dict[str, set[str]] = {}
        for info in self.state.entities.values():
            if info.type != "Person":
                continue
            for name in (info.label, *info.aliases):
                for word in name.casefold().split():
                    if len(word) > 2:
                        owners.setdefault(word, set()).add(info.key)
        return {word: next(iter(keys)) for word, keys in owners.items() if len(keys) == 1}

    def _title_cased(self, s: Span) -> bool:
        """A headline In Title Case, whose verbs are capitalised too ("Trump Says He Will ...")."""
        words = [w for w in self.text[s.start : s.end] if w[:1].isalpha() and len(w) > 3]
        return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.8 * len(words)

    def orphan_quotes(self) -> None:
        """Quotations no rule claimed: the last speaker's, or that of the quotation they run on into."""
        covered = self._covered()
        sentences = self.state.sentences
        sentence_starts = [x.start for x in sentences]
        by_quote_start = {}
        for f in self.found:
            by_quote_start.setdefault(f.start, f)
        orphans = []
        for q in self.state.quotes:
            if covered[q.end] - covered[q.start] > 0:
                continue
            words = [word for word in self.text[q.start : q.end] if word.isalpha()]
            if len(words) < self.limits.orphan_quote_min_words:
                continue
            orphans.append(q)
        # A quotation left open at the end of its paragraph runs on into the next one:
        # it has the speaker of the quotation that continues it, read from the last one back.
        runs_on: dict[int, str] = {}
        for q in reversed(self.state.quotes):
            if q.close_mark is not None:
                continue
            nxt = self.quote_open.get(q.end + 1)
            if nxt is None:
                continue
            f = by_quote_start.get(self._trim(nxt.start, nxt.end)[0])
            speaker = runs_on.get(nxt.open_mark) or (f.speaker if f is not None else None)
            if speaker:
                runs_on[q.open_mark] = speaker
        ends = sorted((f.end, k) for k, f in enumerate(self.found))
        last: Found | None = None  # the last orphan, kept or merged
        for q in orphans:
            speaker = runs_on.get(q.open_mark) or self._last_speaker(SPEAKER_TYPES, q.start)
            n = bisect_left(sentence_starts, q.start + 1) - 1
            if speaker and n >= 0:
                sent = sentences[n]
                start, end = self._trim(q.start, q.end, loose=False)
                if end - start >= self.limits.min_content:
                    drop = self._marks_inside(start, end)
                    k = bisect_right(ends, (start, len(self.found))) - 1
                    before = self.found[ends[k][1]] if k >= 0 else None
                    if last is not None and (before is None or last.end > before.end):
                        before = last
                    if before is not None and self._continues_quote(before, speaker, start, n):
                        gap = range(self._closing_punct_end(before.end, start), start)
                        before.end, before.drop = end, (*before.drop, *gap, *drop)
                        before.evidence = (before.evidence[0], sent.end_char)
                        last = before
                        continue
                    last = Found(speaker, start, end, True, (sent.start_char, sent.end_char), drop=drop)
                    self.found.append(last)

    def _continues_quote(self, f: Found, speaker: str, start: int, n: int) -> bool:
        """Quotation words at ``start`` (sentence n) go on with the quotation of ``f``: the same
        speaker's, in the next sentence after only its attribution ("“...,” he said. “...”"), or
        in the next paragraph when its quotation was left open there.

        PARC and PolNeAR mark such a run as one attribution; the words are one statement.
        """
        if not f.direct or f.speaker != speaker or f.end > start:
            return False
        sentences = self.state.sentences
        m = bisect_right(self._sentence_starts_list(), f.end - 1) - 1
        if m < 0 or n != m + 1 or sentences[n].start != self._trim(sentences[n].start, start)[0]:
            return False  # not the next sentence, or the quotation does not open it
        between = range(f.end, sentences[n].start)
        if any(i in self.quote_open for i in between):
            return False  # another quotation in between
        breaks = any("\n" in self.text[i] for i in between)
        if not breaks:
            return True
        q = self._quote_at(f.end - 1)  # the quotation of f's last words: left open?
        return q is not None and q.close_mark is None

    def _closing_punct_end(self, i: int, limit: int) -> int:
        """After the full stop or comma that closes a quotation's words ("... home." / "... drones,")."""
        while i < limit and self.text[i] in {".", ",", "!", "?", ";", "…"}:
            i += 1
        return i

    def _quote_at(self, i: int):
        """The quotation whose words hold token i (the last to open before it), if any."""
        if not hasattr(self, "_quote_starts"):
            self._quote_starts = [q.start for q in self.state.quotes]
        k = bisect_right(self._quote_starts, i) - 1
        q = self.state.quotes[k] if k >= 0 else None
        return q if q is not None and q.start <= i < q.end else None

    def _sentence_starts_list(self) -> list[int]:
        if not hasattr(self, "_sentence_starts"):
            self._sentence_starts = [x.start for x in self.state.sentences]
        return self._sentence_starts

    def _covered(self) -> list[int]:
        """Per token, how many tokens up to it lie in a claimed statement or unattributed sentence."""
        n = len(self.text)
        delta = [0] * (n + 2)
        for f in self.found:
            delta[f.start] += 1
            delta[f.end] -= 1
        for start, end in self.unattributed:
            delta[start] += 1
            delta[end] -= 1
        covered, depth, total = [0] * (n + 1), 0, 0
        for i in range(n):
            depth += delta[i]
            covered[i] = total
            total += depth > 0
        covered[n] = total
        return covered

    def run(self) -> list[Found]:
        sentences = self.state.sentences
        first_para_end = next(
            (i for i, word in enumerate(self.text) if word.isspace() and "\n" in word), len(self.text)
        )
        answered = self.interview_answers()
        for n, s in enumerate(sentences):
            if n == 0 and s.end <= first_para_end:
                self.title_case = self._title_cased(s)
                if self.headline(s):
                    self.title_case = False
                    continue
            if answered[s.start]:
                continue
            self.sentence_statements(s)
            self.title_case = False
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
