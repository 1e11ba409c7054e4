"""SHACL validation: ontology/shapes.ttl, kg.rdf.validate, ``kg validate`` and the check in ``kg build``.

The broken graphs are each one small edit of a valid hand-made graph (BASE),
and each test names the reason it expects, as (focus, path, constraint
component, shape), so a shape that catches the edit for the wrong reason, or
catches more than the edit, fails the test. All of it runs the real pySHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

import kg.api
from kg import GraphReadError, ValidationReport, read_graph, validate_file, validate_graph
from kg.cli import main
from kg.rdf.export import write_graph
from kg.rdf.namespaces import DEFAULT_BASE, DKG, TOPIC
from kg.rdf.validate import DKGSH, load_shapes
from kg.rdf.vocab import SHAPES_FILE, kinds

# rdflib's own TriG / N-Quads code uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

R = Namespace(DEFAULT_BASE)
ARTICLE = R["article/a1"]
KALLAS = R["person/kaja-kallas"]
NATO = R["organization/nato"]
ESTONIA = R["country/estonia"]
TALLINN = R["place/tallinn"]
SAFE = R["program/safe"]
ROLE = R["role/kaja-kallas/prime-minister"]
READING = R["reading/r1"]
STATEMENT = R["statement/s1"]
FUNDING = R["funding/f1"]
EVENT = R["event/e1"]
MEMBERSHIP = R["membership/m1"]
AIR_DEFENCE = TOPIC["air-defence"]
KARIS = R["person/alar-karis"]
MINISTRY = R["organization/ministry-of-defence"]

#: One node of every class, every property used the way kg writes it.
BASE = """
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dkg: <https://w3id.org/defense-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@base <https://w3id.org/defense-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix topic: <https://w3id.org/defense-kg/topic/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<article/a1> a dkg:Article ;
    dcterms:title "Estonia joins the drone coalition" ;
    dcterms:date "2025-01-13"^^xsd:date ;
    schema:url "https://news.example/estonia"^^xsd:anyURI ;
    dcterms:source "https://news.example/estonia"^^xsd:anyURI ;
    schema:publisher "ERR" ;
    dkg:mentions <person/kaja-kallas>, <organization/nato>, <country/estonia>, <place/tallinn>,
        <program/safe> .

<person/kaja-kallas> a dkg:Person ;
    rdfs:label "Kaja Kallas" ; skos:altLabel "Kallas" ; owl:sameAs wd:Q3742 ;
    dkg:mentionCount 3 ; dkg:holdsRole <role/kaja-kallas/prime-minister> .
<organization/nato> a dkg:Organization, dkg:Alliance ; rdfs:label "NATO" ; dkg:mentionCount 1 .
<country/estonia> a dkg:Country ;
    rdfs:label "Estonia" ; dkg:adjective "Estonian" ; dkg:mentionCount 2 ;
    dkg:memberOf <organization/nato> .
<place/tallinn> a dkg:Place ; rdfs:label "Tallinn" ; dkg:capitalOf <country/estonia> ; dkg:mentionCount 1 .
<program/safe> a dkg:Program ;
    rdfs:label "Security Action for Europe" ; skos:altLabel "SAFE" ; dkg:mentionCount 1 .

<role/kaja-kallas/prime-minister> a dkg:Role ;
    rdfs:label "Estonian Prime Minister" ;
    dkg:roleOf <country/estonia> ;
    dkg:source <article/a1> ;
    dkg:evidence "Estonian Prime Minister Kaja Kallas said so." ;
    dkg:reading <reading/r1> .

<reading/r1> a dkg:Reading ;
    dkg:source <article/a1> ;
    dkg:evidence "Estonian Prime Minister Kaja Kallas said so." ;
    dkg:evidenceStart 135 ;
    dkg:evidenceEnd 179 .

<statement/s1> a dkg:Statement ;
    dkg:speaker <person/kaja-kallas> ;
    dkg:text "We must act" ;
    dkg:direct true ;
    dkg:date "2025-01-13"^^xsd:date ;
    dkg:about topic:air-defence ;
    dkg:source <article/a1> ;
    dkg:evidence "“We must act,” said Kallas." ;
    dkg:evidenceStart 0 ;
    dkg:evidenceEnd 27 .

topic:air-defence a skos:Concept ; skos:prefLabel "air defence"@en .

<funding/f1> a dkg:Funding ;
    dkg:funder <country/estonia> ;
    dkg:recipient <program/safe> ;
    dkg:amount "€40 million" ;
    dkg:amountValue 40000000.0 ;
    dkg:currency "EUR" ;
    dkg:source <article/a1> ;
    dkg:evidence "Estonia gives €40 million to SAFE." ;
    dkg:evidenceStart 28 ;
    dkg:evidenceEnd 62 .

<event/e1> a dkg:Event ;
    rdfs:label "meeting in Tallinn" ;
    dkg:eventKind "meeting" ;
    dkg:participant <person/kaja-kallas>, <organization/nato> ;
    dkg:place <place/tallinn> ;
    dkg:date "last Monday" ;
    dkg:source <article/a1> ;
    dkg:evidence "Kallas met NATO in Tallinn last Monday." ;
    dkg:evidenceStart 63 ;
    dkg:evidenceEnd 102 .

