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
from functools import cache, lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.ids import slugify
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
    #: ", the head of the agency's board of experts,": how many tokens an apposition
    #: after a name may run to its closing comma; ", who heads the X," to its body.
    apposition_window: int = 12


DEFAULT_LIMITS = RoleLimits()


@dataclass
class FoundRole:
    person: str
    title: str
    organization: str | None
    evidence: tuple[int, int]
    post: str = ""  # the post the title names, in one wording ("defence minister"): see post_key
    #: The body the title names, an entity of the article or not ("Estonian" names Estonia
    #: even where the article never names it); the post's node is that body's (see one_per_post).
    named_body: str | None = None


@dataclass
class FoundMembership:
    member: str
    organization: str
    evidence: tuple[int, int]


def post_key(words: list[str]) -> str:
    """The post a title names, worded one way for all its wordings.

    ``words`` are the title's lowercase words without the body's name and
    adjectives. "Minister for Defence" is turned round to "defence minister";
    post_synonyms.tsv then maps the wordings of one post to one ("Defense
    Secretary", "defence chief" -> "defence minister"; "PM" -> "prime minister").
    """
    return _post_key(tuple(words))


@lru_cache(maxsize=4096)  # titles repeat: "defence minister" is worked out once
def _post_key(title: tuple[str, ...]) -> str:
    words = _synonyms([w for w in title if w not in POSSESSIVE and w != "-"])
    titles = lexicon.words("titles.txt")
    for k, word in enumerate(words):
        if word in {"of", "for"} and 0 < k < len(words) - 1 and words[k - 1] in titles:
            rest = [w for w in words[k + 1 :] if w not in {"of", "for", "and"}]
            words = _synonyms(words[: k - 1] + rest + [words[k - 1]])
            break
    while words and words[-1] in {"of", "for", "to", "and"}:
        words = words[:-1]
    return " ".join(words)


