"""Checks on the curated data: ontology/entities.ttl and the given-name lexicon.

These files are edited by hand, so the tests guard the conventions that the
code relies on: one label and one type per entity, IRIs derived from labels,
aliases that point to one entity only, and a clean given-name list.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Namespace, URIRef

from kg.ids import slugify

ROOT = Path(__file__).resolve().parents[1]
ENTITIES = ROOT / "ontology" / "entities.ttl"
GIVEN_NAMES = ROOT / "kg" / "data" / "lexicons" / "given_names.txt"

DKG = Namespace("https://w3id.org/defense-kg/ontology#")
BASE = "https://w3id.org/defense-kg/resource/"

CORE = {
    DKG.Person: "person",
    DKG.Organization: "organization",
    DKG.Country: "country",
    DKG.Place: "place",
    DKG.Program: "program",
}
ORG_KINDS = {
    DKG.EUInstitution, DKG.Alliance, DKG.Ministry, DKG.Government, DKG.DefenceCompany,
    DKG.Agency, DKG.WorkingGroup, DKG.NewsOutlet, DKG.PoliticalParty, DKG.ArmedForces,
    DKG.Forum, DKG.ThinkTank, DKG.InternationalOrganization,
}  # fmt: skip
TYPE_OF = {**CORE, **{k: "organization" for k in ORG_KINDS}}

#: Adjectives two countries share in English, as entities.ttl documents.
SHARED_ADJECTIVES = {"congolese", "dominican"}
#: Words too ambiguous to be an alias on their own.
AMBIGUOUS = {"union", "commission", "council", "alliance", "forum", "parliament"}
#: Given names left out because they are frequent capitalised English words.
NOT_GIVEN_NAMES = {
    "May", "June", "April", "August", "Will", "Grace", "Hope", "Faith", "Joy",
    "Summer", "Page", "Rose", "Art", "Bill", "Guy", "Frank", "Earl", "Long",
    "Young", "Sunny", "Angel", "Chance", "Price", "Rich", "Monday", "Friday",
}  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ENTITIES, format="turtle")


@pytest.fixture(scope="module")
def subjects(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef)})


@pytest.fixture(scope="module")
def given_names() -> list[str]:
    lines = GIVEN_NAMES.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def names_of(graph: Graph, s: URIRef) -> list[str]:
    return [str(o) for o in graph.objects(s, RDFS.label)] + [str(o) for o in graph.objects(s, SKOS.altLabel)]


def test_parses_and_is_not_empty(graph: Graph, subjects: list[URIRef]) -> None:
    assert len(subjects) >= 600


def test_one_label_and_one_known_type(graph: Graph, subjects: list[URIRef]) -> None:
    for s in subjects:
        labels = list(graph.objects(s, RDFS.label))
        types = list(graph.objects(s, RDF.type))
        assert len(labels) == 1, (s, labels)
        assert len(types) == 1, (s, types)
        assert types[0] in TYPE_OF, (s, types)
        assert str(labels[0]).strip() == str(labels[0]) != "", s


def test_iri_is_type_and_slug_of_label(graph: Graph, subjects: list[URIRef]) -> None:
    for s in subjects:
        label = str(graph.value(s, RDFS.label))
        type_ = TYPE_OF[graph.value(s, RDF.type)]
        assert str(s) == f"{BASE}{type_}/{slugify(label)}", (s, label)


def test_no_name_points_to_two_entities(graph: Graph, subjects: list[URIRef]) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for s in subjects:
        for name in names_of(graph, s):
            owners[name.casefold()].add(s)
    for name, ents in owners.items():
        if len(ents) == 1:
            continue
        # The one documented exception: a city-state and its capital of the same
        # name (Singapore, Monaco, ...), the city being dkg:capitalOf the country.
        assert len(ents) == 2, (name, ents)
        a, b = sorted(ents, key=lambda e: graph.value(e, RDF.type) == DKG.Country)
        assert graph.value(b, RDF.type) == DKG.Country, (name, ents)
        assert (a, DKG.capitalOf, b) in graph, (name, ents)


def test_aliases_are_not_the_label_nor_ambiguous(graph: Graph, subjects: list[URIRef]) -> None:
    for s in subjects:
        label = str(graph.value(s, RDFS.label))
        for alt in graph.objects(s, SKOS.altLabel):
            assert str(alt) != label, s
            assert str(alt).strip() == str(alt) != "", s
            assert str(alt).casefold() not in AMBIGUOUS, (s, alt)


def test_no_bare_surname_alias(graph: Graph) -> None:
    for s in graph.subjects(RDF.type, DKG.Person):
        surname = str(graph.value(s, RDFS.label)).split()[-1]
        alts = {str(a) for a in graph.objects(s, SKOS.altLabel)}
        assert surname not in alts, s


def test_countries(graph: Graph) -> None:
    countries = set(graph.subjects(RDF.type, DKG.Country))
    assert len(countries) >= 190
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for c in countries:
        adjectives = [str(a) for a in graph.objects(c, DKG.adjective)]
        assert adjectives, c
        for adj in adjectives:
            owners[adj.casefold()].add(c)
    shared = {adj for adj, cs in owners.items() if len(cs) > 1}
    assert shared <= SHARED_ADJECTIVES, shared
    # only countries carry adjectives
    assert set(graph.subjects(DKG.adjective, None)) <= countries


def test_capitals_and_seats(graph: Graph) -> None:
    capitals = list(graph.subject_objects(DKG.capitalOf))
    assert len(capitals) >= 180
    for place, country in capitals:
        assert graph.value(place, RDF.type) == DKG.Place, place
        assert graph.value(country, RDF.type) == DKG.Country, country
    for place, org in graph.subject_objects(DKG.seatOf):
        assert graph.value(place, RDF.type) == DKG.Place, place
        assert TYPE_OF.get(graph.value(org, RDF.type)) == "organization", org
    brussels = URIRef(BASE + "place/brussels")
    assert (brussels, DKG.seatOf, URIRef(BASE + "organization/european-union")) in graph
    assert (
        URIRef(BASE + "place/warsaw"),
        DKG.capitalOf,
        URIRef(BASE + "country/poland"),
    ) in graph


def test_given_names(given_names: list[str]) -> None:
    assert len(given_names) >= 1500
    assert len(given_names) == len(set(given_names)), "duplicate given names"
    assert not set(given_names) & NOT_GIVEN_NAMES
    for name in given_names:
        assert " " not in name and name[0].isupper(), name
    assert {"Władysław", "Oleksii", "Volodymyr", "Kaja", "Keir"} <= set(given_names)
