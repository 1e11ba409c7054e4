"""Entities: people, organisations, countries, places and programmes.

Two spaCy components:

``kg_known_entities``
    Every name of ontology/entities.ttl, matched as spaCy's ``EntityRuler``
    would match it, so known entities get their canonical key as the span's
    ``ent_id``. The names are tokenized once and kept on disk
    (:mod:`kg.nlp.derived`), which keeps the pipeline's start-up short.

``kg_entities``
    Finds the names the list does not know, from general evidence only: a
    capitalised run of words is a person when a title, a given name, a speech
    verb or an apposition says so; an organisation when it ends in a head word
    (Ministry, Forum, Group...) or is an acronym; a place after "in"/"city of";
    a programme after "a programme called". Capitals stand for their state
    unless used as a location ("Berlin will meet the target" vs "met in
    Berlin"). Surnames, acronyms and "the Commission" are then merged with the
    full names they abbreviate, and the result replaces ``doc.ents``.

With a trained pipeline (``--spacy-model``), its NER spans enter as one more
kind of evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.ids import entity_key
from kg.nlp import derived, lexicon, saved
from kg.nlp.lexicon import KnownEntity
from kg.nlp.phrases import PhraseTable, longest_first
from kg.nlp.segments import doc_state, paragraphs
from kg.nlp.spans import MENTIONS

NER_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
}
CONNECTORS = {
    "of",
    "for",
    "the",
    "de",
    "von",
    "der",
    "van",
    "da",
    "di",
    "del",
    "la",
    "le",
    "du",
    "&",
}
COMPASS = {
    "east",
    "west",
    "north",
    "south",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
}
DETERMINERS = {"the", "a", "an", "this", "that", "same", "its", "their", "our"}
ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,6}$|^[A-Z](?:\.[A-Z])+\.?$")
NUMBER_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozen", "dozens"}


@dataclass(frozen=True)
class EntityLimits:
    """How far ``kg_entities`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: The longest name after a title inside a capitalised run ("Defense
    #: Minister Boris Pistorius"); a longer rest is no person's name.
    max_name_after_title: int = 4
    #: The longest run a person's name can be, from evidence around it.
    max_person_name: int = 4
    #: The longest run a place can be, from "in", "city of" or a place head.
    max_place_name: int = 3
    #: How many tokens after "Name," may hold the title of an apposition.
    apposition_window: int = 5
    #: How many words before a run may hold a programme noun ("a programme called X").
    program_cue_window: int = 6
    #: How many lowercase words after an acronym may lead to an equipment noun
    #: ("the XYZ short-range air defence system"): then it names a weapon, not an actor.
    equipment_noun_window: int = 6


DEFAULT_LIMITS = EntityLimits()


@dataclass
class Mention:
    """One stretch of text naming an entity."""

    start: int
    end: int
    type: str
    text: str
    known: KnownEntity | None = None
    kind: str | None = None
    label: str | None = None  # canonical label when the rule knows better than the text
    key: str | None = None
    #: Known bodies named inside this one's name ("General Staff of the Estonian Defence
    #: Forces"): entities of the article too, though their words are this mention's.
    inner: list[Mention] = field(default_factory=list)

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class EntityInfo:
    """An entity of one article, with every surface form read for it."""

    key: str
    type: str
    label: str
    kind: str | None = None
    known: bool = False
    aliases: set[str] = field(default_factory=set)
    mentions: int = 0


# --------------------------------------------------------------------------
# kg_known_entities: the gazetteer as an EntityRuler


def known_entity_patterns() -> list[dict]:
    """EntityRuler patterns for every name of every known entity.

    A name shared by a capital and its city-state ("Singapore") goes to the
    capital, whose rule then decides between place and state from context.
    """
    gaz = lexicon.gazetteer()
    owners: dict[str, KnownEntity] = {}
    for ent in sorted(gaz.entities.values(), key=lambda e: (e.stands_for is None, e.key)):
        for name in ent.names:
            for variant in _variants(name):
                owners.setdefault(variant, ent)
    return [{"label": ent.type, "pattern": name, "id": ent.key} for name, ent in sorted(owners.items())]


def _variants(name: str) -> list[str]:
    """The forms a name takes in news copy: as listed, "Nato" for "NATO", "BRUSSELS"."""
    forms = [name]
    if ACRONYM.match(name) and "." not in name and len(name) > 3:
        forms.append(name.capitalize())
    if len(name) > 3 and not name.isupper():
        forms.append(name.upper())
    return forms


def tokenized_patterns(tokenizer, rules: str | None = None) -> list[list]:
    """``[label, entity key, [token texts]]`` of every known name, as ``tokenizer`` splits it.

    Tokenizing some 6,000 names (and creating a lexeme for each new word) is
    most of the pipeline's start-up; the result depends only on the ontology,
    this code and the tokenizer's rules, so it is derived once for them and
    kept on disk (:mod:`kg.nlp.derived`). ``rules`` is
    :func:`kg.nlp.derived.tokenizer_rules` of ``tokenizer``, when known.
    """

    def build() -> list[list]:
        patterns = known_entity_patterns()
        docs = tokenizer.pipe([p["pattern"] for p in patterns])
        return [[p["label"], p["id"], [t.text for t in doc]] for p, doc in zip(patterns, docs, strict=True)]

    return derived.load(
        "known-entity-patterns",
        PATTERNS_DERIVED_FROM,
        build,
        salt=rules or derived.tokenizer_rules(tokenizer),
    )


#: What the patterns are derived from (see :func:`tokenized_patterns`).
PATTERNS_DERIVED_FROM = (*lexicon.DERIVED_FROM, Path(__file__))


class KnownEntityRuler:
    """The ``kg_known_entities`` component: the names of the gazetteer as entities.

    It gives what spaCy's ``EntityRuler`` with ORTH phrase patterns gives: every
    occurrence of a name's tokens is a match; the longest match wins, then the
    leftmost; a kept match replaces the entities it overlaps (``overwrite_ents``).
    The names sit in a :class:`PhraseTable` read from disk rather than in a
    ``PhraseMatcher``, whose thousands of pattern Docs took a second to build.

    The names are derived from kg's ontology for the pipeline's tokenizer
    (:meth:`initialize`), when the component is made and again when a saved
    pipeline is loaded; a saved pipeline keeps only a stamp of the data
    (:mod:`kg.nlp.saved`).
    """

    def __init__(self, nlp: Language, overwrite_ents: bool = True):
        self.nlp = nlp
        self.overwrite = overwrite_ents
        self.initialize()

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Derive the names from kg's ontology, tokenized as the pipeline's tokenizer splits them."""
        self.nlp = nlp or self.nlp
        self.tokenizer_rules = derived.tokenizer_rules(self.nlp.tokenizer)
        self.names: PhraseTable[tuple[str, str]] = PhraseTable(
            (tokens, (label, key))
            for label, key, tokens in tokenized_patterns(self.nlp.tokenizer, self.tokenizer_rules)
        )

    def _tokenizer_loaded(self) -> None:
        """A saved pipeline's own tokenizer was loaded after this was made: derive the names for it."""
        if derived.tokenizer_rules(self.nlp.tokenizer) != self.tokenizer_rules:
            self.initialize()

    def to_disk(self, path, *, exclude=()) -> None:
        saved.write_stamp(path)

    def from_disk(self, path, *, exclude=()) -> KnownEntityRuler:
        saved.check_stamp(path, "kg_known_entities")
        self._tokenizer_loaded()
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        return saved.stamp_bytes()

    def from_bytes(self, data: bytes, *, exclude=()) -> KnownEntityRuler:
        saved.check_stamp_bytes(data, "kg_known_entities")
        self._tokenizer_loaded()
        return self

    def __call__(self, doc: Doc) -> Doc:
        state = doc._.kg
        words = state.text if state is not None else [t.text for t in doc]
        glued = [i for i, w in enumerate(words) if w[-1:] == "-" and len(w) > 2 and w[-2].isalpha()]
        if glued:  # "Iceland and Norway- will": the dash is no part of the name
            words = list(words)
            for i in glued:
                words[i] = words[i][:-1]
        matches = self.names.find(words)
        if not self.overwrite:  # names do not replace the entities already set
            matches = [m for m in matches if not any(t.ent_type for t in doc[m[0] : m[1]])]
        new = [
            Span(doc, start, end, label=label, span_id=key)
            for start, end, (label, key) in longest_first(matches)
        ]
        kept = [e for e in doc.ents if not any(e.start < n.end and n.start < e.end for n in new)]
        doc.set_ents(kept + new)  # what ``doc.ents = ...`` does, without making each Span again
        return doc


@Language.factory(
    "kg_known_entities", default_config={"overwrite_ents": True}, assigns=["doc.ents", "token.ent_type"]
)
def make_known_entities(nlp: Language, name: str, overwrite_ents: bool) -> KnownEntityRuler:
    return KnownEntityRuler(nlp, overwrite_ents)


# --------------------------------------------------------------------------
# kg_entities


def is_capitalised(token: Token) -> bool:
    return is_capitalised_word(token.text)


def is_capitalised_word(text: str) -> bool:
    if not text[:1].isupper():
        return False
    core = text.replace(".", "").replace("-", "").replace("’", "").replace("'", "")
    return core.isalnum()


class EntityFinder:
    """Finds and resolves the entity mentions of one doc (see module docstring)."""

    def __init__(self, doc: Doc, limits: EntityLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.gaz = lexicon.gazetteer()
        self.sentence_starts = {s.start for s in self.state.sentences}
        self.text, self.lower = self.state.text, self.state.lower
        self.capitalised = [word[:1].isupper() and is_capitalised_word(word) for word in self.text]
        self.caps = [i for i, capitalised in enumerate(self.capitalised) if capitalised]
        self.common_acronyms = self._acronyms_of_common_nouns()
        self.title_at = lexicon.doc_titles(self.state)
        self.heads = lexicon.table("org_heads.txt")
        self._heading_at: set[int] | None = None  # found when an acronym first asks
        self._equipment_acronyms: set[str] | None = None

    # -- candidates ---------------------------------------------------------

    def known_mentions(self) -> list[Mention]:
        found = []
        for ent in self.doc.ents:
            start, end = ent.start, ent.end
            known = self.gaz.entities.get(ent.ent_id_) if ent.ent_id_ else None
            if known is not None:
                found.append(
                    Mention(start, end, known.type, self.state.span_text(start, end), known, known.kind)
                )
            elif (
                ent.label_ in NER_TYPES
                and not self.text[start][:1].islower()
                and not self._is_generic_people(start, end)
            ):
                text = self.state.span_text(start, end)
                found.append(Mention(start, end, NER_TYPES[ent.label_], text, kind="ner"))
        return found

    def chunks(self) -> list[tuple[int, int]]:
        """Maximal runs of capitalised words, with "of", "for the", "von der" inside."""
        text, lower, cap, space_after = self.text, self.lower, self.capitalised, self.state.space_after
        caps = self.caps
        runs, n = [], len(text)
        i = caps[0] if caps else n
        while i < n:
            j = i + 1
            while j < n:
                if j in self.sentence_starts:
                    break  # "from QinetiQ. Christodoulides said": a name never runs over a full stop
                if cap[j] and not text[j - 1].isspace():
                    j += 1
                elif (
                    text[j] == "-"
                    and not space_after[j - 1]
                    and not space_after[j]
                    and j + 1 < n
                    and cap[j + 1]
                ):
                    j += 2
                elif lower[j] in CONNECTORS and self._connector_continues(j):
                    j += 1
                else:
                    break
            while i < j and lower[i] in STOP_WORDS and lower[i] not in CONNECTORS - {"the"}:
                i += 1  # "The European Union", "In Germany": the opener is not part of the name
            while j > i and lower[j - 1] in CONNECTORS and not cap[j - 1]:
                j -= 1  # a connector never ends a name
            if i < j:
                runs.append((i, j))
            k = bisect_left(caps, j)  # the next run starts at the next capitalised word
            i = caps[k] if k < len(caps) else n
        return runs

    def joined_by_and(self, runs: list[tuple[int, int]], known_at: set[int]) -> list[tuple[int, int]]:
        """Runs joined by "and" inside one name: "Recovery and Resilience Facility",
        "Ministry of Trade and Industry"; never two names ("Estonia and Kestrel Group").

        The first part must be no name of its own (no known name, given name,
        title, head word or adjective), and the second end in a head word;
        or the first names a body "of" something and the second only adds
        portfolio words.
        """
        joined: list[tuple[int, int]] = []
        lower, text = self.lower, self.text
        domain = lexicon.title_domain()
        for start, end in runs:
            if joined and joined[-1][1] + 1 == start and lower[start - 1] == "and":
                first_start, first_end = joined[-1]
                first, second = range(first_start, first_end), range(start, end)
                if not known_at & set(first) and not known_at & set(second):
                    plain_first = (
                        first_end - first_start <= 2
                        and not self._acronym(first_start, first_end)
                        and text[first_start] not in lexicon.given_names()
                        and not self._has_title(first_start, first_end)
                        and not self._org_head_kind(first_start, first_end)
                        and not any(text[i] in self.gaz.by_adjective for i in first)
                    )
                    body_of = (
                        self._org_head_kind(first_start, first_end) not in {None, "Program"}
                        and {"of", "for"} & {lower[i] for i in first}
                        and end - start <= 2
                        and all(lower[i] in domain for i in second)
                    )
                    if (plain_first and self._org_head_kind(start, end)) or body_of:
                        joined[-1] = (first_start, end)
                        continue
            joined.append((start, end))
        return joined

    def _connector_continues(self, j: int) -> bool:
        lower, k = self.lower, j
        while k < len(lower) and lower[k] in CONNECTORS:
            k += 1
        # "Ministry of the Interior": "the" only right after "of"/"for", never opening a name
        return k < len(lower) and self.capitalised[k] and (lower[j] != "the" or lower[j - 1] in {"of", "for"})

    def _acronyms_of_common_nouns(self) -> set[str]:
        """Acronyms the text defines from lowercase words: "multirole missiles (LMMs)"."""
        found, text = set(), self.text
        for i in [i for i, word in enumerate(text) if word == "("]:
            if i > 0 and i + 2 < len(text) and text[i + 2] == ")" and text[i - 1].islower():
                inner = text[i + 1].rstrip("s")
                if ACRONYM.match(inner):
                    found.add(inner)
        return found

    def _headings(self) -> set[int]:
        """Tokens of lines in capitals ("BEYOND THE BLOC"): their words are no acronyms."""
        found = set()
        for start, end in paragraphs(self.text):
            words = self.text[start:end]
            if any(w != w.upper() for w in words):  # stops at the first word with a small letter
                continue
            letters = [w for w in words if w.isupper()]
            if len(letters) >= 2 and any(w.casefold() in STOP_WORDS for w in letters):
                found.update(range(start, end))
        return found

    def _acronyms_of_equipment(self) -> set[str]:
        """Acronyms the text uses for weapons: "120 VSHORADS", "the XYZ short-range air defence system"."""
        found, text, lower = set(), self.text, self.lower
        nouns = lexicon.words("equipment_nouns.txt")
        window = self.limits.equipment_noun_window
        for i in self.caps:
            word = text[i]
            if not word.isupper() or word in found or not ACRONYM.match(word):
                continue
            if i > 0 and (lower[i - 1][:1].isdigit() or lower[i - 1] in NUMBER_WORDS):
                found.add(word)
                continue
            j = i + 1
            while j < len(text) and j <= i + window:
                if lower[j] in nouns:
                    if j + 1 >= len(lower) or lower[j + 1] not in lexicon.words("equipment_makers.txt"):
                        found.add(word)
                    break
                if not (text[j] == "-" or text[j][:1].islower() and lower[j] not in STOP_WORDS):
                    break
                j += 1
        return found

    # -- classification ------------------------------------------------------

    def classify(self, start: int, end: int, known: list[Mention]) -> list[Mention]:
        """Mentions for one capitalised run, known names inside it included."""
        inside = [m for m in known if m.start >= start and m.end <= end]
        whole = [m for m in inside if m.start == start and m.end == end]
        if whole:
            return [self._with_lower_head(whole[0])]
        if len(inside) > 1:  # "UE-Ukraine working group", "Biden-Harris administration": one body
            headed = self._by_lower_head(start, end)
            if headed is not None:  # its states and bodies are named all the same
                headed.inner = [
                    m for m in inside if m.known is not None and m.type in {"Organization", "Country"}
                ]
                return [headed]
        inside = [self._with_compass(m, start) for m in inside]
        split = self._split_before_body(start, end)
        if split is not None:  # "Tamm of the Kestrel Institute", "Tartu for the Nordic Forum"
            left, right = split
            return self.classify(start, left, inside) + self.classify(right, end, inside)
        head_kind = self._org_head_kind(start, end)
        if head_kind == "Program" and end - start > 1:
            return [Mention(start, end, "Program", self.state.span_text(start, end))]
        if head_kind and end - start > 1 and not self._title_outside_head(start, end):
            named = [m for m in inside if self._named_inside(m, start)]
            text = self.state.span_text(start, end)
            return [Mention(start, end, "Organization", text, kind=head_kind, inner=named)]
        mentions, cursor = list(inside), start
        for m in sorted(inside, key=lambda m: m.start):
            mentions += self._classify_piece(cursor, m.start)
            cursor = m.end
        mentions += self._classify_piece(cursor, end)
        return mentions

    def _split_before_body(self, start: int, end: int) -> tuple[int, int] | None:
        """Where a run joins a name to a body by "of"/"for": (end of the name, start of the body).

        "Mart Kuusk of the Kestrel Institute", "Tartu for the Nordic Defence
        Forum": the words before the connector have no head word of their own,
        and the body after it has one. "Ministry of the Interior", "Court of
        Appeals for the Sixth Circuit", "General Staff of the Armed Forces" name
        one body: their first part has its head.
        """
        lower = self.lower
        if end - start < 3:
            return None
        for k in range(start + 1, end - 1):
            if lower[k] not in {"of", "for"} or not self.text[k].islower():
                continue
            right = k + 1
            while right < end and lower[right] == "the":
                right += 1
            if right >= end or self._org_head_kind(start, k) or self._has_title(start, k):
                return None
            if not self._org_head_kind(right, end):
                return None
            return k, right
        return None

    def _named_inside(self, m: Mention, floor: int) -> bool:
        """ "of the Estonian Defence Forces" inside a longer name: a known body or state of its own."""
        i = m.start - 1
        while i > floor and self.lower[i] == "the":
            i -= 1
        return (
            m.known is not None
            and m.type in {"Organization", "Country"}
            and i >= floor
            and self.lower[i] in {"of", "for"}
        )

    def _with_compass(self, m: Mention, floor: int) -> Mention:
        """ "East Belfast": a compass word before a known place names a place of its own."""
        if m.type == "Place" and m.start > floor and self.lower[m.start - 1] in COMPASS:
            return Mention(m.start - 1, m.end, "Place", self.state.span_text(m.start - 1, m.end))
        return m

    def _with_lower_head(self, m: Mention) -> Mention:
        """A known name before a lowercase head: "PAP news agency" is PAP, "Trump
        administration" a body of its own."""
        head = self._by_lower_head(m.start, m.end)
        if head is None or (m.known is not None and m.known.type == "Country"):
            return m  # "Ukrainian government" and kin are state bodies, read later
        if m.type == "Organization":  # the span takes the head, the name stays "PAP"
            return Mention(m.start, head.end, m.type, m.text, m.known, m.kind, label=m.label)
        return head

    def _has_title(self, start: int, end: int) -> bool:
        return any(self._is_title_word(i) for i in range(start, end))

    def _headline_words(self, start: int, end: int) -> bool:
        """Capitalised verbs and pronouns ("Is", "Will", "Has") mark a headline in title case, no name."""
        return any(self.lower[i] in STOP_WORDS - CONNECTORS - {"and"} for i in range(start, end))

    def _title_outside_head(self, start: int, end: int) -> bool:
        """A title of the run that is not part of its organisation's name.

        "General Staff of the Armed Forces", "General Assembly": a title word
        right before the head word names the body. "Kestrel Dynamics CEO Mart
        Kuusk": a title elsewhere heads a person's name.
        """
        heads = lexicon.table("org_heads.txt")
        for i in range(start, end):
            if self._is_title_word(i) and not (i + 1 < end and self.lower[i + 1] in heads):
                return True
        return False

    def _org_head_kind(self, start: int, end: int) -> str | None:
        heads = lexicon.table("org_heads.txt")
        programs = lexicon.words("program_heads.txt")
        last = self.lower[end - 1]
        if last in programs:
            return "Program"
        for i in range(start, end):
            word = self.lower[i]
            if i == end - 1 or self.lower[i + 1] in CONNECTORS:
                if word in heads:
                    return heads[word][0]
                if word in programs and i > start and not self._headline_words(i, end):
                    return "Program"  # "Financial Instrument for Enhanced Security"
        return None

    def _classify_piece(self, start: int, end: int) -> list[Mention]:
        while start < end and (
            self.text[start].islower() and self.lower[start] in CONNECTORS or self.text[start] == "-"
        ):
            start += 1
        while end > start and (
            self.text[end - 1].islower() and self.lower[end - 1] in CONNECTORS or self.text[end - 1] == "-"
        ):
            end -= 1
        if start >= end:
            return []
        split = self._of_after_a_name(start, end)
        if split is not None:  # "Kalle Tamm of the Baltic Sea Institute": a name, then another
            return self._classify_piece(start, split) + self._classify_piece(split, end)
        # A title inside the run: the name follows it ("Defense Minister Boris Pistorius").
        heads, lower, title_at = self.heads, self.lower, self.title_at
        titles = [
            i
            for i in range(start, end)
            if (i in title_at and not (i + 1 < end and lower[i + 1] in heads)) or self._is_honorific(i)
        ]  # "Chief of the General Staff X": "General" names the staff
        if titles:
            before = self._title_owner(start, titles[0])
            name_start = self._name_after_title(titles[-1] + 1, end)
            if name_start < end and end - name_start <= self.limits.max_name_after_title:
                return before + [self._person(name_start, end)]
            return before
        text = self.state.span_text(start, end)
        if text.casefold() in lexicon.words("not_entities.txt") or self._is_adjective(start, end):
            return []
        if self._is_generic_people(start, end):
            return []  # "Officials said ...", "Defence Analysts warned ..."
        if end - start == 1 and text.casefold() in STOP_WORDS:
            return []  # "As reported, ..."
        mention = (
            self._by_platform(start, end)
            or self._by_lower_head(start, end)
            or self._by_surname(start, end)
            or self._by_person_evidence(start, end)
            or self._by_acronym(start, end)
            or self._by_place_evidence(start, end)
            or self._by_program_evidence(start, end)
            or self._by_bare_name(start, end)
        )
        return [mention] if mention else []

    def _of_after_a_name(self, start: int, end: int) -> int | None:
        """The "of"/"for" in a piece that follows a name rather than a title or a portfolio word.

        "Minister of Defence", "Commissioner for Trade": the title runs on. "Stacey
        Vell of the Harbour Islands": a person, then where she is from.
        """
        if end - start < 3:
            return None
        domain = lexicon.title_domain()
        for k in range(start + 1, end - 1):
            if self.lower[k] in {"of", "for"} and self.text[k].islower():
                before = k - 1
                if not (
                    self._is_title_word(before) or self._is_honorific(before) or self.lower[before] in domain
                ):
                    return k
                return None
        return None

    def _name_after_title(self, i: int, end: int) -> int:
        """Where the name starts after a title ending before token i (``end`` if none).

        "Defence Minister Kalle Tamm": at once. After "for" or "of" the title
        runs on over its portfolio: "Commissioner for Internal Market Oskar
        Vell", "Minister for Civil Defence Carl-Erik Lind", "Minister of
        Economics Tamm": the name is what follows the portfolio's words, from a
        given name on, else its last two words.
        """
        modifiers, text, lower = lexicon.words("role_modifiers.txt"), self.text, self.lower
        domain = lexicon.title_domain()
        after_connector = None
        while i < end and (lower[i] in modifiers or text[i] == "-" or lower[i] == "the" and after_connector):
            if lower[i] in {"for", "of", "the"}:
                after_connector = i + 1
            i += 1
        if after_connector is None:
            return i
        while i < end and (lower[i] in domain or lower[i] in {"and", "the"}):
            i += 1
        given = lexicon.given_names()
        for k in range(i, end):
            if text[k] in given and (k == i or text[k - 1] != "-"):
                return k
        words = [k for k in range(i, end) if text[k] != "-" and (k == i or text[k - 1] != "-")]
        if len(words) >= 3:
            return words[-2]  # "Minister for Outer Space Affairs Wopke Vell": the last two words
        # "Minister of Economics Tamm": a portfolio word, then the name; "President of Valdoria": no name
        return i if i > after_connector and lower[i - 1] not in {"the", "and"} else end

    def _is_generic_people(self, start: int, end: int) -> bool:
        """A run headed by a common noun for people: "Officials", "Senior Analysts".

        Capitalised at the start of a sentence, such a word stands before a
        speech verb where a surname would ("Critics said ..." / "Tamm said
        ..."), but it names no one. A given name before it still makes a
        name ("Helen Planner").
        """
        if self.lower[end - 1] not in lexicon.words("generic_people.txt"):
            return False
        return not (end - start >= 2 and self.text[start] in lexicon.given_names())

    def _title_owner(self, start: int, end: int) -> list[Mention]:
        """The body named before a title in the same run ("Kestrel Dynamics CEO")."""
        modifiers = lexicon.words("role_modifiers.txt")
        while end > start and self.lower[end - 1] in modifiers:
            end -= 1
        head = self._org_head_kind(start, end) if end > start else None
        if end - start == 1:
            return []  # "Press Secretary", "News Editor": a head word alone is part of the title
        if head and head != "Program":
            return [Mention(start, end, "Organization", self.state.span_text(start, end), kind=head)]
        return []

    def _is_title_word(self, i: int) -> bool:
        return i in self.title_at

    def _is_honorific(self, i: int) -> bool:
        return self.lower[i] in lexicon.words("honorifics.txt")

    def _is_adjective(self, start: int, end: int) -> bool:
        return self.state.span_text(start, end) in self.gaz.by_adjective

    def _person(self, start: int, end: int) -> Mention:
        known = self.gaz.surnames.get(self.text[start]) if end - start == 1 else None
        return Mention(start, end, "Person", self.state.span_text(start, end), known)

    def _by_surname(self, start: int, end: int) -> Mention | None:
        if end - start != 1:
            return None
        known = self.gaz.surnames.get(self.text[start])
        if known is not None:
            return Mention(start, end, "Person", self.text[start], known, known.kind)
        return None

    def _by_lower_head(self, start: int, end: int) -> Mention | None:
        """ "Green party", "UE-Ukraine working group", "PAP news agency"."""
        text = self.text
        if end >= len(text) or text[end] not in lexicon.first_words("lower_org_heads.txt"):
            return None
        for phrase in lexicon.phrases("lower_org_heads.txt"):
            stop = end + len(phrase)
            if stop <= len(text) and text[end] == phrase[0] and tuple(text[end:stop]) == phrase:
                kind = lexicon.table("lower_org_heads.txt")[" ".join(phrase)][0]
                if self._acronym(start, end):  # "the PAP news agency" is PAP
                    return Mention(
                        start,
                        stop,
                        "Organization",
                        self.state.span_text(start, stop),
                        kind=kind,
                        label=self.text[start],
                    )
                return Mention(start, stop, "Organization", self.state.span_text(start, stop), kind=kind)
        return None

    def _by_platform(self, start: int, end: int) -> Mention | None:
        """ "Tamm wrote on X", "in a post on X", "an X post", "X (formerly Twitter)"."""
        if end - start != 1 or self.text[start] not in lexicon.given_platforms():
            return None
        lower = self.lower
        posted = (
            start >= 2 and lower[start - 1] == "on" and lower[start - 2] in lexicon.words("platform_cues.txt")
        )
        after = lower[end] if end < len(lower) else ""
        if posted or after in {"post", "posts"} or after == "(" and "formerly" in lower[end : end + 3]:
            return Mention(start, end, "Organization", self.text[start])
        return None

    def _by_person_evidence(self, start: int, end: int) -> Mention | None:
        if end - start > self.limits.max_person_name or self._acronym(start, end):
            return None
        if start > 0 and self.lower[start - 1] in DETERMINERS:
            return None  # "the same Time", "the Commission": not a person
        first = self.text[start]
        if end - start >= 2 and first in lexicon.given_names():
            return self._person(start, end)
        if self._title_before(start) or self._apposition_after(end):
            return self._person(start, end)
        if start >= 2 and self.lower[start - 2] == "according" and self.lower[start - 1] == "to":
            return self._person(start, end)
        if self._speech_next_to(start, end):
            if start > 0 and self.lower[start - 1] in {"reports", "reported"}:
                return Mention(
                    start, end, "Organization", self.state.span_text(start, end), kind="NewsOutlet"
                )
            return self._person(start, end)
        return None

    def _title_before(self, start: int) -> bool:
        """A post right before the name: "finance minister Rachel Reeves"."""
        i = start - 1
        while i >= 0 and self.text[i] == "-":
            i -= 1
        return i >= 0 and (self._is_title_word(i) or self._is_honorific(i))

    def _apposition_after(self, end: int) -> bool:
        """ "Kubilius, European Defense Commissioner," / "Kamyshin, advisor to ..."."""
        doc = self.doc
        if end + 1 >= len(doc) or self.text[end] != ",":
            return False
        for i in range(end + 1, min(end + 1 + self.limits.apposition_window, len(doc))):
            if self.text[i] in {",", ".", ";"} or self.text[i].isspace():
                return False
            if self._is_title_word(i):
                return True
        return False

    def _speech_next_to(self, start: int, end: int) -> bool:
        verbs = lexicon.words("speech_verbs.txt")
        doc = self.doc
        after = self.lower[end] if end < len(doc) else ""
        before = self.lower[start - 1] if start > 0 else ""
        return after in verbs or before in verbs

    def _acronym(self, start: int, end: int) -> bool:
        return end - start == 1 and bool(ACRONYM.match(self.text[start]))

    def _by_acronym(self, start: int, end: int) -> Mention | None:
        if not self._acronym(start, end):
            return None
        text = self.text[start]
        if text in self.common_acronyms or text.casefold() in lexicon.words("not_entities.txt"):
            return None
        if self._equipment_acronyms is None:
            self._equipment_acronyms, self._heading_at = self._acronyms_of_equipment(), self._headings()
        if text in self._equipment_acronyms or start in self._heading_at:
            return None  # "120 VSHORADS", "a KSAMS system"; a heading in capitals
        if text.casefold() in lexicon.table("currencies.tsv"):
            return None  # "EUR 20 million"
        nxt = self.doc[end] if end < len(self.doc) else None
        if nxt is not None and nxt.text == "s" and not self.state.space_after[start]:
            return None
        return Mention(start, end, "Organization", text)

    def _by_place_evidence(self, start: int, end: int) -> Mention | None:
        if end - start > self.limits.max_place_name:
            return None
        if end < len(self.text) and self.text[end] == "-" and not self.state.space_after[end - 1]:
            return None  # "in Kestrel-made drones", "in Valdorian-led support": a modifier
        before = self.lower[max(0, start - 2) : start]  # "city of X", "in X"
        place_nouns = lexicon.words("place_nouns.txt")
        if len(before) >= 2 and before[-1] == "of" and before[-2] in place_nouns:
            return Mention(start, end, "Place", self.state.span_text(start, end))
        if self.lower[end - 1] in lexicon.words("place_heads.txt"):
            return Mention(start, end, "Place", self.state.span_text(start, end))
        if before and before[-1] in {"in", "near", "at", "outside"} and start not in self.sentence_starts:
            return Mention(start, end, "Place", self.state.span_text(start, end))
        return None

    def _by_program_evidence(self, start: int, end: int) -> Mention | None:
        before = self.lower[max(0, start - self.limits.program_cue_window) : start]
        named = before and before[-1] in {"called", "named", "dubbed", "titled"}
        if named and set(before) & lexicon.words("program_nouns.txt"):
            return Mention(start, end, "Program", self.state.span_text(start, end))
        return None

    def _by_bare_name(self, start: int, end: int) -> Mention | None:
        """ "the Commission", "the Alliance": a head word alone stands for a known body."""
        key = lexicon.table("bare_names.tsv").get(self.state.span_text(start, end).casefold())
        if key and start > 0 and self.lower[start - 1] == "the":
            known = self.gaz.entities.get(key[0])
            if known is not None:
                return Mention(start, end, known.type, self.state.span_text(start, end), known, known.kind)
        return None

    def lone_surnames(self, mentions: list[Mention]) -> list[Mention]:
        """ "Under Rutte's leadership": the surname of a person named in full elsewhere."""
        text = self.text
        surnames = {text[m.end - 1] for m in mentions if m.type == "Person" and m.length >= 2}
        covered = {i for m in mentions for i in range(m.start, m.end)}
        return [
            Mention(i, i + 1, "Person", word)
            for i, word in enumerate(text)
            if word in surnames and i not in covered and self.capitalised[i]
        ]

    # -- context rules ---------------------------------------------------------

    def apply_metonymy(self, mentions: list[Mention]) -> None:
        """Capitals and seats stand for their state or body unless used as places."""
        locatives = lexicon.words("locative_prepositions.txt")
        for m in mentions:
            if m.known is None or m.known.stands_for is None:
                continue
            target = self.gaz.entities.get(m.known.stands_for)
            if target is None or self._used_as_place(m, locatives):
                continue
            m.known, m.type, m.kind = target, target.type, target.kind

    def _used_as_place(self, m: Mention, locatives: frozenset[str]) -> bool:
        doc, i = self.doc, m.start - 1
        while i >= 0 and (self.text[i] in {",", "and", "or", "the"} or doc[i].ent_type_):
            i -= 1
        if i >= 0 and self.lower[i] in locatives:
            return True
        nxt = doc[m.end] if m.end < len(doc) else None
        if nxt is not None and nxt.lower_ in event_nouns():
            return True  # "the Vilnius summit", "the Brussels meeting": the city that hosts it
        verb = m.end + 1 if nxt is not None and nxt.lower_ in {"will", "is", "has", "was"} else m.end
        if verb < len(doc) and self.lower[verb] in lexicon.words("host_verbs.txt"):
            return True  # "Vilnius hosted the summit", "Riga will host the talks"
        at_paragraph_start = m.start == 0 or self.text[m.start - 1].isspace()
        if at_paragraph_start and nxt is not None and nxt.text in {"–", "—", "-", "(", ","}:
            return True  # a dateline: "BRUSSELS – Nato said ..."
        return nxt is not None and nxt.text == "-" and not nxt.whitespace_

    def state_bodies(self, mentions: list[Mention]) -> list[Mention]:
        """ "Ukrainian government", "Britain's government", "Russia's defence ministry"."""
        doc, lower, found = self.doc, self.lower, []
        bodies = lexicon.table("state_bodies.txt")
        by_start = {m.start: m for m in mentions}
        adjectives = self.gaz.by_adjective
        # Only a country adjective or a mention can start one: the others need no look.
        candidates = sorted({i for i, word in enumerate(self.text) if word in adjectives} | by_start.keys())
        for i in candidates:
            country, after = self._state_before(i, by_start)
            if (
                country is None
                or after >= len(lower)
                or lower[after] not in lexicon.first_words("state_bodies.txt")
            ):
                continue
            for phrase in lexicon.phrases("state_bodies.txt"):
                stop = after + len(phrase)
                if stop <= len(doc) and tuple(lower[after:stop]) == phrase:
                    template, kind = bodies[" ".join(phrase)]
                    label = template.format(country=country.label)
                    # "Russia's defence ministry": Russia stays a mention of its own
                    first = after if i in by_start else i
                    text = self.state.span_text(i, stop)
                    found.append(Mention(first, stop, "Organization", text, kind=kind, label=label))
                    break
        return found

    def _state_before(self, i: int, by_start: dict[int, Mention]) -> tuple[KnownEntity | None, int]:
        adjective = self.gaz.by_adjective.get(self.text[i])
        if adjective is not None and adjective.type == "Country":
            return adjective, i + 1
        m = by_start.get(i)
        if m is not None and m.known is not None and m.known.type == "Country":
            after = m.end
            if after < len(self.lower) and self.lower[after] in {"'s", "’s"}:
                after += 1
            return m.known, after
        return None, i

    # -- clustering -------------------------------------------------------------

    def resolve(self, mentions: list[Mention]) -> dict[str, EntityInfo]:
        """Give every mention its entity key, merging aliases within the article."""
        full_names: dict[str, Mention] = {}  # surname -> the full name it abbreviates
        for m in sorted(mentions, key=lambda m: (-m.length, m.start)):
            if m.type == "Person" and m.length >= 2:
                full_names.setdefault(self.text[m.end - 1], m)
        for m in mentions:
            anchor = full_names.get(m.text) if m.type == "Person" and m.length == 1 else None
            if anchor is not None and anchor is not m:
                m.known, m.label = anchor.known, anchor.label or anchor.text
        self._join_acronyms(mentions)
        org_names = [m.label or m.text for m in mentions if m.type == "Organization" and m.known is None]
        # "Harbour Department" and "Department of Harbour": one body, under its longest name
        by_words: dict[frozenset[str], str] = {}
        for name in sorted(org_names, key=lambda n: (-len(n), n)):
            by_words.setdefault(_name_words(name), name)
        longer_names = LongerOrgNames(org_names)
        for m in mentions:
            for inner in m.inner:
                inner.key, inner.label = inner.known.key, inner.known.label
            if m.known is not None:
                m.key, m.label = m.known.key, m.known.label
                continue
            label = m.label or m.text
            if m.type == "Organization":
                label = by_words.get(_name_words(label), label)
                label = longer_names.of(label) or label
                known = self.gaz.lookup(label)
                if known is not None and known.type == "Organization":
                    m.known, m.key, m.label = known, known.key, known.label
                    continue
                label = _tidy_case(label)
            m.label, m.key = label, entity_key(m.type, label)
        return self._collect(mentions)

    def named_by_known_acronym(self, runs: list[tuple[int, int]], mentions: list[Mention]) -> list[Mention]:
        """ "the Strategic Defence Platform for Europe (SAFE)": a run before a known
        acronym in brackets is another name of its entity, though the list has not that one."""
        text, found = self.text, []
        whole = {(m.start, m.end) for m in mentions}
        by_start = {m.start: m for m in mentions if m.known is not None and m.length == 1}
        for start, end in runs:
            if end - start < 2 or (start, end) in whole or end + 2 >= len(text):
                continue
            inner = by_start.get(end + 1)
            bracketed = text[end] == "(" and text[end + 2] == ")" and inner is not None
            if bracketed and ACRONYM.match(inner.text) and inner.type in {"Organization", "Program"}:
                known = inner.known
                text_of = self.state.span_text(start, end)
                found.append(Mention(start, end, known.type, text_of, known, known.kind))
        return found

    def _join_acronyms(self, mentions: list[Mention]) -> None:
        """An acronym and the name it abbreviates are one entity, of the name's type.

        "European Defence Agency (EDA)": the bracket says so; "the Department
        of Homeland Security ... DHS agents": the initials do. A known acronym
        makes the bracketed-before name known too ("Security Action for
        Europe (SAFE)" spelled another way).
        """
        text, names = self.text, {}
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.end + 2 < len(text) and text[m.end] == "(" and text[m.end + 2] == ")":
                inner = by_start.get(m.end + 1)
                if inner is not None and inner.length == 1 and ACRONYM.match(inner.text):
                    if m.known is None and inner.known is not None and m.type in {"Organization", "Program"}:
                        m.known, m.type, m.kind = inner.known, inner.known.type, inner.known.kind
                    names.setdefault(inner.text, m)
        initials: dict[str, Mention | None] = {}
        for m in mentions:
            if m.known is None and m.type in {"Organization", "Program"} and m.length >= 3:
                letters = "".join(text[i][0] for i in range(m.start, m.end) if self.capitalised[i])
                initials[letters] = None if initials.get(letters, m) is not m else m
        for m in mentions:
            if m.known is not None or m.length != 1 or not ACRONYM.match(m.text):
                continue
            full = names.get(m.text) or initials.get(m.text)
            if full is not None and full is not m and full.type in {"Organization", "Program"}:
                m.type, m.kind, m.known = full.type, full.kind, full.known
                m.label = full.label or full.text

    def _collect(self, mentions: list[Mention]) -> dict[str, EntityInfo]:
        entities: dict[str, EntityInfo] = {}
        for m in [*mentions, *(inner for outer in mentions for inner in outer.inner)]:
            info = entities.get(m.key)
            if info is None:
                info = entities[m.key] = EntityInfo(m.key, m.type, m.label, m.kind, known=m.known is not None)
            info.mentions += 1
            if m.text != info.label:
                info.aliases.add(m.text)
        return entities


@dataclass
class LongerOrgNames:
    """The longer name an article gives an organisation it also names shortly.

    "UE-Ukraine working group" -> "UE-Ukraine Inter-Institutional Working
    Group": a name with more words, the same first and last word, and every
    word of the short name in order ("National Committee" is no "Campaign
    Committee"); of several, the longest in characters, then the first given.
    An index from each word to the names holding it, and one from a first and
    last word to the names with those ends, give the few names that hold all
    the words of a name and its ends (an intersection of sets, the smallest
    first), and each name is looked up once: linear in the article, where
    sorting and scanning every name for each mention was quadratic in the
    number of names.
    """

    names: list[str]  # in the order given, repeats and all
    _words: dict[str, list[str]] = field(init=False, default_factory=dict)  # name -> its casefolded words
    _order: dict[str, int] = field(init=False, default_factory=dict)  # name -> where it was first given
    _holding: dict[str, set[str]] = field(init=False, default_factory=dict)  # word -> the names holding it
    _ending: dict[tuple[str, str], set[str]] = field(
        init=False, default_factory=dict
    )  # (first, last) -> names
    _found: dict[str, str | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.names:
            if name in self._order:
                continue
            self._order[name] = len(self._order)
            self._words[name] = words = name.casefold().split()
            for word in words:
                self._holding.setdefault(word, set()).add(name)
            if words:
                self._ending.setdefault((words[0], words[-1]), set()).add(name)

    def of(self, name: str) -> str | None:
        """The longer name of ``name`` among the names, or None."""
        if name not in self._found:
            self._found[name] = self._find(name)
        return self._found[name]

    def _find(self, name: str) -> str | None:
        words = name.casefold().split()
        if not words:
            return None
        nothing: set[str] = set()
        holding = [self._holding.get(word, nothing) for word in set(words)]
        holding.append(self._ending.get((words[0], words[-1]), nothing))
        smallest, *others = sorted(holding, key=len)
        candidates = smallest.intersection(*others)
        matches = [other for other in candidates if _abbreviates(words, self._words[other])]
        # the order of a set varies from run to run: the key decides every tie
        return min(matches, key=lambda other: (-len(other), self._order[other]), default=None)


def _abbreviates(words: list[str], theirs: list[str]) -> bool:
    """Whether a name of ``words`` is a short form of one of ``theirs`` (see LongerOrgNames)."""
    if len(theirs) <= len(words) or theirs[0] != words[0] or theirs[-1] != words[-1]:
        return False
    rest = iter(theirs)
    return all(word in rest for word in words)


def _name_words(name: str) -> frozenset[str]:
    """The words of a name in any order and spelling ("Defense Department", "Department of Defence")."""
    words = name.casefold().replace("defense", "defence").split()
    return frozenset(w for w in words if w not in CONNECTORS)


@cache
def event_nouns() -> frozenset[str]:
    """The nouns of event_triggers.txt ("summit", "talks"): its words that are no verbs."""
    return frozenset(lexicon.table("event_triggers.txt")) - lexicon.words("event_verbs.txt")


def _tidy_case(label: str) -> str:
    """ "EU-EUKRAINE INDUSTRY Forum" -> "EU-Eukraine Industry Forum" (acronyms kept)."""
    if not any(c.islower() for c in label):
        return label
    parts = re.split(r"(\s+|-)", label)
    return "".join(p.capitalize() if p.isupper() and len(p) > 3 else p for p in parts)


def find_mentions(doc: Doc, limits: EntityLimits = DEFAULT_LIMITS) -> list[Mention]:
    finder = EntityFinder(doc, limits)
    known = finder.known_mentions()  # in text order
    starts = [m.start for m in known]
    mentions: list[Mention] = []
    known_at = {i for m in known for i in range(m.start, m.end)}
    runs = finder.joined_by_and(finder.chunks(), known_at)
    for start, end in runs:
        # only the known names that start inside the run can be inside it
        mentions += finder.classify(start, end, known[bisect_left(starts, start) : bisect_left(starts, end)])
    covered = {i: m.length for m in mentions for i in range(m.start, m.end)}
    # a known name no read of a run covers, or only shorter ones ("Act in Support of Ammunition
    # Production" over "Support"): the longest of overlapping mentions is kept below
    mentions += [m for m in known if all(covered.get(i, 0) < m.length for i in range(m.start, m.end))]
    mentions += finder.named_by_known_acronym(runs, mentions)
    mentions += finder.lone_surnames(mentions)
    finder.apply_metonymy(mentions)
    mentions += finder.state_bodies(mentions)
    mentions = _without_overlaps(mentions)
    doc._.kg.entities = finder.resolve(mentions)
    return mentions


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """One mention per stretch of text (the last given), then the longest of overlapping ones."""
    spans = {(m.start, m.end): m for m in mentions}
    kept = longest_first((start, end, m) for (start, end), m in spans.items())
    return sorted((m for _, _, m in kept), key=lambda m: m.start)


class EntityRecognizer:
    """The ``kg_entities`` component: mentions as ``doc.ents``, ``doc.spans["kg_mentions"]``, ``doc._.kg``."""

    def __init__(self, limits: EntityLimits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_entities")
        mentions = find_mentions(doc, self.limits)
        state.mentions = mentions
        state.mention_at = mentions_by_token(mentions)
        spans = [Span(doc, m.start, m.end, label=m.type, kb_id=m.key) for m in mentions]
        doc.set_ents(spans)  # what ``doc.ents = spans`` does, without making each Span again
        doc.spans[MENTIONS] = spans
        return doc


@Language.factory(
    "kg_entities",
    default_config={"limits": asdict(DEFAULT_LIMITS)},
    requires=["doc._.kg"],
    assigns=["doc.ents", "doc.spans", "doc._.kg"],
)
def make_entity_recognizer(nlp: Language, name: str, limits: dict[str, int]) -> EntityRecognizer:
    return EntityRecognizer(EntityLimits(**limits))


def mentions_by_token(mentions: list[Mention]) -> dict[int, Mention]:
    return {i: m for m in mentions for i in range(m.start, m.end)}


def mentions_by_sentence(mentions: list[Mention], sentences: list[Span]) -> dict[int, list[Mention]]:
    """The mentions that start in each sentence, by the sentence's first token.

    One bisection per sentence over the mentions (in text order), instead of a
    scan of all mentions for each sentence.
    """
    starts = [m.start for m in mentions]
    return {s.start: mentions[bisect_left(starts, s.start) : bisect_left(starts, s.end)] for s in sentences}


def mentions_in(mentions: list[Mention], span: Span) -> list[Mention]:
    """The mentions that start inside a sentence (``mentions`` are in text order)."""
    first = bisect_left(mentions, span.start, key=_start)
    return mentions[first : bisect_left(mentions, span.end, lo=first, key=_start)]


def _start(m: Mention) -> int:
    return m.start
