"""Memberships: a state or body is a member of an organisation. Found by ``kg_roles``."""

from __future__ import annotations

from dataclasses import dataclass

from kg.facts import Evidence, FactKind
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, TYPE


@dataclass(frozen=True)
class Membership:
    member: str
    organization: str
    evidence: Evidence


def read(doc, text: str) -> list[Membership]:
    state = doc._.kg
    return [Membership(m.member, m.organization, evidence(text, *m.evidence)) for m in state.memberships]


def to_rdf(triples, m: Membership) -> None:
    ev = m.evidence
    member, org = triples.node(m.member), triples.node(m.organization)
    triples.add(member, DKG.memberOf, org)
    node = triples.fact_node("membership", triples.doc_id, str(ev.start), m.member, m.organization)
    triples.add(node, TYPE, DKG.Membership)
    triples.add(node, DKG.member, member)
    triples.add(node, DKG.organization, org)
    triples.provenance(node, ev)


def draw(net) -> None:
    """An edge from the member to the organisation."""
    for member, org in net.pairs("memberOf"):
        net.edge(net.entity(member), net.entity(org), "member of", "member of", "member of")


KIND = FactKind(
    name="memberships",
    type=Membership,
    component="kg_roles",
    rdf_class="Membership",
    read=read,
    to_rdf=to_rdf,
    draw=draw,
    entities=lambda m: (m.member, m.organization),
)
