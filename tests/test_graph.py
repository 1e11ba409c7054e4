"""Tests for kg.rdf.mapping (facts -> RDF) and ontology/dkg.ttl.

The facts are invented: a fictional Valdorian defence minister, Elena Marsh,
talks about ammunition and a "Shell Production Fund". Queries are SPARQL, the
way users and the scorer read the graph, on the core classes without inference.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.ids import digest
from kg.kinds import Event, Funding, Membership, Role, Statement
from kg.rdf.mapping import (
    article_iri,
    build_dataset,
    entity_iri,
    facts_to_graph,
    is_http_iri,
    merge,
    new_graph,
)
from kg.rdf.namespaces import DEFAULT_BASE, DKG, PREFIXES

R = DEFAULT_BASE
# A plain Namespace: pytest probes module globals, and rdflib.XSD warns on unknown names.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
MARSH = "person/elena-marsh"
MOD = "organization/valdorian-ministry-of-defence"
VALDORIA = "country/valdoria"
FUND = "program/shell-production-fund"
NATO = "organization/nato"
RIGA = "place/riga"

QUOTE = "We will double our ammunition output by next year"
SENTENCE = f"“{QUOTE},” said Defence Minister Elena Marsh on Tuesday."
EV = Evidence(SENTENCE, 120, 120 + len(SENTENCE))
FUND_EV = Evidence("Valdoria will give 2.5 billion euros to the Shell Production Fund.", 300, 366)


def entity(key: str, type_: str, label: str, **kw) -> Entity:
    return Entity(key=key, type=type_, label=label, **kw)


def article(doc_id: str = "001_marsh", **doc) -> ArticleFacts:
    """One rich article, using every kind of fact."""
    document = Document(
        id=doc_id,
        text="...",
        path=f"/tmp/{doc_id}.txt",
        title=doc.get("title", "Valdoria doubles ammunition output"),
        url=doc.get("url", "https://news.example/valdoria?id=1&x=y"),
        date=doc.get("date", "2025-03-04"),
        publisher=doc.get("publisher", "Example News"),
    )
    return ArticleFacts(
        document=document,
        entities=[
            entity(
                MARSH,
                "Person",
                "Elena Marsh",
                aliases=("Marsh", "Elena Marsh"),
                mentions=3,
            ),
            entity(
                MOD,
                "Organization",
                "Valdorian Ministry of Defence",
                aliases=("MoD",),
                kind="Ministry",
                same_as=("http://www.wikidata.org/entity/Q999999999",),
            ),
            entity(VALDORIA, "Country", "Valdoria", mentions=2),
            entity(FUND, "Program", "Shell Production Fund"),
            entity(NATO, "Organization", "NATO", kind="Alliance"),
            entity(RIGA, "Place", "Riga"),
        ],
        statements=[
            Statement(MARSH, QUOTE, True, EV, date="2025-03-04"),
            Statement(MARSH, "Valdoria would not send tanks", False, EV, date="Tuesday"),
        ],
        fundings=[Funding(VALDORIA, FUND, FUND_EV, "2.5 billion euros", Decimal("2.5E+9"), "EUR")],
        roles=[Role(MARSH, "Defence Minister", EV, MOD)],
        memberships=[Membership(VALDORIA, NATO, FUND_EV)],
        events=[
            Event(
                "NATO defence ministers' meeting",
                "meeting",
                EV,
                participants=(MARSH, VALDORIA),
                place=RIGA,
                date="2025-03-03",
            )
        ],
    )


def mini(doc_id: str, label: str, mentions: int = 1, **kw) -> ArticleFacts:
    """An article that only mentions Elena Marsh, under ``label``."""
    return ArticleFacts(
        document=Document(id=doc_id, text="...", path=""),
        entities=[entity(MARSH, "Person", label, mentions=mentions, **kw)],
    )


def ask(graph: Graph, query: str) -> bool:
    return bool(graph.query(query, initNs=PREFIXES).askAnswer)


def rows(graph: Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(query, initNs=PREFIXES)]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return facts_to_graph(article())


# --- The core vocabulary ---------------------------------------------------


def test_entities_have_core_class_and_label(graph: Graph) -> None:
    found = rows(
        graph,
        """SELECT ?type ?label WHERE {
             VALUES ?type { dkg:Person dkg:Organization dkg:Country dkg:Place dkg:Program }
             ?e a ?type ; rdfs:label ?label }""",
    )
    labels = {(str(t).removeprefix(str(DKG)), str(label)) for t, label in found}
    assert labels == {
        ("Person", "Elena Marsh"),
        ("Organization", "Valdorian Ministry of Defence"),
        ("Organization", "NATO"),
        ("Country", "Valdoria"),
        ("Program", "Shell Production Fund"),
        ("Place", "Riga"),
    }


def test_entity_iri_is_base_plus_key(graph: Graph) -> None:
    assert entity_iri(MARSH) == URIRef(R + MARSH)
    assert (URIRef(R + MARSH), RDF.type, DKG.Person) in graph


def test_kind_adds_to_core_class(graph: Graph) -> None:
    assert ask(graph, "ASK { ?m a dkg:Organization, dkg:Ministry ; rdfs:label ?l }")
    assert ask(graph, "ASK { ?n a dkg:Organization, dkg:Alliance }")


def test_kind_of_another_core_type_is_ignored() -> None:
    facts = mini("a", "Elena Marsh", kind="Ministry")
    g = facts_to_graph(facts)
    assert set(g.objects(URIRef(R + MARSH), RDF.type)) == {DKG.Person}


def test_statement(graph: Graph) -> None:
    assert ask(
        graph,
        f"""ASK {{ ?s a dkg:Statement ; dkg:speaker ?p ; dkg:direct true ;
                  dkg:text "{QUOTE}" ; dkg:source ?a ; dkg:evidence ?ev .
                  ?p rdfs:label "Elena Marsh" . ?a a dkg:Article }}""",
    )
    assert ask(graph, "ASK { ?s a dkg:Statement ; dkg:direct false }")


def test_statement_iri_is_a_digest_of_what_identifies_it(graph: Graph) -> None:
    iri = URIRef(R + "statement/" + digest("001_marsh", str(EV.start), MARSH, QUOTE))
    assert (iri, RDF.type, DKG.Statement) in graph


def test_funding(graph: Graph) -> None:
    found = rows(
        graph,
        """SELECT ?amount ?value ?cur WHERE {
             ?f a dkg:Funding ; dkg:funder ?who ; dkg:recipient ?what ;
                dkg:amount ?amount ; dkg:amountValue ?value ; dkg:currency ?cur .
             ?who a dkg:Country . ?what a dkg:Program }""",
    )
    assert found == [
        (
            Literal("2.5 billion euros"),
            Literal("2500000000.0", datatype=XSD.decimal),
            Literal("EUR"),
        )
    ]
    assert found[0][1].value == Decimal(2500000000)


def test_role(graph: Graph) -> None:
    role = URIRef(R + "role/elena-marsh/defence-minister")
    assert (URIRef(R + MARSH), DKG.holdsRole, role) in graph
    assert (role, RDF.type, DKG.Role) in graph
    assert list(graph.objects(role, RDFS.label)) == [Literal("Defence Minister")]
    assert (role, DKG.roleOf, URIRef(R + MOD)) in graph


def test_membership_plain_and_nary(graph: Graph) -> None:
    assert (URIRef(R + VALDORIA), DKG.memberOf, URIRef(R + NATO)) in graph
    assert ask(
        graph,
        """ASK { ?m a dkg:Membership ; dkg:member ?c ; dkg:organization ?o ;
                  dkg:source ?a ; dkg:evidence ?e . ?c a dkg:Country . ?o a dkg:Organization }""",
    )


def test_event(graph: Graph) -> None:
    found = rows(
        graph,
        """SELECT ?label ?kind ?date (COUNT(?who) AS ?n) WHERE {
             ?e a dkg:Event ; rdfs:label ?label ; dkg:eventKind ?kind ; dkg:date ?date ;
                dkg:place/rdfs:label "Riga" ; dkg:participant ?who }
           GROUP BY ?label ?kind ?date""",
    )
    assert found == [
        (
            Literal("NATO defence ministers' meeting"),
            Literal("meeting"),
            Literal("2025-03-03", datatype=XSD.date),
            Literal(2),
        )
    ]


def test_article(graph: Graph) -> None:
    a = article_iri("001_marsh")
    assert a == URIRef(R + "article/001-marsh")
    assert (a, RDF.type, DKG.Article) in graph
    assert graph.value(a, PREFIXES["dcterms"].title) == Literal("Valdoria doubles ammunition output")
    assert graph.value(a, PREFIXES["dcterms"].date) == Literal("2025-03-04", datatype=XSD.date)
    assert graph.value(a, PREFIXES["schema"].publisher) == Literal("Example News")
    assert len(list(graph.objects(a, DKG.mentions))) == 6


def test_article_url_is_a_literal_even_when_malformed() -> None:
    g = facts_to_graph(article(url="htp://bad url/<x>"))
    url = g.value(article_iri("001_marsh"), PREFIXES["schema"].url)
    assert url == Literal("htp://bad url/<x>", datatype=XSD.anyURI)


def test_provenance_on_every_fact(graph: Graph) -> None:
    missing = """ASK {
        VALUES ?type { dkg:Statement dkg:Funding dkg:Role dkg:Event dkg:Membership }
        ?x a ?type .
        FILTER NOT EXISTS { ?x dkg:source ?a . ?a a dkg:Article . ?x dkg:evidence ?e }
    }"""
    assert ask(graph, "ASK { ?x a dkg:Role }")  # the check below is not vacuous
    assert not ask(graph, missing)
    assert not ask(
        graph,
        """ASK { VALUES ?type { dkg:Statement dkg:Funding dkg:Event dkg:Membership }
                 ?x a ?type . FILTER NOT EXISTS { ?x dkg:evidenceStart ?s ; dkg:evidenceEnd ?e } }""",
    )


# --- Labels and datatypes ---------------------------------------------------


def test_aliases_become_alt_labels(graph: Graph) -> None:
    marsh = URIRef(R + MARSH)
    assert set(graph.objects(marsh, SKOS.altLabel)) == {Literal("Marsh")}
    mod = URIRef(R + MOD)
    assert set(graph.objects(mod, SKOS.altLabel)) == {Literal("MoD")}
    assert (
        mod,
        OWL.sameAs,
        URIRef("http://www.wikidata.org/entity/Q999999999"),
    ) in graph


def test_invalid_same_as_is_skipped() -> None:
    g = facts_to_graph(mini("a", "Elena Marsh", same_as=("not an iri", "javascript:x")))
    assert not list(g.objects(None, OWL.sameAs))


def test_one_label_when_articles_disagree_on_case() -> None:
    g = merge(
        [
            mini("a", "ELENA MARSH"),
            mini("b", "Elena Marsh"),
            mini("c", "Elena Marsh", aliases=("ELENA MARSH", "Marsh")),
        ]
    )
    marsh = URIRef(R + MARSH)
    assert list(g.objects(marsh, RDFS.label)) == [Literal("Elena Marsh")]
    assert set(g.objects(marsh, SKOS.altLabel)) == {
        Literal("ELENA MARSH"),
        Literal("Marsh"),
    }


def test_label_tie_goes_to_the_smallest_string_whatever_the_order() -> None:
    one = merge([mini("a", "Elena Marsh"), mini("b", "ELENA MARSH")])
    two = merge([mini("b", "ELENA MARSH"), mini("a", "Elena Marsh")])
    for g in (one, two):
        assert list(g.objects(URIRef(R + MARSH), RDFS.label)) == [Literal("ELENA MARSH")]
        assert list(g.objects(URIRef(R + MARSH), SKOS.altLabel)) == [Literal("Elena Marsh")]


def test_every_entity_has_exactly_one_label_in_a_merge() -> None:
    g = merge([article("a"), article("b"), mini("c", "Elena MARSH")])
    assert not ask(
        g,
        """ASK { ?e rdfs:label ?l1, ?l2 . FILTER (?l1 != ?l2) }""",
    )


def test_datatypes(graph: Graph) -> None:
    direct = set(graph.objects(None, DKG.direct))
    assert direct == {Literal(True), Literal(False)}
    assert all(d.datatype == XSD.boolean for d in direct)
    dates = {str(d): d.datatype for d in graph.objects(None, DKG.date)}
    assert dates == {"2025-03-04": XSD.date, "2025-03-03": XSD.date, "Tuesday": None}
    count = graph.value(URIRef(R + MARSH), DKG.mentionCount)
    assert count == Literal(3) and count.datatype == XSD.integer
    assert {o.datatype for o in graph.objects(None, DKG.evidenceStart)} == {XSD.integer}


@pytest.mark.parametrize("value", ["2025-02-30", "2025-3-4", "March 4, 2025", "2025"])
def test_dates_that_are_not_iso_days_stay_plain(value: str) -> None:
    g = facts_to_graph(article(date=value))
    date = g.value(article_iri("001_marsh"), PREFIXES["dcterms"].date)
    assert date == Literal(value) and date.datatype is None


def test_amount_value_keeps_decimal_precision() -> None:
    facts = article()
    facts.fundings = [
        Funding(VALDORIA, FUND, FUND_EV, "0.1 euro", Decimal("0.1"), "EUR"),
        Funding(VALDORIA, FUND, EV, "huge", Decimal("123456789012345678901234.5"), "EUR"),
    ]
    values = {str(v) for v in facts_to_graph(facts).objects(None, DKG.amountValue)}
    assert values == {"0.1", "123456789012345678901234.5"}


def test_mention_count_is_summed_over_articles() -> None:
    g = merge([mini("a", "Elena Marsh", 3), mini("b", "Elena Marsh", 4), article("c")])
    assert list(g.objects(URIRef(R + MARSH), DKG.mentionCount)) == [Literal(3 + 4 + 3)]


def test_no_blank_nodes(graph: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


# --- Datasets -----------------------------------------------------------------


def test_one_named_graph_per_article() -> None:
    ds = build_dataset([article("a"), mini("b", "ELENA MARSH", 2)])
    assert isinstance(ds, Dataset)
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {article_iri("a"), article_iri("b")}
    for name in names:
        g = ds.graph(name)
        # Entity descriptions are repeated in each article's graph.
        assert (URIRef(R + MARSH), RDF.type, DKG.Person) in g
        assert len(list(g.objects(URIRef(R + MARSH), RDFS.label))) == 1
    b = ds.graph(article_iri("b"))
    assert b.value(URIRef(R + MARSH), DKG.mentionCount) == Literal(2)
    assert not list(b.subjects(RDF.type, DKG.Statement))


def test_same_facts_give_same_iris() -> None:
    one, two = facts_to_graph(article()), facts_to_graph(article())
    assert set(one) == set(two)


# --- Bases and hostile keys ---------------------------------------------------


@pytest.mark.parametrize(
    "base",
    [
        "",
        "resource/",
        "ftp://example.org/kg/",
        "https://example.org/kg",
        "https://exa mple.org/kg/",
        "https:///kg/",
        "https://example.org/<kg>/",
        "urn:example:kg/",
    ],
)
def test_invalid_base_is_rejected(base: str) -> None:
    with pytest.raises(ValueError, match="base"):
        facts_to_graph(article(), base=base)
    with pytest.raises(ValueError, match="base"):
        new_graph(base)


def test_other_base_is_used_and_bound_to_r() -> None:
    base = "http://kg.example.org/data#"
    g = facts_to_graph(article(), base=base)
    assert (URIRef(base + MARSH), RDF.type, DKG.Person) in g
    assert dict(g.namespaces())["r"] == URIRef(base)
    assert not any(str(s).startswith(R) for s in g.subjects())


def test_every_prefix_is_bound() -> None:
    bound = {p: str(ns) for p, ns in new_graph().namespaces()}
    assert bound == {p: str(ns) for p, ns in PREFIXES.items()}


def test_hostile_keys_make_valid_iris() -> None:
    facts = ArticleFacts(
        document=Document(id="Weird id <1> {x}", text="", path=""),
        entities=[entity("person/Зеленський <b>", "Person", "Зеленський")],
        roles=[Role("person/Зеленський <b>", 'Pres"ident\n', EV)],
        events=[Event("a b <c> {d}", "talks", EV, participants=("country/ä ö",))],
    )
    g = facts_to_graph(facts)
    iris = {t for triple in g for t in triple if isinstance(t, URIRef)}
    assert iris and all(is_http_iri(str(i)) for i in iris)
    assert URIRef(R + "article/weird-id-1-x") in iris


def test_unknown_entity_type_is_an_error() -> None:
    facts = ArticleFacts(
        document=Document(id="a", text="", path=""),
        entities=[entity("weapon/leopard-2", "Weapon", "Leopard 2")],
    )
    with pytest.raises(ValueError, match="Weapon"):
        facts_to_graph(facts)


def test_unwritable_characters_are_replaced() -> None:
    g = facts_to_graph(mini("a", "Elena\x00 Marsh\ud800"))
    assert list(g.objects(URIRef(R + MARSH), RDFS.label)) == [Literal("Elena\ufffd Marsh\ufffd")]


def test_namespace_terms_are_made_once_and_str_methods_stay() -> None:
    assert DKG.speaker is DKG.speaker and DKG["speaker"] is DKG.speaker
    assert DKG["upper"] == URIRef(str(DKG) + "upper")
    assert DKG.upper() == str(DKG).upper()  # a str method is not shadowed by the term made
