"""Events: meetings, forums, summits, visits and signings, with who took part. Found by ``kg_events``."""

from __future__ import annotations

from dataclasses import dataclass

from kg.facts import Evidence, FactKind
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, TYPE


@dataclass(frozen=True)
class Event:
    """A meeting, forum, summit, visit or signing, with who took part."""

    label: str
    kind: str
    evidence: Evidence
    participants: tuple[str, ...] = ()
    place: str | None = None
    date: str | None = None


def read(doc, text: str) -> list[Event]:
    state = doc._.kg
    return [
        Event(e.label, e.kind, evidence(text, *e.evidence), tuple(e.participants), e.place, e.date)
        for e in state.events
    ]


def to_rdf(triples, event: Event) -> None:
    ev = event.evidence
    node = triples.fact_node("event", triples.doc_id, event.label, str(ev.start))
    triples.add(node, TYPE, DKG.Event)
    triples.label(node, event.label)
    if event.kind:
        triples.add(node, DKG.eventKind, triples.text(event.kind))
    for key in event.participants:
        triples.add(node, DKG.participant, triples.node(key))
    if event.place:
        triples.add(node, DKG.place, triples.node(event.place))
    if event.date:
        triples.add(node, DKG.date, triples.date(event.date))
    triples.provenance(node, ev)


def draw(net) -> None:
    """A node; each participant ``took part in`` it, and it is ``held in`` its place."""
    for ev in net.typed("Event"):
        node = net.fact_node(
            ev,
            "Event",
            net.label(ev) or net.tail(ev),
            kind=net.text(ev, "eventKind"),
            date=net.text(ev, "date"),
        )
        for who in net.objects(ev, "participant"):
            net.edge(net.entity(who), node, "took part in", "took part in", "took part in")
        for place in net.objects(ev, "place"):
            net.edge(node, net.entity(place), "held in", "held in", "held in")


KIND = FactKind(
    name="events",
    type=Event,
    component="kg_events",
    rdf_class="Event",
    read=read,
    to_rdf=to_rdf,
    draw=draw,
    entities=lambda e: (*e.participants, e.place) if e.place else e.participants,
    node=True,
)
