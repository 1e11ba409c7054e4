"""Statements: who said what, word for word (``direct``) or reported. Found by ``kg_statements``."""

from __future__ import annotations

from dataclasses import dataclass

from kg.facts import Evidence, FactKind
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, FALSE, TRUE, TYPE


@dataclass(frozen=True)
class Statement:
    """A direct quotation (``direct``) or a reported statement."""

    speaker: str
    text: str
    direct: bool
    evidence: Evidence
    date: str | None = None
    about: tuple[str, ...] = ()  # keys of topics.ttl concepts ("air-defence")


#: Typewriter forms of the double quotation mark, written as one in a statement's text.
TYPEWRITER_QUOTES = {"''": '"', "``": '"'}


def found_text(state, found) -> str:
    """The words of a found statement on one line, without its ``cut`` and its stray quote marks
    (``drop``); a typewriter double quote ('') is written as one (")."""
    skip = set(found.drop)
    if found.cut is not None:
        skip.update(range(*found.cut))
    if not skip and not any(state.text[i] in TYPEWRITER_QUOTES for i in range(found.start, found.end)):
        return " ".join(state.span_text(found.start, found.end).split())
    text, space_after = state.text, state.space_after
    words = [
        (" " if space_after[i] or space_after[i - 1] or text[i].isspace() else "")
        if i in skip
        else TYPEWRITER_QUOTES.get(text[i], text[i]) + (" " if space_after[i] else "")
        for i in range(found.start, found.end)
    ]
    return " ".join("".join(words).split())


def read(doc, text: str) -> list[Statement]:
    state = doc._.kg
    return [
        Statement(
            found.speaker,
            found_text(state, found),
            found.direct,
            evidence(text, *found.evidence),
            about=tuple(found.about),
        )
        for found in state.statements
    ]


def to_rdf(triples, st: Statement) -> None:
    ev = st.evidence
    node = triples.fact_node("statement", triples.doc_id, str(ev.start), st.speaker, st.text)
    triples.add(node, TYPE, DKG.Statement)
    triples.add(node, DKG.speaker, triples.node(st.speaker))
    triples.add(node, DKG.text, triples.text(st.text))
    triples.add(node, DKG.direct, TRUE if st.direct else FALSE)
    if st.date:
        triples.add(node, DKG.date, triples.date(st.date))
    triples.about(node, st.about)
    triples.provenance(node, ev)


def draw(net) -> None:
    """A node with the quote, linked from its speaker by ``said``."""
    for st in net.typed("Statement"):
        text = net.text(st, "text")
        direct = net.value(st, "direct")
        node = net.fact_node(
            st,
            "Statement",
            net.short(text) or net.tail(st),
            text=text,
            direct=bool(direct) if direct is not None else None,
            date=net.text(st, "date"),
            topics=net.topics(st),
        )
        for speaker in net.objects(st, "speaker"):
            net.edge(net.entity(speaker), node, f"said {st}", "said", "said")


KIND = FactKind(
    name="statements",
    type=Statement,
    component="kg_statements",
    rdf_class="Statement",
    read=read,
    to_rdf=to_rdf,
    draw=draw,
    entities=lambda st: (st.speaker,),
    node=True,
)
