"""Fundings: who pays, lends or funds whom, and how much.

A clause with a funding word (``data/lexicons/funding_triggers.tsv``) yields a
funding for its amount of money (:mod:`kg.nlp.money`), or one without an
amount when a strong word ("contract", "loan", "funded", "bought") and the
clause itself name both ends. The word's kind says where the ends stand:

- give: "Denmark will allocate €130 million to Ukraine", "Britain sent Ukraine
  £752 million", "Norway will support the initiative with $153 million";
- receive: "Ukraine received €1 billion from the EU" (the roles turned round;
  a receiver needs a donor of its own);
- noun: "Germany unveiled a €3 billion aid package for Ukraine", "Canada's
  contribution to the initiative", "Iranian military aid to X", "a loan from
  the bank to the company", "a loan agreement with the bank" (between two
  states, only when the article already has one funding the other);
- contract: "the ministry signed a EUR 130 million contract with Saab", "a
  contract has been awarded to Thales" (the buyer funds the supplier; a
  company that contracts with a state sells to it);
- buy / sell: "Estonia bought howitzers from X", "the sale of Apaches to Poland"
  (the buyer pays, and must be named).

Prepositions (``funding_prepositions.tsv``) near a funding word or an amount
name the ends: "to"/"for" the recipient, "from" the source (a programme after
"from" is only where the money comes from, never the recipient), "by" the agent
of a participle ("funded by X"), "under"/"thanks to" a programme the money goes
through (funded as well); a purpose ("to buy shells for X") ends the search.
Coordinated names ("Finland, Estonia and Portugal") and lists ("Belgium (€200
million), Norway (€140 million)") give each funder its own funding, and "€4
million to X and €2 million to Y" pairs amounts and recipients in order. A
minister stands for the state his title names ("German Defense Minister Boris
Pistorius"), as funder or recipient (a person whose title names none is no
recipient: money goes to a programme, an organisation or a state), a capital
for its state, "the ministry" for the state of the article's funders. No
funding word inside a name, a compound ("fund-raiser", "finance minister") or
after a negation ("refused to pay").

An end the clause does not name comes from the sentence's other clauses, then
from the article (a story about one donor and one recipient names them once):
the recipient only when the clause names no other one ("in its army", "to the
Czech initiative") and its funder funded it before, the funder never the
recipient itself or one of its own bodies, and never for a giver named by no
entity ("The kingdom gave") or by "who". A quotation names both ends itself
("“Norway will give Moldova €50 million,” he said"; not "“we will give”").
"The 1.2 billion euros will finance ..." restates an earlier funding; "SAFE, the
EU's new loan instrument" says who funds a programme, "the €150 billion SAFE"
how much.

Amounts keep the article's own figure and currency (a bracketed conversion is
skipped, and a headline that gives only the conversion is the same funding),
their qualifier ("more than"), and a currency several states share ("kroner")
is the one of the funding's state.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.entities import Mention, mentions_by_sentence
from kg.nlp.money import Amount, find_amounts, may_hold_amounts
from kg.nlp.segments import DocState, doc_state, within
from kg.nlp.spans import FactSpans, entity_name, sentence_span


@cache
def _prepositions() -> tuple[dict[str, list], dict[str, list]]:
    """funding_prepositions.tsv by first and by last word: {word: [(phrase tokens, role)]}, longest first."""
    roles = lexicon.table("funding_prepositions.tsv")
    first: dict[str, list] = {}
    last: dict[str, list] = {}
    for phrase in lexicon.phrases("funding_prepositions.tsv"):
        entry = (phrase, roles[" ".join(phrase)][0])
        first.setdefault(phrase[0], []).append(entry)
        last.setdefault(phrase[-1], []).append(entry)
    return first, last


@cache
def _joined_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Titles (with their modifiers), time words (with months) and speech verbs, read once."""
    titles = lexicon.words("titles.txt") | lexicon.words("role_modifiers.txt")
    times = lexicon.words("time_words.txt") | lexicon.words("months.txt")
    return titles, times, frozenset(word.rstrip("+") for word in lexicon.words("speech_verbs.txt"))


_FLAGS: dict[str, tuple[str, frozenset[str]]] = {}

