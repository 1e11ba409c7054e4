"""Roles (posts held by people) and memberships.

A post is read where news writes it: as a title before the name ("German
Defense Minister Boris Pistorius", "finance minister Rachel Reeves"), as an
apposition after it ("Andrius Kubilius, European Defense Commissioner," /
"Kamyshin, advisor to the Ukrainian president"), or after "as" ("take over
as secretary-general of NATO"). The body the post belongs to comes from a
country adjective, a possessive or a named organisation inside the title.

Memberships are read from a body followed by its members in brackets: "the
Group of Five countries (Poland, Germany, France, Italy, and the United
Kingdom)".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import lexicon
from kg.nlp.entities import Mention, mentions_by_sentence
from kg.nlp.segments import DocState, doc_state, within
from kg.nlp.spans import FactSpans, entity_name, sentence_span

POSSESSIVE = {"'s", "’s"}


@dataclass(frozen=True)
class RoleLimits:
    """How far ``kg_roles`` looks, in tokens (the ``limits`` section of its spaCy config)."""

    #: "Rutte, who will take over as secretary-general": the most tokens between the
    #: person and "as".
    as_title_distance: int = 12
    #: "the Group of Five countries (Poland, ...)": how far after the body its bracket may close.
    member_bracket_window: int = 40
    #: A bracket names a body's members when it names at least these many.
    min_members: int = 2


DEFAULT_LIMITS = RoleLimits()


@dataclass
class FoundRole:
    person: str
    title: str
    organization: str | None
    evidence: tuple[int, int]


@dataclass
class FoundMembership:
    member: str
    organization: str
    evidence: tuple[int, int]


class RoleFinder:
    def __init__(self, doc: Doc, limits: RoleLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.as_at = [i for i, word in enumerate(self.lower) if word == "as"]
        self.mention_at = self.state.mention_at
        self.titles = lexicon.words("titles.txt")
        self.honorifics = lexicon.words("honorifics.txt")
        self.modifiers = lexicon.words("role_modifiers.txt")
        self.gaz = lexicon.gazetteer()

    def _is_title_part(self, i: int) -> bool:
        m = self.mention_at.get(i)
        if m is not None:
            return m.type in {"Country", "Organization", "Place"}
        word = self.lower[i]
        return (
            word in self.titles
            or word in self.modifiers
            or self.text[i] in self.gaz.by_adjective
            or self.text[i] == "-"
            or word in POSSESSIVE
        )

    def _has_title(self, start: int, end: int) -> bool:
        return any(self.lower[i] in self.titles and i not in self.mention_at for i in range(start, end))

    def title_before(self, m: Mention, floor: int) -> tuple[int, int] | None:
        i = m.start
        while i - 1 >= floor and self._is_title_part(i - 1):
            i -= 1
        while i < m.start and self.lower[i] in {"the", "of", "and", "to", "for", "-"} | POSSESSIVE:
            i += 1
        return (i, m.start) if i < m.start and self._has_title(i, m.start) else None

    def title_after(self, m: Mention, ceiling: int) -> tuple[int, int] | None:
        """ ", European Defense Commissioner," / ", advisor to the Ukrainian president"."""
        start = m.end + 1
        if m.end >= ceiling or self.text[m.end] != "," or start >= ceiling:
            return None
        if self.lower[start] == "the" and start + 1 < ceiling:
            start += 1  # "Mart Kuusk, the Estonian deputy defence minister,"
        if self.lower[start] not in self.titles and not self._is_title_part(start):
            return None
        j = start
        while j < ceiling and (self._is_title_part(j) or self.lower[j] in {"to", "the", "of"}):
            other = self.mention_at.get(j)
            if other is not None and other.type == "Person":
                break
            j += 1
        while j > start and self.lower[j - 1] in {"the", "of", "to", "and"}:
            j -= 1
        if j < ceiling and self.text[j] not in {",", ".", ";", ")"} and not self.mention_at.get(j):
            return None
        return (start, j) if self._has_title(start, j) else None

    def title_after_as(self, s: Span) -> list[tuple[Mention, tuple[int, int]]]:
        """ "Rutte, who will take over as secretary-general of NATO"."""
        found = []
        for i in within(self.as_at, s.start + 1, s.end - 1):
            if self.state.in_quote[i] or self.lower[i + 1] not in self.titles:
                continue
            j = i + 1
            while j < s.end and (self._is_title_part(j) or self.lower[j] in {"of", "the"}):
                j += 1
            while self.lower[j - 1] in {"the", "of"}:
                j -= 1
            person = next(
                (
                    m
                    for m in reversed(self.state.mentions)
                    if m.end <= i and m.start >= s.start and m.type == "Person"
                ),
                None,
            )
            if person is not None and i - person.end <= self.limits.as_title_distance:
                found.append((person, (i + 1, j)))
        return found

    def role(self, person: Mention, span: tuple[int, int], s: Span) -> FoundRole:
        start, end = span
        organization = None
        for i in range(start, end):
            m = self.mention_at.get(i)
            if m is not None and m.type in {"Country", "Organization"}:
                organization = m.key
                if i + 1 < end and self.lower[m.end] in POSSESSIVE and m.start == start:
                    start = m.end + 1  # "the European Union's diplomatic chief" -> "diplomatic chief"
                break
            adjective = self.gaz.by_adjective.get(self.text[i])
            if adjective is not None and adjective.type == "Country" and adjective.key in self.state.entities:
                # "German Chancellor" is a post of Germany when the article names Germany;
                # an adjective alone does not make the country an entity of the article.
                organization = adjective.key
                break
        title = self.state.span_text(start, end).strip()
        return FoundRole(person.key, title, organization, (s.start_char, s.end_char))

    def run(self) -> list[FoundRole]:
        found: dict[tuple[str, str], FoundRole] = {}
        sentence_mentions = mentions_by_sentence(self.state.mentions, self.state.sentences)
        for s in self.state.sentences:
            people = [m for m in sentence_mentions[s.start] if m.type == "Person"]
            spans = []
            for m in people:
                for span in (self.title_before(m, s.start), self.title_after(m, s.end)):
                    if span:
                        spans.append((m, span))
                        spans += self._chained_title(m, span, s)
            spans += self.title_after_as(s)
            for person, span in spans:
                role = self.role(person, span, s)
                if role.title and role.title.casefold() not in self.honorifics:
                    found.setdefault((role.person, role.title.casefold()), role)
        return list(found.values())

    def _chained_title(self, m: Mention, span: tuple[int, int], s: Span) -> list:
        """ "the Green party chancellor candidate, Germany's Minister of Economics Robert Habeck"."""
        start = span[0]
        if span[1] != m.start or start - 2 < s.start or self.text[start - 1] != ",":
            return []
        end, i = start - 1, start - 1
        while i - 1 >= s.start and (self._is_title_part(i - 1) or self.lower[i - 1] == "party"):
            i -= 1
        while i < end and self.lower[i] in {"the", "of"}:
            i += 1
        return [(m, (i, end))] if i < end and self._has_title(i, end) else []


def find_memberships(doc: Doc, limits: RoleLimits = DEFAULT_LIMITS) -> list[FoundMembership]:
    """ "ORG [countries] (A, B, and C)": each bracketed state or body is a member."""
    state, found = doc._.kg, []
    mention_at = state.mention_at
    for m in state.mentions:
        if m.type != "Organization":
            continue
        i = m.end
        if i < len(doc) and doc[i].lower_ in {
            "countries",
            "members",
            "nations",
            "states",
            "member",
        }:
            i += 1
        if i >= len(doc) or doc[i].text != "(":
            continue
        close = next(
            (k for k in range(i, min(len(doc), i + limits.member_bracket_window)) if doc[k].text == ")"), None
        )
        if close is None:
            continue
        members = {mention_at[k].key for k in range(i + 1, close) if k in mention_at}
        inside = [mention_at[k] for k in range(i + 1, close) if k in mention_at]
        if len(members) < limits.min_members or any(
            x.type not in {"Country", "Organization"} for x in inside
        ):
            continue
        sentence = next(s for s in state.sentences if s.start <= m.start < s.end)
        for key in sorted(members):
            found.append(FoundMembership(key, m.key, (sentence.start_char, sentence.end_char)))
    return found


def role_span(doc: Doc, state: DocState, found: FoundRole) -> Span | None:
    """The sentence of a post, labelled "person: post"."""
    return sentence_span(
        doc, found.evidence, f"{entity_name(state, found.person)}: {found.title}", found.person
    )


def membership_span(doc: Doc, state: DocState, found: FoundMembership) -> Span | None:
    """The sentence of a membership, labelled "member in body"."""
    label = f"{entity_name(state, found.member)} in {entity_name(state, found.organization)}"
    return sentence_span(doc, found.evidence, label, found.member)


ROLE_SPANS = FactSpans("kg_roles", "kg_role", lambda state: state.roles, role_span)
MEMBERSHIP_SPANS = FactSpans(
    "kg_memberships", "kg_membership", lambda state: state.memberships, membership_span
)
ROLE_SPANS.register()
MEMBERSHIP_SPANS.register()


class RoleComponent:
    """The ``kg_roles`` component: posts and memberships, in ``doc._.kg`` and as span groups."""

    def __init__(self, limits: RoleLimits = DEFAULT_LIMITS):
        self.limits = limits

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_roles")
        state.roles = RoleFinder(doc, self.limits).run()
        state.memberships = find_memberships(doc, self.limits)
        ROLE_SPANS.publish(doc, state)
        MEMBERSHIP_SPANS.publish(doc, state)
        return doc


@Language.factory(
    "kg_roles",
    default_config={"limits": asdict(DEFAULT_LIMITS)},
    requires=["doc._.kg"],
    assigns=["doc.spans", "doc._.kg"],
)
def make_role_finder(nlp: Language, name: str, limits: dict[str, int]) -> RoleComponent:
    return RoleComponent(RoleLimits(**limits))