<membership/m1> a dkg:Membership ;
    dkg:member <country/estonia> ;
    dkg:organization <organization/nato> ;
    dkg:source <article/a1> ;
    dkg:evidence "Estonia, a NATO member, agreed." ;
    dkg:evidenceStart 103 ;
    dkg:evidenceEnd 134 .
"""

Reason = tuple[URIRef | str, str, str, str]  # focus, path, constraint component, shape


def base() -> Graph:
    return Graph().parse(data=BASE, format="turtle")


def reasons(report: ValidationReport) -> set[tuple[str, str, str, str]]:
    return {(v.focus, v.path, v.component, v.shape) for v in report.violations}


def compact(node: URIRef | str) -> str:
    if isinstance(node, URIRef):
        for prefix, namespace in (("r", DEFAULT_BASE), ("topic", str(TOPIC))):
            if node.startswith(namespace):
                return f"{prefix}:{node.removeprefix(namespace)}"
    return str(node)


def expect(*found: Reason) -> set[tuple[str, str, str, str]]:
    """Reasons as the report writes them: compact IRIs, ``sh:`` components."""
    return {(compact(focus), path, "sh:" + component, shape) for focus, path, component, shape in found}


def replace(graph: Graph, s: URIRef, p: URIRef, o) -> None:
    graph.remove((s, p, None))
    graph.add((s, p, o))


# --- The shapes file itself -----------------------------------------------------------------


def test_shapes_file_is_valid_shacl() -> None:
    """ontology/shapes.ttl conforms to the SHACL-for-SHACL shapes (pySHACL's meta_shacl)."""
    from pyshacl import validate

    conforms, _, text = validate(Graph(), shacl_graph=load_shapes(), meta_shacl=True, inference="none")
    assert conforms, text


def test_the_meta_check_can_fail() -> None:
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    shapes = Graph().parse(SHAPES_FILE)
    shapes.add((DKGSH.EntityLabel, SH.minCount, Literal("one")))  # SHACL wants an integer
    with pytest.raises(ReportableRuntimeError, match="not valid"):
        validate(Graph(), shacl_graph=shapes, meta_shacl=True, inference="none")


def test_every_shape_is_named_and_explained() -> None:
    shapes = load_shapes()
    shape_nodes = (
        set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
        | set(shapes.subjects(SH.path, None))
    )
    assert len(shape_nodes) > 50
    for node in shape_nodes:
        named = shapes.value(node, RDFS.label) or shapes.value(node, SH.name)
        assert named, f"{node} has no rdfs:label or sh:name"
        assert shapes.value(node, SH.message), f"{node} has no sh:message"


@pytest.mark.parametrize(
    "cls",
    [
        *(DKG[c] for c in ("Person", "Organization", "Country", "Place", "Program")),
        *(DKG[c] for c in ("Statement", "Funding", "Role", "Reading", "Event", "Article", "Membership")),
        SKOS.Concept,
    ],
    ids=lambda c: str(c).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
)
def test_every_class_of_the_vocabulary_has_a_shape(cls: URIRef) -> None:
    assert set(load_shapes().subjects(SH.targetClass, cls))


def test_every_kind_of_organization_must_also_be_typed_organization() -> None:
    """The shapes list the finer kinds by hand: they must follow dkg.ttl."""
    shapes = load_shapes()
    targeted = set(shapes.objects(DKGSH.OrganizationKindShape, SH.targetClass))
    organization_kinds = {DKG[kind] for kind, core in kinds().items() if core == "Organization"}
    assert organization_kinds == targeted
    other_kinds = {kind for kind, core in kinds().items() if core != "Organization"}
    assert not other_kinds, (
        f"kinds of other core classes need a shape like OrganizationKindShape: {other_kinds}"
    )


# --- Graphs that conform ----------------------------------------------------------------------


def test_the_hand_made_base_conforms() -> None:
    report = validate_graph(base())
    assert report.conforms, "\n".join(report.lines())
    assert report.violations == []
    assert report.triples == len(base())


def test_the_seeds_graph_conforms(seeds_graph: Graph) -> None:
    report = validate_graph(seeds_graph)
    assert report.conforms, "\n".join(report.lines())
    assert report.triples == len(seeds_graph) > 400


def test_a_dataset_is_validated_graph_by_graph() -> None:
    """Each article's graph carries its own label for a shared entity: fine graph by graph."""
    dataset = Dataset()
    for name, label in (("a1", "Kaja Kallas"), ("a2", "K. Kallas")):
        graph = dataset.graph(R["article/" + name])
        graph.parse(data=BASE.replace("r:article/a1", f"r:article/{name}"), format="turtle")
        replace(graph, KALLAS, RDFS.label, Literal(label))
    assert validate_graph(dataset).conforms
    dataset.graph(R["article/a2"]).add((KALLAS, RDFS.label, Literal("Kaja Kallas")))
    report = validate_graph(dataset)
    assert [(v.graph, v.focus, v.path) for v in report.violations] == [
        ("r:article/a2", "r:person/kaja-kallas", "rdfs:label")
    ]


# --- Graphs that do not, each for its own reason -------------------------------------------------

Edit = Callable[[Graph], None]


def drop(s: URIRef, p: URIRef) -> Edit:
    return lambda g: g.remove((s, p, None))


def add(s: URIRef, p: URIRef, o) -> Edit:
    return lambda g: g.add((s, p, o))


def put(s: URIRef, p: URIRef, o) -> Edit:
    return lambda g: replace(g, s, p, o)


def both(*edits: Edit) -> Edit:
    def run(graph: Graph) -> None:
        for edit in edits:
            edit(graph)

    return run


BROKEN: dict[str, tuple[Edit, set]] = {
    # statements
    "statement without speaker": (
        drop(STATEMENT, DKG.speaker),
        expect(
            (STATEMENT, "dkg:speaker", "MinCountConstraintComponent", "dkgsh:StatementSpeaker"),
            (
                STATEMENT,
                "dkg:speaker/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:StatementSpeakerClass",
            ),
        ),
    ),
    "statement with two speakers": (
        add(STATEMENT, DKG.speaker, NATO),
        expect((STATEMENT, "dkg:speaker", "MaxCountConstraintComponent", "dkgsh:StatementSpeaker")),
    ),
    "speaker that is a place": (
        put(STATEMENT, DKG.speaker, TALLINN),
        expect(
            (
                STATEMENT,
                "dkg:speaker/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:StatementSpeakerClass",
            )
        ),
    ),
    "speaker that is a literal": (
        put(STATEMENT, DKG.speaker, Literal("Kaja Kallas")),
        expect(
            (STATEMENT, "dkg:speaker", "NodeKindConstraintComponent", "dkgsh:StatementSpeaker"),
            (
                STATEMENT,
                "dkg:speaker/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:StatementSpeakerClass",
            ),
        ),
    ),
    "statement with two texts": (
        add(STATEMENT, DKG.text, Literal("We must act now")),
        expect((STATEMENT, "dkg:text", "MaxCountConstraintComponent", "dkgsh:StatementText")),
    ),
    "statement with a blank text": (
        put(STATEMENT, DKG.text, Literal("  ")),
        expect((STATEMENT, "dkg:text", "PatternConstraintComponent", "dkgsh:StatementText")),
    ),
    "direct as a string": (
        put(STATEMENT, DKG.direct, Literal("yes")),
        expect((STATEMENT, "dkg:direct", "DatatypeConstraintComponent", "dkgsh:StatementDirect")),
    ),
    "statement without direct": (
        drop(STATEMENT, DKG.direct),
        expect((STATEMENT, "dkg:direct", "MinCountConstraintComponent", "dkgsh:StatementDirect")),
    ),
    "date that is no date": (
        # built when the test runs: rdflib logs the bad date as it makes the literal
        lambda g: replace(g, STATEMENT, DKG.date, Literal("2025-02-30", datatype=XSD.date)),
        expect((STATEMENT, "dkg:date", "OrConstraintComponent", "dkgsh:StatementDate")),
    ),
    "statement without rdf:type": (
        drop(STATEMENT, RDF.type),
        expect(
            (STATEMENT, "", "ClassConstraintComponent", "dkgsh:StatementDomainShape"),
            (
                STATEMENT,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:DateDomainShape[dated class]",
            ),
            (
                STATEMENT,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:AboutDomainShape[topical class]",
            ),
            (
                STATEMENT,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:ProvenanceDomainShape[fact or reading class]",
            ),
        ),
    ),
    # provenance
    "fact without source": (
        drop(STATEMENT, DKG.source),
        expect((STATEMENT, "dkg:source", "MinCountConstraintComponent", "dkgsh:SourceOnce")),
    ),
    "fact read from two articles": (
        add(FUNDING, DKG.source, R["article/a2"]),
        expect(
            (FUNDING, "dkg:source", "MaxCountConstraintComponent", "dkgsh:SourceOnce"),
            (FUNDING, "dkg:source", "ClassConstraintComponent", "dkgsh:SourceOnce"),
        ),
    ),
    "source that is not an article": (
        put(EVENT, DKG.source, TALLINN),
        expect((EVENT, "dkg:source", "ClassConstraintComponent", "dkgsh:SourceOnce")),
    ),
    "fact without evidence": (
        drop(MEMBERSHIP, DKG.evidence),
        expect((MEMBERSHIP, "dkg:evidence", "MinCountConstraintComponent", "dkgsh:EvidenceOnce")),
    ),
    "fact with empty evidence": (
        put(FUNDING, DKG.evidence, Literal("")),
        expect((FUNDING, "dkg:evidence", "PatternConstraintComponent", "dkgsh:EvidenceOnce")),
    ),
    "evidence start negative": (
        put(STATEMENT, DKG.evidenceStart, Literal(-1)),
        expect((STATEMENT, "dkg:evidenceStart", "MinInclusiveConstraintComponent", "dkgsh:EvidenceStart")),
    ),
    "evidence start after its end": (
        put(EVENT, DKG.evidenceStart, Literal(200)),
        expect((EVENT, "dkg:evidenceStart", "LessThanConstraintComponent", "dkgsh:EvidenceStart")),
    ),
    "evidence end as a string": (
        put(EVENT, DKG.evidenceEnd, Literal("102")),
        expect(
            (EVENT, "dkg:evidenceEnd", "DatatypeConstraintComponent", "dkgsh:EvidenceEnd"),
            # a string compares with no number: neither at least 0 nor greater than the start
            (EVENT, "dkg:evidenceEnd", "MinInclusiveConstraintComponent", "dkgsh:EvidenceEnd"),
            (EVENT, "dkg:evidenceStart", "LessThanConstraintComponent", "dkgsh:EvidenceStart"),
        ),
    ),
    "fact without offsets": (
        drop(STATEMENT, DKG.evidenceEnd),
        expect((STATEMENT, "dkg:evidenceEnd", "MinCountConstraintComponent", "dkgsh:EvidenceEnd")),
    ),
    "role with offsets": (
        add(ROLE, DKG.evidenceStart, Literal(0)),
        expect(
            (ROLE, "(dkg:evidenceStart|dkg:evidenceEnd)", "MaxCountConstraintComponent", "dkgsh:NoOffsets")
        ),
    ),
    "role without source": (
        drop(ROLE, DKG.source),
        expect((ROLE, "dkg:source", "MinCountConstraintComponent", "dkgsh:Sources")),
    ),
    "role without a reading": (
        drop(ROLE, DKG.reading),
        expect(
            (ROLE, "dkg:reading", "MinCountConstraintComponent", "dkgsh:RoleReadings"),
            (READING, "^dkg:reading", "MinCountConstraintComponent", "dkgsh:ReadingOf"),
        ),
    ),
    "reading without its offsets": (
        drop(READING, DKG.evidenceStart),
        expect((READING, "dkg:evidenceStart", "MinCountConstraintComponent", "dkgsh:EvidenceStart")),
    ),
    "evidence on an entity": (
        add(NATO, DKG.evidence, Literal("NATO said so.")),
        expect(
            (
                NATO,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:ProvenanceDomainShape[fact or reading class]",
            )
        ),
    ),
    # fundings
    "funding without recipient": (
        drop(FUNDING, DKG.recipient),
        expect(
            (FUNDING, "dkg:recipient", "MinCountConstraintComponent", "dkgsh:FundingRecipient"),
            (
                FUNDING,
                "dkg:recipient/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:FundingRecipientClass",
            ),
        ),
    ),
    "recipient that is a person": (
        put(FUNDING, DKG.recipient, KALLAS),
        expect(
            (
                FUNDING,
                "dkg:recipient/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:FundingRecipientClass",
            )
        ),
    ),
    "funder that is a program": (
        put(FUNDING, DKG.funder, SAFE),
        expect(
            (
                FUNDING,
                "dkg:funder/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:FundingFunderClass",
            ),
            (FUNDING, "dkg:funder", "DisjointConstraintComponent", "dkgsh:FundingFunder"),
        ),
    ),
    "funder that funds itself": (
        put(FUNDING, DKG.recipient, ESTONIA),
        expect((FUNDING, "dkg:funder", "DisjointConstraintComponent", "dkgsh:FundingFunder")),
    ),
    "amountValue as a string": (
        put(FUNDING, DKG.amountValue, Literal("40000000")),
        expect(
            (FUNDING, "dkg:amountValue", "DatatypeConstraintComponent", "dkgsh:FundingAmountValue"),
            (FUNDING, "dkg:amountValue", "MinInclusiveConstraintComponent", "dkgsh:FundingAmountValue"),
        ),
    ),
    "amountValue as an integer": (
        put(FUNDING, DKG.amountValue, Literal(40000000)),
        expect((FUNDING, "dkg:amountValue", "DatatypeConstraintComponent", "dkgsh:FundingAmountValue")),
    ),
    "negative amountValue": (
        put(FUNDING, DKG.amountValue, Literal("-5.0", datatype=XSD.decimal)),
        expect((FUNDING, "dkg:amountValue", "MinInclusiveConstraintComponent", "dkgsh:FundingAmountValue")),
    ),
    "currency euro": (
        put(FUNDING, DKG.currency, Literal("euro")),
        expect((FUNDING, "dkg:currency", "PatternConstraintComponent", "dkgsh:FundingCurrency")),
    ),
    "two currencies": (
        add(FUNDING, DKG.currency, Literal("USD")),
        expect((FUNDING, "dkg:currency", "MaxCountConstraintComponent", "dkgsh:FundingCurrency")),
    ),
    # entities
    "entity with two labels": (
        add(KALLAS, RDFS.label, Literal("Kaja Kallas (PM)")),
        expect((KALLAS, "rdfs:label", "MaxCountConstraintComponent", "dkgsh:EntityLabel")),
    ),
    "entity with no label": (
        drop(NATO, RDFS.label),
        expect((NATO, "rdfs:label", "MinCountConstraintComponent", "dkgsh:EntityLabel")),
    ),
    "language-tagged label": (
        put(TALLINN, RDFS.label, Literal("Tallinn", lang="en")),
        expect((TALLINN, "rdfs:label", "DatatypeConstraintComponent", "dkgsh:EntityLabel")),
    ),
    "alias equal to the label": (
        add(SAFE, SKOS.altLabel, Literal("Security Action for Europe")),
        expect((SAFE, "skos:altLabel", "DisjointConstraintComponent", "dkgsh:EntityAltLabel")),
    ),
    "sameAs a literal": (
        put(KALLAS, OWL.sameAs, Literal("Q3742")),
        expect((KALLAS, "owl:sameAs", "NodeKindConstraintComponent", "dkgsh:EntitySameAs")),
    ),
    "two mention counts": (
        add(NATO, DKG.mentionCount, Literal(2)),
        expect((NATO, "dkg:mentionCount", "MaxCountConstraintComponent", "dkgsh:EntityMentionCount")),
    ),
    "mention count zero": (
        put(NATO, DKG.mentionCount, Literal(0)),
        expect((NATO, "dkg:mentionCount", "MinInclusiveConstraintComponent", "dkgsh:EntityMentionCount")),
    ),
    "entity no article mentions": (
        lambda g: g.remove((ARTICLE, DKG.mentions, TALLINN)),
        expect((TALLINN, "^dkg:mentions", "MinCountConstraintComponent", "dkgsh:EntityMentionedBy")),
    ),
    "entity of two core classes": (
        add(TALLINN, RDF.type, DKG.Country),
        expect((TALLINN, "rdf:type", "QualifiedMaxCountConstraintComponent", "dkgsh:EntityCoreClass")),
    ),
    "kind of organisation without dkg:Organization": (
        add(MINISTRY, RDF.type, DKG.Ministry),
        expect(
            (
                MINISTRY,
                "rdf:type",
                "HasValueConstraintComponent",
                "dkgsh:OrganizationKindShape[typed organization]",
            )
        ),
    ),
    "capital of an organisation": (
        put(TALLINN, DKG.capitalOf, NATO),
        expect((TALLINN, "dkg:capitalOf", "ClassConstraintComponent", "dkgsh:PlaceShape[capital of]")),
    ),
    # roles
    "role held by nobody": (
        drop(KALLAS, DKG.holdsRole),
        expect((ROLE, "^dkg:holdsRole", "MinCountConstraintComponent", "dkgsh:RoleHolder")),
    ),
    "role held by two people": (
        both(add(KARIS, DKG.holdsRole, ROLE), add(KARIS, RDF.type, DKG.Person)),
        expect(
            (ROLE, "^dkg:holdsRole", "MaxCountConstraintComponent", "dkgsh:RoleHolder"),
            # the new person has no label and no article names him
            (KARIS, "rdfs:label", "MinCountConstraintComponent", "dkgsh:EntityLabel"),
            (KARIS, "^dkg:mentions", "MinCountConstraintComponent", "dkgsh:EntityMentionedBy"),
        ),
    ),
    "role held by an organisation": (
        both(drop(KALLAS, DKG.holdsRole), add(NATO, DKG.holdsRole, ROLE)),
        expect(
            (ROLE, "^dkg:holdsRole", "ClassConstraintComponent", "dkgsh:RoleHolder"),
            (NATO, "", "ClassConstraintComponent", "dkgsh:HoldsRoleDomainShape"),
        ),
    ),
    "role with two titles": (
        add(ROLE, RDFS.label, Literal("Prime Minister of Estonia")),
        expect((ROLE, "rdfs:label", "MaxCountConstraintComponent", "dkgsh:RoleLabel")),
    ),
    "role of a place": (
        put(ROLE, DKG.roleOf, TALLINN),
        expect((ROLE, "dkg:roleOf", "NodeConstraintComponent", "dkgsh:RoleOf")),
    ),
    "role of an undeclared body": (
        put(ROLE, DKG.roleOf, R["country/finland"]),
        expect((ROLE, "dkg:roleOf", "NodeConstraintComponent", "dkgsh:RoleOf")),
    ),
    # events
    "event whose place is a person": (
        put(EVENT, DKG.place, KALLAS),
        expect((EVENT, "dkg:place", "ClassConstraintComponent", "dkgsh:EventPlace")),
    ),
    "event in two places": (
        add(EVENT, DKG.place, R["place/tartu"]),
        expect(
            (EVENT, "dkg:place", "MaxCountConstraintComponent", "dkgsh:EventPlace"),
            (EVENT, "dkg:place", "ClassConstraintComponent", "dkgsh:EventPlace"),
        ),
    ),
    "participant that is a place": (
        add(EVENT, DKG.participant, TALLINN),
        expect(
            (
                TALLINN,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:ParticipantShape[participant class]",
            )
        ),
    ),
    "event without label": (
        drop(EVENT, RDFS.label),
        expect((EVENT, "rdfs:label", "MinCountConstraintComponent", "dkgsh:EventLabel")),
    ),
    "place on a statement": (
        add(STATEMENT, DKG.place, TALLINN),
        expect((STATEMENT, "", "ClassConstraintComponent", "dkgsh:EventDomainShape")),
    ),
    # memberships
    "membership without member": (
        drop(MEMBERSHIP, DKG.member),
        expect(
            (MEMBERSHIP, "dkg:member", "MinCountConstraintComponent", "dkgsh:MembershipMember"),
            (
                MEMBERSHIP,
                "dkg:member/rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:MembershipMemberClass",
            ),
            # Estonia's dkg:memberOf NATO is no longer recorded by a membership
            (ESTONIA, "", "SPARQLConstraintComponent", "dkgsh:MemberOfShape"),
        ),
    ),
    "membership without the memberOf link": (
        lambda g: g.remove((ESTONIA, DKG.memberOf, NATO)),
        expect((MEMBERSHIP, "", "SPARQLConstraintComponent", "dkgsh:MembershipShape")),
    ),
    "memberOf link without a membership": (
        add(KALLAS, DKG.memberOf, NATO),
        expect((KALLAS, "", "SPARQLConstraintComponent", "dkgsh:MemberOfShape")),
    ),
    # articles and concepts
    "article with two titles": (
        add(ARTICLE, DCTERMS.title, Literal("Another title")),
        expect((ARTICLE, "dcterms:title", "MaxCountConstraintComponent", "dkgsh:ArticleShape[title]")),
    ),
    "article mentions a statement": (
        add(ARTICLE, DKG.mentions, STATEMENT),
        expect(
            (
                STATEMENT,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:MentionedShape[mentioned class]",
            )
        ),
    ),
    "about a literal": (
        put(STATEMENT, DKG.about, Literal("air defence")),
        expect(
            (STATEMENT, "dkg:about", "NodeKindConstraintComponent", "dkgsh:About"),
            (STATEMENT, "dkg:about", "ClassConstraintComponent", "dkgsh:About"),
            (
                '"air defence"',
                "skos:prefLabel",
                "MinCountConstraintComponent",
                "dkgsh:ConceptShape[preferred label]",
            ),
        ),
    ),
    "concept without prefLabel": (
        drop(AIR_DEFENCE, SKOS.prefLabel),
        expect(
            (
                AIR_DEFENCE,
                "skos:prefLabel",
                "MinCountConstraintComponent",
                "dkgsh:ConceptShape[preferred label]",
            )
        ),
    ),
    "concept with two English prefLabels": (
        add(AIR_DEFENCE, SKOS.prefLabel, Literal("air and missile defence", lang="en")),
        expect(
            (
                AIR_DEFENCE,
                "skos:prefLabel",
                "UniqueLangConstraintComponent",
                "dkgsh:ConceptShape[preferred label]",
            )
        ),
    ),
    "about on an event": (
        add(EVENT, DKG.about, AIR_DEFENCE),
        expect(
            (
                EVENT,
                "rdf:type",
                "QualifiedMinCountConstraintComponent",
                "dkgsh:AboutDomainShape[topical class]",
            )
        ),
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_graph_is_caught_for_its_own_reason(case: str) -> None:
    edit, expected = BROKEN[case]
    graph = base()
    edit(graph)
    report = validate_graph(graph)
    assert not report.conforms
    assert reasons(report) == expected, "\n".join(report.lines())


# --- Reports ------------------------------------------------------------------------------------


def test_a_violation_reads_as_one_line() -> None:
    graph = base()
    graph.add((KALLAS, RDFS.label, Literal("Kaja Kallas (PM)")))
    replace(graph, FUNDING, DKG.currency, Literal("euro"))
    report = validate_graph(graph)
    assert report.lines() == [
        'r:funding/f1  dkg:currency  "euro"  — A funding has at most one dkg:currency, '
        'a three-letter ISO 4217 code in capitals ("EUR")',
        "Kaja Kallas (r:person/kaja-kallas)  rdfs:label  — Each entity has exactly one rdfs:label, "
        "a non-blank string (other names are skos:altLabel)",
    ]
    assert report.summary().startswith(f"{len(graph)} triples, 2 SHACL violations on 2 nodes (against ")
    label = next(v for v in report.violations if v.path == "rdfs:label")
    assert (label.severity, label.label, label.focus) == ("Violation", "Kaja Kallas", "r:person/kaja-kallas")


def test_a_valid_report_says_so() -> None:
    report = validate_graph(base())
    assert report.summary().startswith(f"{len(base())} triples, valid against ontology/shapes.ttl in ")
    assert report.lines() == []


def test_a_warning_does_not_break_conformance(tmp_path: Path) -> None:
    shapes = Graph().parse(SHAPES_FILE)
    shapes.add((DKGSH.EventKind, SH.severity, SH.Warning))
    custom = tmp_path / "shapes.ttl"
    shapes.serialize(custom, format="turtle")
    graph = base()
    replace(graph, EVENT, DKG.eventKind, Literal(""))
    report = validate_graph(graph, shapes=custom)
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.lines()[0].startswith("warning: meeting in Tallinn (r:event/e1)  dkg:eventKind")


# --- Files and `kg validate` ------------------------------------------------------------------

SUMMARY_OK = " triples, valid against ontology/shapes.ttl in "


def invoke(*args: str | Path):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "valid.ttl"
    base().serialize(path, format="turtle")
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    graph = base()
    graph.add((KALLAS, RDFS.label, Literal("Kaja Kallas (PM)")))
    graph.remove((STATEMENT, DKG.speaker, None))
    path = tmp_path / "invalid.ttl"
    graph.serialize(path, format="turtle")
    return path


def test_kg_validate_exits_0_on_a_valid_file(valid_file: Path) -> None:
    result = invoke("validate", valid_file)
    assert result.exit_code == 0, result.output
    summary = rf"{re.escape(str(valid_file))}: {len(base())} triples, valid against ontology/shapes.ttl in "
    assert re.fullmatch(summary + r"\d+\.\d s\n", result.stdout), result.stdout
    assert result.stderr == ""


def test_kg_validate_exits_1_with_one_line_per_violation(invalid_file: Path) -> None:
    result = invoke("validate", invalid_file)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Kaja Kallas (r:person/kaja-kallas)  rdfs:label  — Each entity has exactly one rdfs:label, "
        "a non-blank string (other names are skos:altLabel)",
        "r:statement/s1  dkg:speaker  — A statement has exactly one dkg:speaker",
        "r:statement/s1  dkg:speaker/rdf:type  — "
        "The dkg:speaker of a statement is a Person, Organization or Country",
    ]
    assert lines[3].startswith(f"{invalid_file}: ") and "3 SHACL violations on 2 nodes" in lines[3]
    assert len(lines) == 4


@pytest.mark.parametrize("fmt", ["nt", "json-ld", "trig", "nquads"])
def test_kg_validate_reads_every_format_kg_writes(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / ("graph" + {"nt": ".nt", "json-ld": ".jsonld", "trig": ".trig", "nquads": ".nq"}[fmt])
    write_graph(path, base(), fmt)
    assert validate_file(path).conforms
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert SUMMARY_OK in result.stdout


def test_a_quad_file_keeps_its_named_graphs(tmp_path: Path) -> None:
    dataset = Dataset()
    dataset.graph(ARTICLE).parse(data=BASE, format="turtle")
    dataset.graph(ARTICLE).remove((STATEMENT, DKG.text, None))
    path = tmp_path / "graph.trig"
    write_graph(path, dataset, "trig")
    assert isinstance(read_graph(path), Dataset)
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "r:article/a1: r:statement/s1  dkg:text  — A statement has exactly one dkg:text"
    )


def test_kg_validate_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    result = invoke("validate", tmp_path / "nope.ttl")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'nope.ttl'}: no such file"]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("broken.ttl", "<a> <b> ", "cannot parse as turtle"),
        ("broken.nt", "@prefix x: <y> .\n", "cannot parse as nt"),
        ("broken.jsonld", '{"@id": ', "cannot parse as json-ld"),
        ("latin1.ttl", '<a> <b> "caf\xe9" .'.encode("latin-1"), "cannot parse as turtle"),
        ("graph.xyz", "<a> <b> <c> .", "cannot tell the format from .xyz extension; pass --format"),
    ],
)
def test_kg_validate_exits_2_on_an_unreadable_file(
    name: str, content: str | bytes, problem: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: {problem}")
    assert "Traceback" not in result.output
    with pytest.raises(GraphReadError, match=problem.split(";")[0]):
        read_graph(path)


def test_kg_validate_format_option_overrides_the_extension(valid_file: Path, tmp_path: Path) -> None:
    odd = tmp_path / "graph.data"
    odd.write_bytes(valid_file.read_bytes())
    assert invoke("validate", odd).exit_code == 2
    assert invoke("validate", "--format", "turtle", odd).exit_code == 0
    assert invoke("validate", "--format", "nt", valid_file).exit_code == 2


def test_kg_validate_several_files_names_each(valid_file: Path, invalid_file: Path, tmp_path: Path) -> None:
    result = invoke("validate", valid_file, invalid_file, tmp_path / "nope.ttl")
    assert result.exit_code == 2  # a file that cannot be read outranks violations
    lines = result.stdout.splitlines()
    assert all(line.startswith((f"{valid_file}: ", f"{invalid_file}: ")) for line in lines)
    assert sum(SUMMARY_OK in line for line in lines) == 1
    assert f"error: {tmp_path / 'nope.ttl'}: no such file" in result.stderr
    assert invoke("validate", valid_file, invalid_file).exit_code == 1


def test_kg_validate_quiet_prints_violations_only(valid_file: Path, invalid_file: Path) -> None:
    assert invoke("validate", "-q", valid_file).stdout == ""
    assert len(invoke("validate", "-q", invalid_file).stdout.splitlines()) == 3


DATED_STATEMENTS = """
@prefix dkg: <https://w3id.org/defense-kg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:test:DatedStatement> a sh:NodeShape ;
    sh:targetClass dkg:Statement ;
    sh:property <urn:test:date> .
<urn:test:date> sh:path dkg:date ; sh:minCount 1 ; sh:message "Every statement is dated" .
"""


def test_kg_validate_with_other_shapes(valid_file: Path, tmp_path: Path) -> None:
    shapes = tmp_path / "dated.ttl"
    shapes.write_text(DATED_STATEMENTS, encoding="utf-8")
    graph = base()
    graph.remove((STATEMENT, DKG.date, None))
    path = tmp_path / "undated.ttl"
    graph.serialize(path, format="turtle")
    result = invoke("validate", "--shapes", shapes, path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "r:statement/s1  dkg:date  — Every statement is dated"
    assert f"(against {shapes}, " in result.stdout
    assert invoke("validate", "--shapes", shapes, valid_file).exit_code == 0
    missing = invoke("validate", "--shapes", tmp_path / "none.ttl", valid_file)
    assert missing.exit_code == 2
    assert "none.ttl" in missing.stderr and "Traceback" not in missing.output


# --- `kg build` validates what it writes ----------------------------------------------------------

ARTICLE_TEXT = (
    "Estonia orders drones\n\n"
    "Estonian Defence Minister Kalle Tamm said: “We will buy 200 reconnaissance drones this year.”\n"
    "Lithuania sent Ukraine €40 million for air defence.\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    return folder


def test_kg_build_says_the_graph_is_valid(corpus: Path, tmp_path: Path, session_pipeline) -> None:
    out = tmp_path / "graph.ttl"
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.stderr
    summary = result.stderr.splitlines()[-1]
    assert ", valid against ontology/shapes.ttl in " in summary and summary.endswith(f" -> {out}")
    assert validate_file(out).conforms


def test_kg_build_no_validate(corpus: Path, tmp_path: Path, session_pipeline) -> None:
    out = tmp_path / "graph.ttl"
    result = invoke("build", corpus, "-o", out, "--no-validate")
    assert result.exit_code == 0, result.stderr
    assert "valid against" not in result.stderr and "SHACL" not in result.stderr
    report = kg.api.build([corpus], tmp_path / "again.ttl", validate=False)
    assert report.validation is None


def test_kg_build_prints_violations_and_strict_fails(corpus: Path, tmp_path: Path, session_pipeline) -> None:
    shapes = tmp_path / "dated.ttl"
    shapes.write_text(DATED_STATEMENTS, encoding="utf-8")
    out = tmp_path / "graph.ttl"
    result = invoke("build", corpus, "-o", out, "--shapes", shapes)
    assert result.exit_code == 0, result.stderr  # written, and the violations shown
    lines = result.stderr.splitlines()
    assert lines[0].startswith("shacl: r:statement/") and lines[0].endswith(
        "dkg:date  — Every statement is dated"
    )
    assert lines[-1].endswith(f", 1 SHACL violation (run kg validate {out}) -> {out}")
    assert out.exists()
    strict = invoke("build", corpus, "-o", out, "--shapes", shapes, "--strict")
    assert strict.exit_code == 1
    assert invoke("build", corpus, "-o", out, "--strict").exit_code == 0
    # --quiet hides them, unless --strict makes them the reason of the exit status
    assert invoke("build", corpus, "-o", out, "--shapes", shapes, "-q").stderr == ""
    quiet_strict = invoke("build", corpus, "-o", out, "--shapes", shapes, "-q", "--strict")
    assert quiet_strict.exit_code == 1
    assert [line[:7] for line in quiet_strict.stderr.splitlines()] == ["shacl: "]


def test_kg_build_with_unreadable_shapes_is_bad_usage(corpus: Path, tmp_path: Path, session_pipeline) -> None:
    out = tmp_path / "graph.ttl"
    result = invoke("build", corpus, "-o", out, "--shapes", tmp_path / "none.ttl")
    assert result.exit_code == 2
    assert "none.ttl" in result.stderr
    assert not out.exists()


def test_a_long_list_of_violations_is_cut_short(tmp_path: Path, nlp, session_pipeline) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    quotes = " ".join(f"“We will buy {n} drones,” said Kalle Tamm." for n in range(2, 16))
    (folder / "a.txt").write_text("Drones\n\n" + quotes + "\n", encoding="utf-8")
    shapes = tmp_path / "dated.ttl"
    shapes.write_text(DATED_STATEMENTS, encoding="utf-8")
    result = invoke("build", folder, "-o", tmp_path / "g.ttl", "--shapes", shapes)
    shacl = [line for line in result.stderr.splitlines() if line.startswith("shacl: ")]
    assert len(shacl) == 11
    assert shacl[-1].startswith("shacl: ... and ") and shacl[-1].endswith(
        f"(run kg validate {tmp_path / 'g.ttl'})"
    )


def test_build_api_reports_validation(corpus: Path, tmp_path: Path, session_pipeline) -> None:
    report = kg.api.build([corpus], tmp_path / "graph.trig", format="trig")
    assert report.validation is not None and report.validation.conforms
    assert report.validation.triples == report.triples
    assert ", valid against ontology/shapes.ttl in " in report.summary()


# --- What the extractor writes ------------------------------------------------------------


def test_a_body_read_from_an_adjective_is_declared(tmp_path: Path, nlp) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Finnish Defence Minister Aino Virtanen said the two countries would buy radars together.\n",
        encoding="utf-8",
    )
    report = validate_graph(kg.api.build_graph([article], nlp=nlp))
    assert report.conforms, "\n".join(report.lines())