FUNDERS = {"Organization", "Country", "Person"}
RECIPIENTS = {"Program", "Organization", "Country"}
ACTORS = FUNDERS | RECIPIENTS
BE = {"is", "are", "was", "were", "be", "been", "being"}
CONNECTORS = {",", "and", "&", "as", "well", "the"}
POSSESSIVE = {"'s", "’s", "'", "’"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
OWN = {"its", "their", "our", "his", "her", "own", "my"}
LENDING_KINDS = {"EUInstitution", "InternationalOrganization", "Agency"}  # bodies that lend to others
STATE_KINDS = {"Ministry", "Government", "ArmedForces", "Agency"}  # a state's own bodies, as buyers
RELATIVES = {"which", "who", "that"}  # "..., which paid X": a clause whose subject is the name before it
LIST_OPENERS = {",", ":", "and", "include", "includes", "included", "including", "the"}
OTHER_PREPOSITIONS = {"at", "of", "on", "against", "about", "after", "before", "during", "between", "among"}


@dataclass(frozen=True)
class FundingLimits:
    """How far ``kg_fundings`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "with the Norwegian company Kongsberg": how many words may stand between a
    #: preposition and the name it governs.
    recipient_gap: int = 5
    #: "sent Ukraine", "support the initiative": how many words may stand between a
    #: verb and its first object.
    object_gap: int = 1
    #: "German Defense Minister Boris Pistorius": how many title words may stand
    #: between a person and the country adjective or name of the post.
    title_window: int = 5
    #: "allocate one billion kroner (about €130 million) to Ukraine": how many words after a
    #: funding word or an amount a preposition may stand and still name one of its ends.
    slot_window: int = 12
    #: "is also funded": how many words may stand between "is/was" and a participle.
    passive_gap: int = 2
    #: "EU launches European Defence Fund. The EU is earmarking €1.2 billion": how many
    #: sentences back a programme is the recipient of an amount whose sentence names none.
    program_window: int = 2
    #: "SAFE, the EU's first defence-focused fund": how many words of the apposition may
    #: stand between its article and its head noun.
    apposition_window: int = 8
    #: How many of the article's earlier funders are remembered for a clause that names none.
    remembered_funders: int = 4


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
    qualifier: str | None = None  # "more than", "about", "up to" ... before the amount
    conversions: tuple[tuple[Decimal, str], ...] = ()  # what a bracket after the amount converts it to


@dataclass(frozen=True)
class Trigger:
    index: int
    kind: str
    flags: frozenset[str]
    passive: bool


@dataclass
class Frame:
    """What one clause says of a funding: its ends, as groups of coordinated names."""

    kind: str
    funders: list[Mention] = field(default_factory=list)
    recipients: list[tuple[int, list[Mention]]] = field(default_factory=list)  # (position, group)
    named_recipient: bool = False  # the clause itself names it (not a programme somewhere in it)
    channels: list[Mention] = field(default_factory=list)
    funder_key: str | None = None  # the state of a generic body ("the ministry")
    other_recipient: bool = False  # the clause names a recipient that is no entity ("its army")
    strong: bool = False
    relative: bool = False  # "..., who has donated $250,000 to X": its subject is what "who" stands for
    unnamed_subject: bool = False  # "The kingdom gave ...": a subject that is no entity pays
    quoted: bool = False  # in a quotation: both ends named there ("we" is no funder we know)


@dataclass
class Clauses:
    """The clauses of a sentence: token -> clause number, and each clause's first token."""

    of: dict[int, int]
    start: dict[int, int]
    relative: dict[int, int] = field(default_factory=dict)  # relative clause -> the token before it

    def same(self, i: int, j: int) -> bool:
        return self.of.get(i, -1) == self.of.get(j, -2)

    def first(self, i: int) -> int:
        return self.start[self.of[i]]


class FundingFinder:
    def __init__(self, doc: Doc, limits: FundingLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.gaz = lexicon.gazetteer()
        self.kinds = lexicon.table("funding_triggers.tsv")
        kinds, named = self.kinds, self.state.mention_at
        self.trigger_at = [i for i, word in enumerate(self.lower) if word in kinds and i not in named]
        self.sentence_mentions = mentions_by_sentence(self.state.mentions, self.state.sentences)
        self.prep_first, self.prep_last = _prepositions()
        self.modifiers = lexicon.words("funding_modifiers.txt")
        self.generic = lexicon.phrases("funding_generic_funders.txt")
        self.breaks = lexicon.words("clause_breaks.txt")
        self.titles, self.times, self.speech_verbs = _joined_words()
        self.not_before = lexicon.words("funding_not_before.txt")
        self.verb_cues = lexicon.words("funding_verb_cues.txt")
        self.auxiliaries = lexicon.words("funding_auxiliaries.txt")
        self.negations = lexicon.words("funding_negations.txt")
        self.flags = _FLAGS  # funding word -> its kind and flags, read once
        self._amounts_of: tuple[int, list[Amount]] = (-1, [])  # (sentence start, its amounts)
        self.funders_seen: list[str] = []  # the article's funders, the latest first
        self.funders_of: dict[str, list[str]] = {}  # recipient -> its funders so far, the latest first
        self.last_recipient: str | None = None
        self.by_value: dict[tuple[Decimal, str | None], tuple[str, str]] = {}  # amount -> its ends
        self.program_sizes: dict[str, Amount] = {}  # programme key -> "the €150 billion X"
        self.last_program: tuple[int, str] | None = None  # (sentence number, key) of the last programme named
        self.sentence_number = 0

    # -- the words of a sentence --------------------------------------------------

    def _clauses(self, s: Span) -> Clauses:
        """A break ("while", ";") starts a clause; a relative one (", which ...,") ends at its comma."""
        of, start, relative = {}, {0: s.start}, {}
        number = current = 0
        outer: int | None = None
        quoted = self.state.in_quote
        for i in range(s.start, s.end):
            word = self.lower[i]
            if i > s.start and quoted[i] != quoted[i - 1]:  # a quotation is a clause of its own
                number += 1
                current, outer = number, None
                start[current] = i
            elif word in self.breaks and not quoted[i]:
                # "announced that it will give ...": what was said, a clause of its own but no relative one
                relative_clause = word in RELATIVES and not (word == "that" and self._reports(i, s.start))
                number += 1
                outer = (current if outer is None else outer) if relative_clause else None
                current = number
                start[current] = i
                if relative_clause:
                    relative[current] = i - 2 if i - 1 > s.start and self.text[i - 1] == "," else i - 1
            elif outer is not None and word == ",":
                of[i] = current
                current, outer = outer, None
                continue
            of[i] = current
        return Clauses(of, start, relative)

    def _reports(self, i: int, start: int) -> bool:
        """ "announced (on Friday) that ...": "that" opens what was said, not a relative clause."""
        return any(self.lower[j] in self.speech_verbs for j in range(max(start, i - 4), i))

    def _prep_at(self, i: int, end: int) -> tuple[str | None, int]:
        """The role of the funding preposition starting at ``i`` and the index after it."""
        for phrase, role in self.prep_first.get(self.lower[i], ()):
            stop = i + len(phrase)
            if stop <= end and tuple(self.lower[i:stop]) == phrase:
                return role, stop
        return None, i

    def _is_modifier(self, i: int) -> bool:
        word = self.text[i]
        if self.lower[i] in self.modifiers or word in self.gaz.by_adjective:
            return True
        return word[:1].isdigit() or (word[:1].isupper() and i not in self.state.mention_at)

    def _actor_after(self, i: int, end: int, by_start: dict[int, Mention]) -> Mention | None:
        """The name a preposition ending before ``i`` governs ("to the Ukrainian army")."""
        for j in range(i, min(end, i + self.limits.recipient_gap + 1)):
            m = by_start.get(j)
            if m is not None and m.type in ACTORS:
                after = m.end
                if after < end and self.lower[after] in POSSESSIVE:
                    for k in range(after + 1, min(end, after + 2 + self.limits.recipient_gap)):
                        nxt = by_start.get(k)
                        if nxt is not None and nxt.type in ACTORS:
                            return nxt  # "with Sweden's Saab", "to Germany's arms maker Rheinmetall"
                        if nxt is not None or not self._is_modifier(k):
                            break
                    if m.type == "Program":
                        return None  # "under the EDF's precursor programme"
                return m
            if m is not None or not self._is_modifier(j):
                return None
        return None

    def _subject_token(self, t: int, start: int) -> int:
        """The token before a verb, over its auxiliaries ("has also pledged", "agreed to pay")."""
        j = t - 1
        while j >= start and (
            self.lower[j] in self.auxiliaries
            or (j + 1 < t and self.lower[j + 1] == "to" and self.text[j].islower() and self.text[j].isalpha())
        ):
            j -= 1
        return j

    def _pronoun_subject(self, t: int, start: int, s: Span, mentions: list[Mention]) -> Mention | None:
        """ "Norway said it would give ...": "it" or "they" is the last state or body the sentence
        named before it, outside any preposition."""
        j = self._subject_token(t, start)
        if j < s.start or self.lower[j] not in {"it", "they"}:
            return None
        for m in reversed(mentions):
            if m.end <= j and m.type in {"Country", "Organization"} and self._governor(m, s.start) is None:
                return m
        return None

    def _unnamed_subject(self, t: int, start: int, amounts: list[int]) -> bool:
        """ "The kingdom gave ...", "it paid ...": the giver is named, but by no entity (so no
        earlier funder stands in); not "€4 million will go to X" nor "..., contributing €30m"."""
        j = self._subject_token(t, start)
        if j < start or self.state.is_punct[j] or j in self.state.mention_at:
            return False
        return not any(a <= j <= a + 4 for a in amounts) and not self.text[j][:1].isdigit()

    def _near(self, i: int, anchors: list[int]) -> bool:
        """A preposition close enough after a funding word or an amount to name one of its ends."""
        at = bisect_right(anchors, i) - 1
        return at >= 0 and i - anchors[at] <= self.limits.slot_window

    def _purpose(self, i: int, end: int) -> bool:
        """After "to": a verb of purpose ("to buy", "to increase production"), not a name or
        a noun phrase ("to the army", "to member states", "to upgrading")."""
        if i >= end or i in self.state.mention_at:
            return False
        word, text = self.lower[i], self.text[i]
        if not text.isalpha() or not text.islower() or word in DETERMINERS | OWN or word in self.modifiers:
            return False
        if word in self.kinds:  # "to buy jets from X" names the seller; "to get shells to X" no recipient
            return self._word(word)[0] != "buy"
        return not (word.endswith("s") or word.endswith("ing"))

    def _names_other(self, i: int, end: int) -> bool:
        """After "to"/"for"/"in": a recipient that is no entity ("in its army", "to the Czech
        initiative", "to upgrading the forces"), not a time ("for the year 2021") or a purpose
        ("to buy")."""
        if i >= end:
            return False
        word = self.lower[i]
        if word in OWN or (word.endswith("ing") and word not in self.kinds):
            return True
        if word in DETERMINERS:
            nxt = self.lower[i + 1] if i + 1 < end else ""
            return (
                bool(nxt)
                and nxt not in self.times
                and not nxt[:1].isdigit()
                and not self.state.is_punct[i + 1]
            )
        return self.text[i][:1].isupper() and i not in self.state.mention_at

    def _governor(self, m: Mention, start: int) -> str | None:
        """What governs a name: a funding preposition's role, "other" for other prepositions, or None."""
        j = m.start - 1
        while j >= start and j >= m.start - 1 - self.limits.recipient_gap:
            for phrase, role in self.prep_last.get(self.lower[j], ()):
                first = j - len(phrase) + 1
                if first >= start and tuple(self.lower[first : j + 1]) == phrase:
                    return role
            if self.lower[j] in OTHER_PREPOSITIONS:
                return "other"
            if self.lower[j] in POSSESSIVE and j - 1 in self.state.mention_at:
                j = self.state.mention_at[j - 1].start - 1  # "from the Foreign Ministry's fund"
                continue
            if not self._is_modifier(j) or j in self.state.mention_at:
                return None
            j -= 1
        return None

    def _group(self, m: Mention, mentions: list[Mention]) -> list[Mention]:
        """``m`` and the names coordinated with it ("Finland, Estonia and Portugal")."""
        at = mentions.index(m)
        first = last = at
        while first > 0 and self._coordinated(mentions[first - 1], mentions[first]):
            first -= 1
        while last + 1 < len(mentions) and self._coordinated(mentions[last], mentions[last + 1]):
            last += 1
        return [g for g in mentions[first : last + 1] if g.type == m.type or {g.type, m.type} <= FUNDERS]

    def _coordinated(self, a: Mention, b: Mention) -> bool:
        between = self.lower[a.end : b.start]
        if not ({"and", ","} & set(between)) or a.type not in ACTORS or b.type not in ACTORS:
            return False
        return all(word in CONNECTORS for word in between)

    def _in_brackets(self, m: Mention) -> bool:
        """ "the European Defence Industry Development Programme (EDIDP)": an alias, not a subject."""
        return (
            m.start > 0
            and self.text[m.start - 1] == "("
            and m.end < len(self.text)
            and self.text[m.end] == ")"
        )

    # -- the ends of a clause -----------------------------------------------------

    def _subject(self, t: int, clauses: Clauses, mentions: list[Mention], types: set[str]) -> Mention | None:
        """The nearest name before ``t`` in its clause that no preposition governs."""
        start = clauses.first(t)
        for m in reversed(mentions):
            if m.end > t or not clauses.same(m.start, t) or self._in_brackets(m):
                continue
            if m.type not in ACTORS or self._governor(m, start) is not None:
                continue
            if m.end < t and self.lower[m.end] in POSSESSIVE and m.end + 1 in self.state.mention_at:
                continue  # "Britain's government": the government
            return m if m.type in types else None
        return None

    def _generic_funder(self, t: int, clauses: Clauses) -> str | None:
        """ "The ministry signed a contract": the state of the article's funders."""
        for i in range(t - 1, clauses.first(t) - 1, -1):
            if self.lower[i] not in {"the", "his", "her", "its", "their", "our"} or not clauses.same(i, t):
                continue
            for phrase in self.generic:
                if tuple(self.lower[i + 1 : i + 1 + len(phrase)]) == phrase:
                    return self._home_state()
        return None

    def _home_state(self) -> str | None:
        states = [key for key in self.funders_seen if key.startswith("country/")]
        return states[0] if states else self._most_named_state()

    def _most_named_state(self) -> str | None:
        """The state the article has named most so far (read only when a rule needs it)."""
        here = (
            self.state.sentences[self.sentence_number].start
            if self.sentence_number < len(self.state.sentences)
            else len(self.text)
        )
        counts = Counter(
            self._as_actor(m).key
            for m in self.state.mentions
            if m.start < here and self._as_actor(m).type == "Country"
        )
        counts.pop(None, None)
        return counts.most_common(1)[0][0] if counts else None

    def _person_body(self, m: Mention, s: Span) -> str | None:
        """ "German Defense Minister Boris Pistorius": Germany; "UK Defence Secretary X": the UK."""
        j = m.start - 1
        while j >= s.start and j >= m.start - self.limits.title_window:
            other = self.state.mention_at.get(j)
            if other is not None and other is not m:
                return other.key if other.type in {"Country", "Organization"} else None
            known = self.gaz.by_adjective.get(self.text[j])
            if known is not None and known.type == "Country":
                return known.key
            word = self.lower[j]
            if word not in self.titles and word not in POSSESSIVE and not self.text[j][:1].isupper():
                return None
            j -= 1
        return None

    def _passive(self, t: int, start: int) -> bool:
        """ "was awarded", "has been sent", "is also funded"."""
        for j in range(t - 1, max(start, t - 1 - self.limits.passive_gap) - 1, -1):
            if self.lower[j] in BE:
                return True
            if j in self.state.mention_at or self.state.is_punct[j]:
                return False
        return False

    def _verbal(self, t: Trigger) -> bool:
        """A verb decides a clause: "sent", "received", "bought" - not "the purchase of" nor a
        purpose ("to buy")."""
        if t.kind in {"noun", "contract"} or "nominal" in t.flags:
            return False
        before = self.lower[t.index - 1] if t.index > 0 else ""
        return not (t.kind in {"buy", "sell"} and before in DETERMINERS | {"to", "of"})

    def _head(self, triggers: list[Trigger], amounts: list[int]) -> Trigger:
        """The clause's first verb, else the noun nearest its first amount. A sum or contract
        right after a giving verb decides ("approved the sale of", "awarded a contract to");
        a receiving verb keeps it ("received a grant")."""
        verbs = [t for t in triggers if self._verbal(t)]
        if not verbs:
            return (
                min(triggers, key=lambda t: (abs(t.index - amounts[0]), t.index)) if amounts else triggers[0]
            )
        head = verbs[0]
        if head.kind == "receive":
            return head
        reach = head.index + 1 + self.limits.object_gap + 2
        for t in triggers:
            between = range(head.index + 1, t.index)
            if (
                head.index < t.index <= reach
                and not self._verbal(t)
                and all(self._is_modifier(j) or self.lower[j] in DETERMINERS for j in between)
            ):
                return t
        return head

    def _sells_to(self, subject: list[Mention], partner: list[Mention]) -> bool:
        """A company subject and a state (or a state's body) after "with": the state buys."""
        company = bool(subject) and all(self._kind(m) == "DefenceCompany" for m in subject)
        return company and all(m.type == "Country" or self._kind(m) in STATE_KINDS for m in partner)

    def _kind(self, m: Mention) -> str | None:
        return m.kind or (m.known.kind if m.known is not None else None)

    def _lender(self, partner: list[Mention], subject: list[Mention]) -> str | None:
        """Who lends in "X signed a loan agreement with Y": the side that is a lending body (a
        bank, an EU or international institution, an agency) when the other is not, else the
        side the article already has funding the other; "subject", "partner" or None."""
        partner_lends, subject_lends = self._lends(partner), self._lends(subject)
        if partner_lends != subject_lends:
            return "partner" if partner_lends else "subject"
        if any(p.key in self.funders_of.get(m.key, []) for p in partner for m in subject):
            return "partner"
        if any(m.key in self.funders_of.get(p.key, []) for p in partner for m in subject):
            return "subject"
        return None

    def _lends(self, group: list[Mention]) -> bool:
        return any(
            m.type == "Organization"
            and (self._kind(m) in LENDING_KINDS or "bank" in (m.label or m.text).casefold().split())
            for m in group
        )

    def _possessor(self, t: Trigger, start: int, by_start: dict[int, Mention]) -> Mention | None:
        """ "Canada's contribution", "Britain's €4.5bn package", "Iranian military aid": the funder
        of a sum (a name as a modifier, as in "Ukraine aid", may as well be the recipient)."""
        j = t.index - 1
        while j >= start and j >= t.index - 1 - self.limits.object_gap - 2:
            if self.lower[j] in POSSESSIVE:
                m = self.state.mention_at.get(j - 1)
                return m if m is not None and m.type in FUNDERS else None
            known = self.gaz.by_adjective.get(self.text[j])
            if known is not None and known.type == "Country" and j not in self.state.mention_at:
                return Mention(j, j + 1, "Country", self.text[j], known=known, key=known.key)
            adjective = (
                self.text[j].isalpha() and self.text[j].islower() and self.lower[j] not in self.prep_first
            )
            if not (self._is_modifier(j) or adjective) or j in self.state.mention_at:
                return None  # "military" in "Iranian military aid" is passed over, "to" or a name is not
            j -= 1
        return None

    def frame(
        self, s: Span, triggers: list[Trigger], clauses: Clauses, mentions: list[Mention], amounts: list[int]
    ) -> Frame:
        head = self._head(triggers, amounts)
        start = clauses.first(head.index)
        by_start = {m.start: m for m in mentions}
        passive = any(t.passive for t in triggers)
        strong = any(
            "strong" in t.flags and not (t.kind == "noun" and self.lower[t.index - 1] == "to")
            for t in triggers
        )
        frame = Frame(
            head.kind, strong=strong, quoted=self.state.in_quote[head.index]
        )  # "to loan it" lends none
        # What the prepositions after the first funding word govern.
        agent: list[Mention] = []
        source: list[Mention] = []
        withs: list[tuple[int, list[Mention]]] = []
        recipients: list[tuple[int, list[Mention]]] = []
        awarded_to: list[tuple[int, list[Mention]]] = []  # "a contract awarded to X", not "for the army"
        in_words = any("in" in t.flags for t in triggers)
        participles = [t.index for t in triggers if "pp" in t.flags]
        anchors = sorted([t.index for t in triggers] + amounts)
        i = triggers[0].index + 1
        while i < s.end:
            if self.lower[i] not in self.prep_first:
                i += 1
                continue
            if self.lower[i] == "to" and self._purpose(i + 1, s.end):
                break  # "to get more shells to Ukraine": what follows is the purpose's
            role, after = self._prep_at(i, s.end) if clauses.same(i, head.index) else (None, i)
            if role is not None and not self._near(i, anchors):
                role, after = None, i  # "a loan from X ... a murmur from Y": too far to be its end
            if role is None or role == "none":
                i = after if role == "none" else i + 1
                continue
            if role == "in" and not in_words:
                role = None
            m = self._actor_after(after, s.end, by_start) if role else None
            if m is None:
                if role in {"recipient", "in"} and self._names_other(after, s.end):
                    frame.other_recipient = True
                i = after
                continue
            group = self._group(m, mentions)
            if role == "agent":
                if any(p < i for p in participles):  # "funded by X", "a loan underwritten by X"
                    agent = agent or group
            elif role == "source":
                if m.type != "Program":  # "from the European Peace Facility": where it comes from
                    source = source or group
            elif role == "with":
                withs.append((m.start, group))
            elif role == "channel":
                if m.type == "Program":
                    frame.channels.append(m)
            else:
                recipients.append((m.start, group))
                if self.lower[i] == "to":
                    awarded_to.append((m.start, group))
            i = max(after, group[-1].end)
        objects = self._objects(s, triggers, clauses, head, mentions, by_start, frame)
        kind = head.kind
        subject_types = RECIPIENTS if kind in {"receive", "sell"} or passive else FUNDERS
        subject = self._subject(head.index, clauses, mentions, subject_types)
        cid = clauses.of[head.index]
        if cid in clauses.relative:
            frame.relative = True
            if subject is None:  # "Evercore Partners, which paid ...": the name before "which"
                before = self.state.mention_at.get(clauses.relative[cid])
                antecedent = next(
                    (m for m in mentions if before is not None and m.start == before.start), None
                )
                subject = antecedent if antecedent is not None and antecedent.type in subject_types else None
        subject_group = [(subject.start, self._group(subject, mentions))] if subject is not None else []
        named: list[tuple[int, list[Mention]]] = []
        if kind == "receive":
            if head.passive:  # "€3 million will be received by the ICRC"
                named = [(agent[0].start, agent)] if agent else []
                frame.funders = source
            else:  # "Ukraine received €1 billion from the EU"
                named = subject_group
                frame.funders = source or agent
        elif kind == "sell":  # "the sale of 40 drones to Latvia": Latvia pays
            named = subject_group
            frame.funders = recipients[0][1] if recipients else []
        elif passive and not recipients and not objects and not withs:
            # "Thales has been awarded a contract by the MoD", "Ukraine was given €1bn"
            named = subject_group
            frame.funders = agent or source
        elif kind in {"buy", "contract"}:  # the buyer pays the supplier
            suppliers = withs + (awarded_to if kind == "contract" else [])
            if source and any(
                t.kind == "buy" for t in triggers
            ):  # "bought howitzers from X", "a contract to import jets from X"
                suppliers.append((source[0].start, source))
            named = sorted(suppliers, key=lambda r: r[0])[:1]
            frame.funders = agent or ([] if passive else [m for _, g in subject_group for m in g])
            if (
                kind == "contract"
                and withs
                and named == withs[:1]
                and not agent
                and self._sells_to(frame.funders, withs[0][1])
            ):
                # "Hanwha signed a deal with Poland": a company that contracts with a state sells to it
                named, frame.funders = [(frame.funders[0].start, frame.funders)], withs[0][1]
        else:  # give, noun
            named = sorted(objects + recipients, key=lambda r: r[0])
            owner = self._possessor(head, start, by_start) if kind == "noun" else None
            lender = withs[0][1] if withs and kind == "noun" and "lender" in head.flags else []
            if lender and subject_group:
                side = self._lender(lender, subject_group[0][1])
                if side is None:  # "Japan signed a loan agreement with Ukraine": either may lend
                    frame.other_recipient = True
                    return frame
                if side == "subject":  # "the EIB signed a loan agreement with Deutsche Bank"
                    named, lender = [(withs[0][0], withs[0][1])], []
            if agent:
                frame.funders = agent
            elif owner is not None:
                frame.funders = [owner]
            elif (source or lender) and kind == "noun":
                frame.funders = source or lender  # "a loan from the bank", "a loan agreement with the bank"
                if not named and not passive and subject_group:  # "X took a loan from the bank": X borrows
                    named = subject_group
            elif not passive:
                frame.funders = [m for _, g in subject_group for m in g]
        frame.recipients, frame.named_recipient = named, bool(named)
        frame.funders = [m for m in frame.funders if m.type in FUNDERS]
        if not frame.funders and kind in {"give", "noun", "contract", "buy"} and not passive:
            frame.funder_key = self._generic_funder(head.index, clauses)
        if (
            not frame.funders
            and not frame.funder_key
            and kind == "give"
            and not passive
            and self._verbal(head)
        ):
            pronoun = self._pronoun_subject(head.index, start, s, mentions)
            if pronoun is not None:
                frame.funders = [pronoun]  # "the Netherlands announced that it was allocating ..."
            else:
                frame.unnamed_subject = self._unnamed_subject(head.index, start, amounts)
        if not frame.recipients and not frame.other_recipient and kind not in {"buy", "sell", "contract"}:
            programs = [
                m
                for m in mentions
                if m.type == "Program"
                and clauses.same(m.start, head.index)
                and self._governor(m, start) != "source"
                and not (m.end < s.end and self.lower[m.end] in POSSESSIVE)
            ]
            if programs:
                frame.recipients = [(programs[0].start, [programs[0]])]
        return frame

    def _objects(
        self, s, triggers, clauses, head, mentions, by_start, frame
    ) -> list[tuple[int, list[Mention]]]:
        """The first object of a give verb: "sent Ukraine", "support the initiative with"."""
        objects = []
        for t in triggers:
            if "object" not in t.flags or t.passive:
                continue
            for j in range(t.index + 1, min(s.end, t.index + 2 + self.limits.object_gap)):
                if self.lower[j] in self.prep_first or self.state.is_punct[j]:
                    break  # "underwritten by X": no object
                m = self._actor_after(j, s.end, by_start) if self.lower[j] in DETERMINERS else by_start.get(j)
                if m is not None and m.type in RECIPIENTS and clauses.same(m.start, head.index):
                    objects.append((m.start, self._group(m, mentions)))
                    break
                if "direct" in t.flags and self.lower[j] in DETERMINERS | OWN and self._names_other(j, s.end):
                    frame.other_recipient = True  # "support the initiative with $153 million"
                    break
        return objects

    # -- a sentence -----------------------------------------------------------------

    def _funder_keys(self, frame: Frame, s: Span) -> list[str]:
        keys = []
        for m in frame.funders:
            key = m.key
            if m.type == "Person":
                key = self._person_body(m, s) or key
            if key and key not in keys:
                keys.append(key)
        if not keys and frame.funder_key:
            keys.append(frame.funder_key)
        return keys

    def _recipient_keys(self, group: list[Mention], s: Span) -> list[str]:
        """The recipients a group names: a person stands for the body his title names, else for none.

        Money goes to a programme, an organisation or a state: "$5 million toward
        Kalle Tamm's campaign" funds nobody the graph can name, "€2 million to
        Ukrainian Defence Minister X" funds Ukraine.
        """
        keys = []
        for m in group:
            key = self._person_body(m, s) if m.type == "Person" else m.key
            if key and key not in keys:
                keys.append(key)
        return keys

    def _as_actor(self, m: Mention) -> Mention:
        """A capital stands for its state: "$15 billion in assistance to Kyiv"."""
        if m.type != "Place" or m.known is None or not m.known.stands_for:
            return m
        state = self.gaz.entities.get(m.known.stands_for)
        if state is None or state.type not in ACTORS:
            return m
        return replace(m, type=state.type, key=state.key)

    def sentence_fundings(self, s: Span) -> list[FoundFunding]:
        raw = self.sentence_mentions[s.start]
        triggers = within(self.trigger_at, s.start, s.end)
        programs = [m for m in raw if m.type == "Program" and m.key]
        if not triggers and not programs:
            return []
        found: list[FoundFunding] = []
        money = may_hold_amounts(self.lower[s.start : s.end])
        if not money and not programs and not any("strong" in self._word(self.lower[i])[1] for i in triggers):
            return []  # no amount, and no word that says money moves without one
        mentions = [self._as_actor(m) for m in raw]
        if triggers:
            found = self._read(s, triggers, mentions, money)
        if programs:
            found += self._owned_programs(s, mentions)
            if money:
                self._program_sizes(s, mentions)
            self.last_program = (self.sentence_number, programs[-1].key)
        return _unique(found)

    def _amounts(self, s: Span) -> list[Amount]:
        """The amounts of a sentence, read once."""
        if self._amounts_of[0] != s.start:
            self._amounts_of = (s.start, find_amounts(self.state.span_text(s.start, s.end)))
        return self._amounts_of[1]

    def _read(
        self, s: Span, trigger_at: list[int], mentions: list[Mention], money: bool
    ) -> list[FoundFunding]:
        words = [(i, *self._word(self.lower[i])) for i in trigger_at]
        if not money and not any("strong" in flags for _, _, flags in words):
            return []  # no amount, and no word that says money moves without one
        triggers = [(i, kind, flags) for i, kind, flags in words if self._is_trigger(i, s, flags)]
        if not triggers:
            return []
        clauses = self._clauses(s)
        amounts = []
        if money:
            amounts = [(self._token_of(s, a), a) for a in self._amounts(s)]
            amounts = [(i, a) for i, a in amounts if not self._level(i, a, s)]
        by_clause: dict[int, list[Trigger]] = {}
        for i, kind, flags in triggers:
            passive = "pp" in flags and self._passive(i, clauses.first(i))
            by_clause.setdefault(clauses.of[i], []).append(Trigger(i, kind, flags, passive))
        found: list[FoundFunding] = []
        previous: Frame | None = None
        with_amounts = {clauses.of.get(i) for i, _ in amounts}
        last_needed = max(with_amounts, default=-1)
        for cid, triggers in sorted(by_clause.items()):
            if (
                cid not in with_amounts
                and cid > last_needed
                and not any("strong" in t.flags for t in triggers)
            ):
                continue  # neither an amount nor a strong word here, nor a later clause to lend its ends to
            in_clause = [(i, a) for i, a in amounts if clauses.of.get(i) == cid]
            restated = [(i, a) for i, a in in_clause if self._restated(s, i, a)]
            for _, a in restated:  # "The 1.2 billion euros will finance ...": the earlier funding
                funder, recipient = self.by_value[(a.value, a.currency)]
                found.append(self._funding(s, funder, recipient, a))
            in_clause = [pair for pair in in_clause if pair not in restated]
            if restated and not in_clause:
                continue
            frame = self.frame(s, triggers, clauses, mentions, [i for i, _ in in_clause])
            found += self._fundings(s, frame, previous, in_clause)
            if frame.funders or frame.recipients:
                previous = frame
        return found

    def _word(self, word: str) -> tuple[str, frozenset[str]]:
        """A funding word's kind and flags (funding_triggers.tsv), read once."""
        if word not in self.flags:
            kind, *rest = self.kinds[word]
            self.flags[word] = (kind, frozenset(rest[0].split(",") if rest and rest[0] else ()))
        return self.flags[word]

    def _is_trigger(self, i: int, s: Span, flags: frozenset[str]) -> bool:
        """Not "in order to", "a fund-raiser", "state-funded", "finance minister", "hedge fund
        executives"; a word that is also a noun ("fund", "support") only as a verb."""
        before = self.lower[i - 1] if i > s.start else ""
        after = self.lower[i + 1] if i + 1 < s.end else ""
        if self.lower[i] == "order" and before == "in":
            return False
        if (after == "-" and not self.state.space_after[i]) or (
            before == "-" and not self.state.space_after[i - 1]
        ):
            return False
        if after in self.not_before:
            return False
        if any(self.lower[j] in self.negations for j in range(max(s.start, i - 3), i)):
            return False  # "decided not to fund", "refused to pay", "curtailing federal funding"
        if "verb" in flags:
            return before in self.verb_cues or (i - 1) in self.state.mention_at
        return True

    def _level(self, i: int, a: Amount, s: Span) -> bool:
        """ "doubling it to €1 billion", "up from €1.3 billion": a level, not a sum paid."""
        return i > s.start and self.lower[i - 1] in {"to", "from"} and a.qualifier is None

    def _restated(self, s: Span, i: int, a: Amount) -> bool:
        return i > s.start and self.lower[i - 1] in DETERMINERS and (a.value, a.currency) in self.by_value

    def _fundings(
        self, s: Span, frame: Frame, previous: Frame | None, amounts: list[tuple[int, Amount]]
    ) -> list[FoundFunding]:
        """The fundings of one clause, its missing ends taken from the sentence or the article."""
        funders = self._funder_keys(frame, s)
        named_funder = bool(funders)
        if frame.relative or frame.quoted:
            previous = None  # a relative clause or a quotation names its own ends
        if frame.quoted and not (funders and frame.named_recipient):
            return []  # "“Germany will give Moldova €50 million,” he said" - not "“we will give”"
        if not funders and (frame.relative or frame.unnamed_subject):
            return []  # "..., who has donated": no earlier funder stands in for "who"
        if not funders and previous is not None:
            funders = self._funder_keys(previous, s)
        recipients = frame.recipients
        if not recipients and previous is not None and not frame.other_recipient:
            recipients = previous.recipients
            frame.other_recipient = previous.other_recipient and not recipients
        groups = [(pos, self._recipient_keys(group, s)) for pos, group in recipients]
        if named_funder and (amounts or frame.strong):
            self._remember_funder(funders[0])
        if not funders and frame.kind in {"buy", "sell"}:
            return []  # a purchase names its buyer
        carried = False
        if amounts:
            if (
                not groups
                and not frame.other_recipient
                and frame.kind not in {"buy", "contract", "sell", "receive"}
            ):
                listed = [key for _, a in amounts if (key := self._listed_funder(a, amounts, s))]
                if not funders and not listed:
                    return []  # the sentence names neither end
                recipient = self._carried_recipient(funders or listed)
                groups, carried = ([(-1, [recipient])], True) if recipient else ([], False)
        elif not (frame.strong and frame.named_recipient and (named_funder or frame.kind == "contract")):
            return []  # no amount: only a strong word whose clause names both ends
        if not groups:
            return []
        found = []
        listed = any(self._listed_funder(a, amounts, s) for _, a in amounts)
        for amount, keys in self._pairs(amounts, groups, carried, listed):
            own = self._listed_funder(amount, amounts, s)
            for recipient in keys:
                if own is not None:  # "The Netherlands (€250 million), Belgium (€200 million)"
                    if own != recipient and not self._same_state(own, recipient):
                        found.append(self._funding(s, own, recipient, amount))
                    continue
                for funder in funders or self._carried_funders(recipient, frame.kind == "receive"):
                    if recipient != funder and not self._same_state(funder, recipient):
                        found.append(self._funding(s, funder, recipient, amount))
                        found += [
                            self._funding(s, funder, channel.key, amount)
                            for channel in frame.channels
                            if channel.key and channel.key not in keys and channel.key != funder
                        ]
        if found and frame.recipients:
            self.last_recipient = found[0].recipient
        return found

    def _listed_funder(self, amount: Amount | None, amounts: list[tuple[int, Amount]], s: Span) -> str | None:
        """The funder a list names right before an amount: "Belgium (€200 million), Norway (€140
        million)", "the U.K. with $9.5 million, Germany with $12.7 million" - not "support Ukraine
        with $50 million", whose name is no item of a list."""
        at = next((i for i, a in amounts if a is amount), None)
        if at is None or at - 2 < s.start or self.lower[at - 1] not in {"(", "with"}:
            return None
        m = self.state.mention_at.get(at - 2)
        if m is None or m.type not in FUNDERS or m.end != at - 1:
            return None
        if self.lower[at - 1] == "with" and m.start > s.start and self.lower[m.start - 1] not in LIST_OPENERS:
            return None
        return m.key

    def _remember_funder(self, key: str) -> None:
        self.funders_seen = [key] + [k for k in self.funders_seen if k != key]
        del self.funders_seen[self.limits.remembered_funders :]

    def _carried_funders(self, recipient: str, receiving: bool) -> list[str]:
        """The latest funder of this recipient ("Yesterday's payment to Ukraine": Ukraine's
        donor), else - unless the recipient receives, which needs a donor of its own - the
        article's latest funder that is not the recipient nor one of its bodies."""
        seen = [] if receiving else self.funders_seen
        for key in self.funders_of.get(recipient, []) + seen:
            if key != recipient and not self._same_state(key, recipient):
                return [key]
        return []

    def _carried_recipient(self, funders: list[str]) -> str | None:
        """The recipient of the article's last funding when this clause's funder (if it names
        one) funded it before, else a programme the last sentences named."""
        if self.last_recipient:
            known = self.funders_of.get(self.last_recipient, [])
            return self.last_recipient if not funders or any(f in known for f in funders) else None
        if self.last_program and self.last_program[0] >= self.sentence_number - self.limits.program_window:
            return self.last_program[1]
        return None

    @staticmethod
    def _pairs(
        amounts: list[tuple[int, Amount]], groups: list[tuple[int, list[str]]], carried: bool, listed: bool
    ):
        """Each amount with its recipients: "€4 million to X and €2 million to Y" pairs them in
        order; one named recipient takes the amount nearest it ("€150 billion via SAFE"), or
        every amount of a list of funders ("Belgium (€200 million), Norway (€140 million)")."""
        if not amounts:
            return [(None, groups[0][1])]
        if carried or listed:
            return [(amount, groups[0][1]) for _, amount in amounts]
        if len(groups) == 1:
            at = groups[0][0]
            return [(min(amounts, key=lambda pair: abs(pair[0] - at))[1], groups[0][1])]
        pairs = []
        for at, amount in amounts:
            after = [g for g in groups if g[0] > at]
            before = [g for g in groups if g[0] < at]
            pairs.append((amount, (after[0] if after else before[-1])[1]))
        return pairs

    def _owned_programs(self, s: Span, mentions: list[Mention]) -> list[FoundFunding]:
        """ "SAFE, the EU's first defence fund", "the SAFE instrument, a new EU financial tool":
        the owner named in the apposition funds the programme."""
        found = []
        heads = lexicon.words("funding_instruments.txt")
        for m in mentions:
            if m.type != "Program" or not m.key:
                continue
            i = m.end
            if i < s.end and self.text[i] == "(":  # "Security Action for Europe (SAFE)"
                i = next((j + 1 for j in range(i, min(s.end, i + 4)) if self.text[j] == ")"), i)
            if i < s.end and self.lower[i] in heads:  # "the SAFE instrument, ..."
                i += 1
            if i + 1 >= s.end or self.text[i] != "," or self.lower[i + 1] not in {"the", "a", "an"}:
                continue
            owner = None
            for j in range(i + 2, min(s.end, i + 2 + self.limits.apposition_window)):
                other = self.state.mention_at.get(j)
                if other is not None and other is not m:
                    if other.type not in {"Organization", "Country"} or (
                        owner is not None and other is not owner
                    ):
                        break
                    owner = other
                elif self.lower[j] in heads:
                    if owner is not None and owner.key and owner.key != m.key:
                        found.append(self._funding(s, owner.key, m.key, None))
                    break
                elif self.state.is_punct[j] and self.text[j] != "-":
                    break
        return found

    def _funding(self, s: Span, funder: str, recipient: str, amount: Amount | None) -> FoundFunding:
        evidence = (s.start_char, s.end_char)
        if amount is None:
            self.funders_of[recipient] = [funder] + [
                k for k in self.funders_of.get(recipient, []) if k != funder
            ]
            return FoundFunding(funder, recipient, None, None, None, evidence)
        currency = amount.currency or self._shared_currency(amount, funder, recipient)
        if amount.value is not None:
            self.by_value.setdefault((amount.value, currency), (funder, recipient))
        self.funders_of[recipient] = [funder] + [k for k in self.funders_of.get(recipient, []) if k != funder]
        return FoundFunding(
            funder,
            recipient,
            amount.text,
            amount.value,
            currency,
            evidence,
            qualifier=amount.qualifier,
            conversions=amount.conversions,
        )

    def _shared_currency(self, amount: Amount, *keys: str) -> str | None:
        """ "3 billion kroner": DKK when Denmark pays or receives, NOK for Norway."""
        states = lexicon.table("currency_countries.tsv")
        for candidates in (keys, (self._most_named_state(),)):
            for code in amount.currencies:
                if states.get(code.casefold(), ("",))[0] in candidates:
                    return code
        return None

    def _same_state(self, funder: str, recipient: str) -> bool:
        """ "Government of Poland" does not fund Poland: a state's own bodies are no donors."""
        f, r = self.state.entities.get(funder), self.state.entities.get(recipient)
        if f is None or r is None:
            return False
        return r.type == "Country" and f.type == "Organization" and f.label.endswith(f" of {r.label}")

    def _token_of(self, s: Span, a: Amount) -> int:
        token = self._char_token(s.start_char + a.start)
        return token if token is not None else s.start

    def _char_token(self, char: int) -> int | None:
        """The token a character offset of the text falls in (a binary search over token offsets)."""
        doc, low, high = self.doc, 0, len(self.doc)
        while low < high:  # the first token starting after ``char``
            mid = (low + high) // 2
            if doc[mid].idx <= char:
                low = mid + 1
            else:
                high = mid
        return low - 1 if low > 0 else None

    def _program_sizes(self, s: Span, mentions: list[Mention]) -> None:
        """ "the EUR 150 billion Strategic Technologies for Europe Platform": what the programme holds."""
        starts = {m.start: m for m in mentions if m.type == "Program" and m.key}
        for a in self._amounts(s):
            end = self._char_token(s.start_char + a.end - 1)
            if end is None or self.state.in_quote[end] or a.value is None or not a.currency:
                continue
            m = starts.get(end + 1)
            if m is not None:
                self.program_sizes.setdefault(m.key, a)
                alias = starts.get(m.end + 1) if m.end < s.end and self.text[m.end] == "(" else None
                if alias is not None:  # "the €150 billion Security Action for Europe (SAFE)"
                    self.program_sizes.setdefault(alias.key, a)

    def run(self) -> list[FoundFunding]:
        found = []
        starts = [s.start for s in self.state.sentences]
        busy = {bisect_right(starts, i) - 1 for i in self.trigger_at}  # the sentences worth a look
        busy |= {bisect_right(starts, m.start) - 1 for m in self.state.mentions if m.type == "Program"}
        for n in sorted(busy - {-1}):
            self.sentence_number = n
            found += self.sentence_fundings(self.state.sentences[n])
        return self._converted_twice(self._sized(found))

    def _sized(self, found: list[FoundFunding]) -> list[FoundFunding]:
        """A funding of a programme the article names with its size ("the €150 billion SAFE") and
        no amount of its own: the size, unless another funding of the two gives an amount."""
        with_amount = {(f.funder, f.recipient) for f in found if f.amount}
        for f in found:
            size = self.program_sizes.get(f.recipient)
            if size is not None and f.amount is None and (f.funder, f.recipient) not in with_amount:
                f.amount, f.value, f.currency, f.qualifier = (
                    size.text,
                    size.value,
                    size.currency,
                    size.qualifier,
                )
        return found

    @staticmethod
    def _converted_twice(found: list[FoundFunding]) -> list[FoundFunding]:
        """ "Denmark will allocate €130 million to Ukraine" (a headline) and "one billion kroner
        (about €130 million) to Ukraine": one funding, in the article's own currency."""
        conversions: dict[tuple[str, str], list[tuple[Decimal, str]]] = {}
        for f in found:
            conversions.setdefault((f.funder, f.recipient), []).extend(f.conversions)
        return [
            f
            for f in found
            if f.value is None
            or not any(
                currency == f.currency and abs(value - f.value) <= value / 100
                for value, currency in conversions.get((f.funder, f.recipient), [])
            )
        ]


def _unique(found: list[FoundFunding]) -> list[FoundFunding]:
    """One funding per funder, recipient and amount in a sentence; none without an amount beside one with."""
    with_amount = {(f.funder, f.recipient) for f in found if f.amount}
    seen, kept = set(), []
    for f in found:
        key = (f.funder, f.recipient, f.amount)
        if key in seen or (f.amount is None and (f.funder, f.recipient) in with_amount):
            continue
        seen.add(key)
        kept.append(f)
    return kept


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