def _synonyms(words: list[str]) -> list[str]:
    by_first = _synonyms_by_first_word()
    out, i = [], 0
    while i < len(words):
        for phrase, target in by_first.get(words[i], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                out += target
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


@cache
def _synonyms_by_first_word() -> dict[str, list[tuple[tuple[str, ...], list[str]]]]:
    """post_synonyms.tsv by the first word of its wordings (longest first), with their replacement."""
    table, found = lexicon.table("post_synonyms.tsv"), {}
    for phrase in lexicon.phrases("post_synonyms.tsv"):  # longest first
        target = table[" ".join(phrase)][0]
        found.setdefault(phrase[0], []).append((phrase, [] if target == "-" else target.split()))
    return found


@cache
def _ranks_by_last_word() -> dict[str, list[tuple[str, ...]]]:
    """ranks.txt by the last word of each rank (longest first)."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for rank in lexicon.phrases("ranks.txt"):
        found.setdefault(rank[-1], []).append(rank)
    return found


class RoleFinder:
    def __init__(self, doc: Doc, limits: RoleLimits = DEFAULT_LIMITS):
        self.doc = doc
        self.state = doc._.kg
        self.limits = limits
        self.text, self.lower = self.state.text, self.state.lower
        self.as_at = [i for i, word in enumerate(self.lower) if word == "as"]
        self.mention_at = self.state.mention_at
        self.title_at = lexicon.doc_titles(self.state)
        self.honorifics = lexicon.words("honorifics.txt")
        self.modifiers = lexicon.title_domain()
        self.role_verbs = lexicon.table("role_verbs.tsv")
        self.gaz = lexicon.gazetteer()

    def _is_title_part(self, i: int) -> bool:
        m = self.mention_at.get(i)
        if m is not None:
            return m.type in {"Country", "Organization", "Place"}
        word = self.lower[i]
        return (
            i in self.title_at
            or word in self.modifiers
            or self.text[i] in self.gaz.by_adjective
            or self.text[i] == "-"
            or word in POSSESSIVE
        )

    def _has_title(self, start: int, end: int) -> bool:
        return any(i in self.title_at and i not in self.mention_at for i in range(start, end))

    def title_before(self, m: Mention, floor: int) -> tuple[int, int] | None:
        if m.start - 1 >= floor and self.lower[m.start - 1] in {"of", "the", "for", "to"}:
            return None  # "president of the Brady Campaign": the name is the body's
        i = m.start
        while i - 1 >= floor and (
            self._is_title_part(i - 1)  # "Chief of the Defence Staff Arvo Saar": "the" after "of"
            or self.lower[i - 1] == "the"
            and i - 2 >= floor
            and self.lower[i - 2] in {"of", "for"}
        ):
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
        if start not in self.title_at and not self._is_title_part(start):
            return None
        j = start
        while j < ceiling and (
            self._is_title_part(j)
            or self.lower[j] in {"to", "the", "of"}
            or self.lower[j] == "and"
            and j + 1 < ceiling
            and self._is_title_part(j + 1)
        ):
            j += 1
        if self._is_name(j) and not {"to", "of", "for"} & set(self.lower[start:j]):
            # "Tamm, Finnish Defence Minister Aino Virtanen": the title is hers; but
            # "Kuusk, adviser to the Estonian president Alar Tamm": the post is Kuusk's
            return None
        j = self._rest_of_apposition(start, j, ceiling)
        while j > start and self.lower[j - 1] in {"the", "of", "to", "and"}:
            j -= 1
        if j < ceiling and self.text[j] not in {",", ".", ";", ")"} and not self.mention_at.get(j):
            return None
        return (start, j) if self._has_title(start, j) else None

    def _rest_of_apposition(self, start: int, j: int, ceiling: int) -> int:
        """ "Saar, the head of the agency's procurement board of experts," runs to its comma.

        After "head of" and kin, lowercase words may name the body; the
        apposition then ends at the comma that closes it, within the window.
        """
        if j >= ceiling or not self.text[j][:1].islower() or "of" not in self.lower[start:j]:
            return j
        k = j
        while k < ceiling and k < start + self.limits.apposition_window:
            word = self.text[k]
            if word in {",", ";", ")"} or word == "." and k == ceiling - 1:
                return k
            if word.casefold() in STOP_WORDS - {"of", "the", "and", "for"} or not (
                word[:1].islower() or self._is_title_part(k) or word in POSSESSIVE
            ):
                return j
            k += 1
        return j

    def title_after_as(self, s: Span) -> list[tuple[Mention, tuple[int, int]]]:
        """ "Rutte, who will take over as secretary-general of NATO"."""
        found = []
        for i in within(self.as_at, s.start + 1, s.end - 1):
            if self.state.in_quote[i] or i + 1 not in self.title_at:
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

    def title_by_verb(self, m: Mention, s: Span) -> FoundRole | None:
        """ "Mart Kuusk, who heads the agency's Baltic Procurement Office," -> head of that office."""
        i = m.end
        if i + 3 >= s.end or self.text[i] != "," or self.lower[i + 1] != "who":
            return None
        noun = self.role_verbs.get(self.lower[i + 2])
        if noun is None:
            return None
        j, body = i + 3, None
        while j < s.end and j < i + 3 + self.limits.apposition_window:
            other = self.mention_at.get(j)
            if other is not None and other.type in {"Organization", "Country"}:
                body, j = other, other.end
                if j < s.end and self.lower[j] in POSSESSIVE:
                    j += 1  # "the Commission's Defence Fund": the last body names the post
                    continue
                break
            if not (self.lower[j] in {"the", "a"} or self._is_title_part(j)):
                return None
            j += 1
        if body is None:
            return None
        title = f"{noun[0]} of {self.state.span_text(i + 3, body.end)}"
        post = self._post([noun[0]], body)
        return FoundRole(m.key, title, body.key, (s.start_char, s.end_char), post, body.key)

    def role(self, person: Mention, span: tuple[int, int], s: Span) -> FoundRole:
        start, end = span
        organization = named = None
        start = self._after_owner(start, end)
        for i in range(start, end):
            m = self.mention_at.get(i)
            if m is not None and m.type in {"Country", "Organization"}:
                organization = named = m.key
                if i + 1 < end and self.lower[m.end] in POSSESSIVE and m.start == start:
                    start = m.end + 1  # "the European Union's diplomatic chief" -> "diplomatic chief"
                break
            adjective = self.gaz.by_adjective.get(self.text[i])
            if adjective is not None and adjective.type == "Country":
                # "German Chancellor" is a post of Germany, but Germany is its dkg:roleOf only
                # when the article names Germany: an adjective alone makes no entity. The first
                # body the title names owns the post either way: "Lithuanian Ambassador to NATO"
                # is Lithuania's, never NATO's, whether the article names Lithuania or not.
                named = adjective.key
                organization = named if named in self.state.entities else None
                break
        title = self.state.span_text(start, end).strip()
        words = [
            self.lower[i]
            for i in range(start, end)
            if i not in self.mention_at and self.text[i] not in self.gaz.by_adjective
        ]
        body = self.mention_at.get(next((i for i in range(start, end) if i in self.mention_at), -1))
        post = self._post(words, body if body is not None and body.key == organization else None)
        return FoundRole(person.key, title, organization, (s.start_char, s.end_char), post, named)

    def _post(self, words: list[str], body: Mention | None) -> str:
        key = post_key(words)
        return key if key else (body.label if body is not None else "")

    def _after_owner(self, start: int, end: int) -> int:
        """ "the Polish president's top aide": a title's holder is the aide; the president only owns it."""
        for i in range(end - 2, start, -1):
            if self.lower[i] in POSSESSIVE and i - 1 in self.title_at and i - 1 not in self.mention_at:
                return i + 1
        return start

    def _split_rank(self, span: tuple[int, int]) -> list[tuple[int, int]]:
        """ "Operational Commander Gen." before a name: a post, then a rank (two roles)."""
        start, end = span
        for rank in _ranks_by_last_word().get(self.lower[end - 1], ()):
            first = end - len(rank)
            if first <= start or tuple(self.lower[first:end]) != rank:
                continue
            phrase = self.title_at.phrase(end - 1)
            if phrase is not None and phrase[0] < first:
                return [span]  # "Secretary General": one title, not a post and a rank
            rest = first
            while rest > start and self.lower[rest - 1] in {"and", ","}:
                rest -= 1
            return [(start, rest), (first, end)] if self._has_title(start, rest) else [span]
        return [span]

    def _and_title(self, span: tuple[int, int], floor: int) -> tuple[int, int] | None:
        """ "Deputy Prime Minister and Defence Minister Kalle Tamm": the first post is his too."""
        start = span[0]
        if start - 2 < floor or self.lower[start - 1] != "and":
            return None
        i = start - 1
        while i - 1 >= floor and self._is_title_part(i - 1) and (i - 1) not in self.mention_at:
            i -= 1
        while i < start - 1 and self.lower[i] in {"the", "of", "for", "-"}:
            i += 1
        if i < start - 1 and self._has_title(i, start - 1) and (i == floor or not self._is_name(i - 1)):
            return (i, start - 1)
        return None

    def _is_name(self, i: int) -> bool:
        m = self.mention_at.get(i)
        return m is not None and m.type == "Person"

    def title_fronted(self, m: Mention, span: tuple[int, int] | None, s: Span) -> tuple[int, int] | None:
        """ "the Estonian ambassador to NATO, Mart Kuusk;" / "The president's top aide, Mart Kuusk, said".

        A title set before the name with a comma, opening the sentence or after
        "the", ";" or ":"; the name is then closed as an apposition is (a comma,
        a semicolon, "and", the sentence's end).
        """
        first = span[0] if span is not None and span[1] == m.start else m.start
        if first - 2 < s.start or self.text[first - 1] != ",":
            return None
        if m.end < s.end - 1 and self.lower[m.end] not in {",", ";", ":", ".", "and", ")"}:
            return None
        end = i = first - 1
        while i - 1 >= s.start and (self._is_title_part(i - 1) or self.lower[i - 1] in {"to", "of", "the"}):
            if self._is_name(i - 1):
                return None
            i -= 1
        while i < end and self.lower[i] in {"the", "of", "to"}:
            i += 1
        if i > s.start and self.lower[i - 1] not in {"the", ";", ":"}:
            return None
        return (i, end) if i < end and self._has_title(i, end) else None

    def run(self) -> list[FoundRole]:
        found: list[FoundRole] = []
        sentence_mentions = mentions_by_sentence(self.state.mentions, self.state.sentences)
        for s in self.state.sentences:
            people = [m for m in sentence_mentions[s.start] if m.type == "Person"]
            spans = []
            for m in people:
                before = self.title_before(m, s.start)
                for span in (before, self.title_after(m, s.end)):
                    if span:
                        spans += [(m, part) for part in self._split_rank(span)]
                        spans += self._chained_title(m, span, s)
                if before:
                    other = self._and_title(before, s.start)
                    spans += [(m, other)] if other else []
                fronted = self.title_fronted(m, before, s)
                spans += [(m, fronted)] if fronted else []
                by_verb = self.title_by_verb(m, s)
                found += [by_verb] if by_verb else []
            spans += self.title_after_as(s)
            for person, span in spans:
                role = self.role(person, span, s)
                if role.title and role.title.casefold() not in self.honorifics:
                    found.append(role)
        return one_per_post(found)

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


def one_per_post(found: list[FoundRole]) -> list[FoundRole]:
    """One role per person, post and body, in the order first read.

    "Foreign Minister Kalle Tamm" and "Estonian Foreign Minister Kalle Tamm"
    name one post: it keeps the fullest title, and the body one of them
    names. A post read with two different bodies stays two roles.

    The body a title names is part of the post's node (:func:`post_of_body`):
    articles are read one by one, and the union of two that give one person's
    post two bodies ("chief executive" of two companies, "president of" two
    bodies) would otherwise hold one node with two dkg:roleOf.
    """
    groups: dict[tuple[str, str], list[FoundRole]] = {}
    for role in found:
        groups.setdefault((role.person, role.post or role.title.casefold()), []).append(role)
    kept = []
    for roles in groups.values():
        bodies = list(dict.fromkeys(r.named_body for r in roles if r.named_body))
        if len(bodies) > 1:  # two bodies: one post each, and the titles naming none apart
            posts = [(body, [r for r in roles if r.named_body == body]) for body in [None, *bodies]]
        else:  # "Foreign Minister" and "Estonian Foreign Minister": Estonia's
            posts = [(bodies[0] if bodies else None, roles)]
        for body, own in posts:
            if own:
                best = _fullest(own)
                organization = next((r.organization for r in own if r.organization), None)
                post = post_of_body(best.post, body)
                kept.append(FoundRole(best.person, best.title, organization, best.evidence, post, body))
    return kept


def post_of_body(post: str, body: str | None) -> str:
    """The post a role's node is named by: the body its title names, then its wording.

    "German Defence Minister" -> "germany defence minister" (the body first,
    so that a long post cut short in its IRI keeps its body); a post worded
    by its body alone ("NATO" in "NATO's Kalle Tamm") keeps its one word.
    """
    if not post or body is None:
        return post
    head = body.rsplit("/", 1)[-1]
    return post if slugify(post) == head or slugify(post).startswith(head + "-") else f"{head} {post}"


def _fullest(roles: list[FoundRole]) -> FoundRole:
    return max(roles, key=lambda r: len(r.title.split()))  # the first of the longest


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
