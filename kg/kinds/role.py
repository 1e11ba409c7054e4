"""Posts: a person holds a post ("Defence Minister"), of a body when stated. Found by ``kg_roles``.

A post is one node however many articles name it and however they word it
(its IRI is the person's and the post's: "Defense Minister", "Minister for
Defence" and "defence chief" are one post, see :func:`kg.nlp.roles.post_key`),
so each sentence that names it is a ``dkg:Reading`` pairing that sentence
with its article: in a graph of many articles the post's sources and
sentences would not pair up otherwise. The body its title names is part of
the post (``r:role/boris-pistorius/germany-defence-minister``, see
:func:`kg.nlp.roles.post_of_body`): a node gets its ``dkg:roleOf`` from every
article that names the post, and the shapes allow it one.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.facts import Evidence, FactKind
from kg.ids import slugify
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, TYPE


@dataclass(frozen=True)
class Role:
    """A post held by a person, with the body it belongs to when stated."""

    person: str
    title: str
    evidence: Evidence
    organization: str | None = None
    #: The post in one wording ("defence minister"), which names its node; the title if empty.
    post: str = ""


def read(doc, text: str) -> list[Role]:
    state = doc._.kg
    return [Role(r.person, r.title, evidence(text, *r.evidence), r.organization, r.post) for r in state.roles]


def to_rdf(triples, role: Role) -> None:
    person = triples.key_path(role.person).removeprefix("person/")
    node = triples.resource("role/" + person + "/" + slugify(role.post or role.title))
    triples.add(node, TYPE, DKG.Role)
    triples.label(node, role.title)
    triples.add(triples.node(role.person), DKG.holdsRole, node)
    if role.organization:
        triples.add(node, DKG.roleOf, triples.node(role.organization))
    ev = role.evidence
    triples.provenance(node, ev, offsets=False)
    reading = triples.fact_node("reading", triples.doc_id, str(ev.start), node)
    triples.add(node, DKG.reading, reading)
    triples.add(reading, TYPE, DKG.Reading)
    triples.provenance(reading, ev)


def draw(net) -> None:
    """An edge from the person to the body, labelled with the title."""
    for person, role in net.pairs("holdsRole"):
        title = net.label(role) or net.tail(role)
        for body in net.objects(role, "roleOf"):
            net.edge(net.entity(person), net.entity(body), str(role), "holds post", title, iri=str(role))


KIND = FactKind(
    name="roles",
    type=Role,
    component="kg_roles",
    rdf_class="Role",
    read=read,
    to_rdf=to_rdf,
    draw=draw,
    entities=lambda r: (r.person, r.organization) if r.organization else (r.person,),
)
