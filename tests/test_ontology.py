"""The ontology as an artifact: it parses everywhere, reasons cleanly, documents itself.

What others rely on when they load ``ontology/`` without ``kg``: every file
parses in rdflib and in Oxigraph, an OWL RL reasoner finds the ontology and
the graphs ``kg`` writes consistent (and does catch an inconsistent one),
every term says what it means and what it aligns with, and the README's
generated parts match the ontology.
"""

from __future__ import annotations

import owlrl
import pyoxigraph
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.nlp.lexicon import table
from kg.rdf.namespaces import DKG, PREFIXES, TOPIC
from kg.rdf.ontodoc import alignments, dkg_terms, example_queries, render
from kg.rdf.vocab import (
    CLASSES_FILE,
    ENTITIES_FILE,
    FOLDER,
    TOPICS_FILE,
    classes,
    classes_graph,
    kinds,
    topics,
    topics_graph,
)

TURTLE_FILES = sorted(FOLDER.glob("*.ttl"))

#: spec/vocabulary.md: the contract every graph honours.
CORE_CLASSES = ["Person", "Organization", "Country", "Place", "Program"] + [
    "Statement",
    "Funding",
    "Role",
    "Event",
    "Article",
]
CORE_PROPERTIES = [
    "speaker",
    "text",
    "direct",
    "funder",
    "recipient",
    "amount",
    "amountValue",
    "currency",
    "holdsRole",
    "roleOf",
    "memberOf",
    "participant",
    "place",
    "date",
    "mentions",
    "source",
    "evidence",
]
#: The kinds of organisation the issue names, at least.
ORG_KINDS = ["EUInstitution", "Alliance", "Ministry", "DefenceCompany", "WorkingGroup"]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return classes_graph()


# --- Parsing ---------------------------------------------------------------------


def test_ontology_folder_has_the_expected_files() -> None:
    names = {path.name for path in TURTLE_FILES}
    assert {"dkg.ttl", "topics.ttl", "entities.ttl"} <= names


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.name)
def test_parses_in_rdflib_and_oxigraph_to_the_same_triples(path) -> None:
    in_rdflib = Graph().parse(path, format="turtle")
    in_oxigraph = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(in_rdflib) > 0
    assert len(in_oxigraph) == len(in_rdflib)


# --- The ontology header and its terms --------------------------------------------


