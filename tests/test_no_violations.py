"""The graph of several articles keeps to ontology/shapes.ttl (issue 22).

Every article graph is self-contained and valid on its own; what can break
a shape is the union, where two articles write the same node (a person's
post, an entity) with different values. Each test builds the articles of
one construction that did so, validates the union with pySHACL and checks
the nodes it holds.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.api import build_graph
from kg.rdf.validate import load_shapes, validate

DKG = Namespace("https://w3id.org/defense-kg/ontology#")
R = "https://w3id.org/defense-kg/resource/"
ROOT = Path(__file__).resolve().parent.parent


def union_of(nlp, folder: Path, *texts: str) -> Graph:
    """The graph of one article per text, each valid on its own, then of all of them together."""
    for i, text in enumerate(texts):
        single = folder / f"alone-{i}"
        single.mkdir()
        (single / "article.txt").write_text(f"Article {i}\n\n{text}\n")
        report = validate(build_graph([single], nlp=nlp))
        assert report.conforms, report.lines()
        (folder / f"article-{i}.txt").write_text(f"Article {i}\n\n{text}\n")
    return build_graph(sorted(folder.glob("article-*.txt")), nlp=nlp)


def roles_of(graph: Graph, person: str) -> dict[URIRef, set[URIRef]]:
    """Each post of ``person`` and the bodies it belongs to."""
    holder = URIRef(R + person)
    return {role: set(graph.objects(role, DKG.roleOf)) for role in graph.objects(holder, DKG.holdsRole)}


def test_one_persons_post_at_two_companies_in_two_articles_is_two_posts(nlp, tmp_path):
    """ "chief executive of" one company here, of another there: two posts, one body each."""
    graph = union_of(
        nlp,
        tmp_path,
        "Kalle Tamm, chief executive of Saab, said the order for radars was welcome.",
        "Kalle Tamm, chief executive of Rheinmetall, said the new shell plant would open in May.",
    )
    report = validate(graph)
    assert report.conforms, report.lines()
    roles = roles_of(graph, "person/kalle-tamm")
    assert sorted(roles.values(), key=sorted) == [
        {URIRef(R + "organization/rheinmetall")},
        {URIRef(R + "organization/saab")},
    ]


def test_ambassador_to_an_alliance_is_his_countrys_post_in_every_article(nlp, tmp_path):
    """ "Estonian Ambassador to NATO" is Estonia's post, also where the article never names Estonia.

    Read as NATO's there, the union held one post with two bodies.
    """
    graph = union_of(
        nlp,
        tmp_path,
        "Kalle Tamm, Estonian Ambassador to NATO, said on Monday that Estonia would send more troops.",
        "Kalle Tamm, Estonian Ambassador to NATO, said on Friday that the alliance was ready.",
    )
    report = validate(graph)
    assert report.conforms, report.lines()
    assert list(roles_of(graph, "person/kalle-tamm").values()) == [{URIRef(R + "country/estonia")}]


# --- unions: what only the union of several articles can break is an "at most" count


COUNT_COMPONENTS = {
    SH.MinCountConstraintComponent,
    SH.MaxCountConstraintComponent,
    SH.QualifiedMinCountConstraintComponent,
    SH.QualifiedMaxCountConstraintComponent,
}


def pyshacl_count_violations(graph: Graph) -> set[str]:
    """The focus nodes pySHACL finds breaking a count of ontology/shapes.ttl."""
    _, results, _ = pyshacl.validate(graph, shacl_graph=load_shapes(), inference="none")
    return {
        str(results.value(r, SH.focusNode))
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if results.value(r, SH.sourceConstraintComponent) in COUNT_COMPONENTS
    }


def engine_count_violations(graph: Graph) -> set[str]:
    """The same, found by kg's compiled engine: what ``kg build`` and ``kg validate`` run on unions of
    any size (2 million triples in about 11 s), where pySHACL takes minutes."""
    counts = {"sh:" + component.removeprefix(str(SH)) for component in COUNT_COMPONENTS}
    report = validate(graph)
    return {R + v.focus.removeprefix("r:") for v in report.violations if v.component in counts}


def test_the_engine_finds_the_count_violations_pyshacl_finds(seeds_graph):
    """On the seeds' graph (none) and on it with one node of each kind written twice or half."""
    assert engine_count_violations(seeds_graph) == pyshacl_count_violations(seeds_graph) == set()
    broken = Graph()
    for triple in seeds_graph:
        broken.add(triple)
    role = next(broken.subjects(RDF.type, DKG.Role))
    person = next(broken.subjects(RDF.type, DKG.Person))
    statement = next(broken.subjects(RDF.type, DKG.Statement))
    funding = next(broken.subjects(RDF.type, DKG.Funding))
    body = next(broken.subjects(RDF.type, DKG.Country))
    other = next(
        o
        for o in broken.subjects(RDF.type, DKG.Organization)
        if o not in set(broken.objects(role, DKG.roleOf))
    )
    broken.add((role, DKG.roleOf, body))
    broken.add((role, DKG.roleOf, other))  # a post of two bodies
    broken.add((person, RDFS.label, Literal("Somebody Else")))  # two names
    broken.remove((statement, DKG.text, None))  # no text
    broken.add((funding, DKG.currency, Literal("USD")))
    broken.add((funding, DKG.currency, Literal("EUR")))  # two currencies
    broken.add((body, RDF.type, DKG.Place))  # two core classes
    expected = {str(node) for node in (role, person, statement, funding, body)}
    assert pyshacl_count_violations(broken) == expected
    assert engine_count_violations(broken) == expected
