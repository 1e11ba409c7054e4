"""Fundings: who pays, lends or funds whom, and how much. Found by ``kg_fundings``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kg.facts import Evidence, FactKind
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, TYPE


@dataclass(frozen=True)
class Funding:
    """Who pays, lends or funds whom, and how much when the text says."""

    funder: str
    recipient: str
    evidence: Evidence
    amount: str | None = None
    value: Decimal | None = None
    currency: str | None = None
    about: tuple[str, ...] = ()  # keys of topics.ttl concepts ("ammunition")
    qualifier: str | None = None  # "more than", "about", "up to" ... when the amount is not exact


def read(doc, text: str) -> list[Funding]:
    state = doc._.kg
    return [
        Funding(
            found.funder,
            found.recipient,
            evidence(text, *found.evidence),
            found.amount,
            found.value,
            found.currency,
            about=tuple(found.about),
            qualifier=found.qualifier,
        )
        for found in state.fundings
    ]


def to_rdf(triples, f: Funding) -> None:
    ev = f.evidence
    node = triples.fact_node("funding", triples.doc_id, str(ev.start), f.funder, f.recipient, f.amount or "")
    triples.add(node, TYPE, DKG.Funding)
    triples.add(node, DKG.funder, triples.node(f.funder))
    triples.add(node, DKG.recipient, triples.node(f.recipient))
    if f.amount:
        triples.add(node, DKG.amount, triples.text(f.amount))
    value = triples.decimal(f.value) if f.value is not None else None
    if value is not None:
        triples.add(node, DKG.amountValue, value)
    if f.currency:
        triples.add(node, DKG.currency, triples.text(f.currency))
    if f.amount and f.qualifier:
        triples.add(node, DKG.amountQualifier, triples.text(f.qualifier))
    triples.about(node, f.about)
    triples.provenance(node, ev)


def draw(net) -> None:
    """An edge from funder to recipient, labelled with the amount."""
    for f in net.typed("Funding"):
        amount = net.text(f, "amount")
        qualifier = net.text(f, "amountQualifier")
        value = net.value(f, "amountValue")
        extra = {
            "amount": amount,
            "value": float(value) if value is not None else None,
            "currency": net.text(f, "currency"),
            "qualifier": qualifier,
            "topics": net.topics(f),
            "article": net.text(f, "source"),
            "iri": str(f),
        }
        label = f"funds {qualifier + ' ' if qualifier else ''}{amount}" if amount else "funds"
        for funder in net.objects(f, "funder"):
            for recipient in net.objects(f, "recipient"):
                net.edge(net.entity(funder), net.entity(recipient), str(f), "funds", label, **extra)


KIND = FactKind(
    name="fundings",
    type=Funding,
    component="kg_fundings",
    rdf_class="Funding",
    read=read,
    to_rdf=to_rdf,
    draw=draw,
    entities=lambda f: (f.funder, f.recipient),
)