def test_ontology_header(onto: Graph) -> None:
    o = URIRef("https://w3id.org/defense-kg/ontology")
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionIRI) == URIRef("https://w3id.org/defense-kg/ontology/0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, OWL.versionInfo):
        assert onto.value(o, prop) is not None
    assert onto.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_declares_the_core_vocabulary(onto: Graph) -> None:
    declared = {term for term, _ in dkg_terms(onto)}
    assert {DKG[name] for name in CORE_CLASSES + CORE_PROPERTIES} <= declared
    for name in CORE_CLASSES:
        assert (DKG[name], RDF.type, OWL.Class) in onto


def test_every_term_has_label_comment_and_alignment(onto: Graph) -> None:
    terms = dkg_terms(onto)
    assert len(terms) > len(CORE_CLASSES + CORE_PROPERTIES)
    for term, kind in terms:
        labels = [lab for lab in onto.objects(term, RDFS.label) if lab.language == "en"]
        comments = [c for c in onto.objects(term, RDFS.comment) if c.language == "en"]
        assert len(labels) == 1, f"{term} needs one English rdfs:label"
        assert len(comments) == 1 and str(comments[0]).endswith("."), f"{term} needs a one-sentence comment"
        assert alignments(onto, term), f"{term} ({kind}) is aligned with no external term"


def test_every_property_has_domain_and_range(onto: Graph) -> None:
    for term, kind in dkg_terms(onto):
        if kind != "class":
            assert onto.value(term, RDFS.domain) is not None, term
            assert onto.value(term, RDFS.range) is not None, term


def test_core_alignment_follows_the_contract(onto: Graph) -> None:
    schema, org, prov, foaf = (PREFIXES[p] for p in ("schema", "org", "prov", "foaf"))
    expected = [
        (DKG.Person, RDFS.subClassOf, schema.Person),
        (DKG.Person, RDFS.subClassOf, foaf.Person),
        (DKG.Organization, RDFS.subClassOf, org.Organization),
        (DKG.Country, RDFS.subClassOf, schema.Country),
        (DKG.Statement, RDFS.subClassOf, schema.Quotation),
        (DKG.Funding, RDFS.subClassOf, schema.MonetaryGrant),
        (DKG.Role, RDFS.subClassOf, org.Post),
        (DKG.Article, RDFS.subClassOf, schema.NewsArticle),
        (DKG.source, RDFS.subPropertyOf, prov.wasDerivedFrom),
        (DKG.holdsRole, RDFS.subPropertyOf, org.holds),
        (DKG.roleOf, RDFS.subPropertyOf, org.postIn),
        (DKG.memberOf, RDFS.subPropertyOf, org.memberOf),
        (DKG.mentions, RDFS.subPropertyOf, schema.mentions),
        (DKG.about, RDFS.range, SKOS.Concept),
    ]
    for triple in expected:
        assert triple in onto


def test_kinds_of_organisation_refine_organization(onto: Graph) -> None:
    found = kinds()
    for name in ORG_KINDS:
        assert found[name] == "Organization"
        assert (DKG[name], RDFS.subClassOf, DKG.Organization) in onto
    assert "Person" not in found and "Statement" not in found


def test_every_class_has_a_display_style() -> None:
    styles = classes()
    assert set(CORE_CLASSES) <= set(styles)
    for info in styles.values():
        assert len(info.color) == 7 and info.color.startswith("#") and int(info.color[1:], 16) >= 0
        assert info.shape in {"dot", "diamond", "square", "triangle", "star", "hexagon"}
    # a kind without a style of its own is drawn like its core class
    assert styles["Ministry"].color == styles["Organization"].color
    assert styles["Person"].color != styles["Organization"].color


# --- Reasoning ---------------------------------------------------------------------


def owl_rl_errors(*graphs: Graph) -> list[str]:
    """The inconsistencies an OWL RL closure of the graphs' union reports."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(union)
    return sorted(str(union.value(m, ERRNS.error)) for m in union.subjects(RDF.type, ERRNS.ErrorMessage))


@pytest.fixture(scope="module")
def whole_ontology() -> Graph:
    graph = Graph()
    for path in (CLASSES_FILE, TOPICS_FILE, ENTITIES_FILE):
        graph.parse(path, format="turtle")
    return graph


def test_owl_rl_closure_of_ontology_and_seeds_is_consistent(
    whole_ontology: Graph, seeds_graph: Graph
) -> None:
    assert owl_rl_errors(whole_ontology, seeds_graph) == []


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ("r:e a dkg:Event ; dkg:place r:c . r:c a dkg:Country .", "Country"),
        ("r:p a dkg:Person ; dkg:memberOf r:q . r:q a dkg:Person .", "Person"),
        ("r:x a dkg:Person, dkg:Organization .", "Organization"),
    ],
)
def test_owl_rl_closure_catches_a_fact_pointing_at_the_wrong_kind(
    onto: Graph, data: str, complaint: str
) -> None:
    prefixes = "@prefix dkg: <https://w3id.org/defense-kg/ontology#> . @prefix r: <http://example.org/> .\n"
    errors = owl_rl_errors(onto, Graph().parse(data=prefixes + data, format="turtle"))
    assert len(errors) == 1 and "Disjoint classes" in errors[0] and complaint in errors[0]


def test_graph_uses_only_declared_terms(onto: Graph, seeds_graph: Graph) -> None:
    declared = {term for term, _ in dkg_terms(onto)}
    used = {t for triple in seeds_graph for t in triple if isinstance(t, URIRef)}
    assert {t for t in used if t.startswith(str(DKG))} <= declared
    concepts = set(topics_graph().subjects(RDF.type, SKOS.Concept))
    assert {t for t in used if t.startswith(str(TOPIC)) and t != URIRef(str(TOPIC))} <= concepts


# --- Topics ------------------------------------------------------------------------


def test_topic_scheme_is_well_formed() -> None:
    graph = topics_graph()
    scheme = URIRef(str(TOPIC))
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops and (scheme, RDF.type, SKOS.ConceptScheme) in graph
    for key, topic in topics().items():
        pref = list(graph.objects(topic.iri, SKOS.prefLabel))
        assert pref == [Literal(topic.label, lang="en")], key
        assert (topic.iri, SKOS.inScheme, scheme) in graph, key
        assert graph.value(topic.iri, SKOS.definition) is not None, key
        ancestors = set(graph.transitive_objects(topic.iri, SKOS.broader))
        assert ancestors & tops, f"{key} does not lead to a top concept"


def test_topic_has_capabilities_the_issue_names() -> None:
    labels = {topic.label for topic in topics().values()}
    assert {"drones", "ammunition", "air defence"} <= labels


def test_no_word_points_to_two_topics() -> None:
    owner: dict[str, str] = {}
    for key, topic in topics().items():
        for label in topic.match_labels:
            form = label if label != label.lower() else label.casefold()
            assert owner.setdefault(form, key) == key, f"{label!r}: {owner[form]} and {key}"


# --- Documentation -------------------------------------------------------------------


def test_readme_generated_sections_are_up_to_date() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert "```mermaid" in readme and "| `dkg:Statement` |" in readme
    assert render(readme) == readme, "run: python -m kg.rdf.ontodoc ontology/README.md"


def test_readme_diagram_and_table_cover_every_class(onto: Graph) -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for term, kind in dkg_terms(onto):
        name = str(term).removeprefix(str(DKG))
        assert f"| `dkg:{name}` |" in readme
        if kind == "class":
            assert f"    class {name}" in readme


def test_there_are_five_documented_example_queries() -> None:
    queries = example_queries()
    assert len(queries) >= 5
    for query in queries:
        assert query.title and query.description and "SELECT" in query.text


@pytest.mark.parametrize("query", example_queries(), ids=lambda q: q.name)
def test_example_query_answers_on_seeds_in_rdflib_and_oxigraph(query, seeds_graph: Graph) -> None:
    rows = list(seeds_graph.query(query.text))
    store = pyoxigraph.Store()
    store.load(seeds_graph.serialize(format="nt").encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert rows, f"{query.name} finds nothing in the seeds' graph"
    assert len(list(store.query(query.text))) == len(rows)


# --- The ontology as the authority -----------------------------------------------------


@pytest.mark.parametrize(
    ("lexicon", "column"), [("org_heads.txt", 0), ("lower_org_heads.txt", 0), ("state_bodies.txt", 1)]
)
def test_every_kind_the_word_lists_name_is_an_ontology_class(lexicon: str, column: int) -> None:
    named = {row[column] for row in table(lexicon).values()}
    assert named and named <= set(classes()), named - set(classes())
