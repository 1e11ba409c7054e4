"""A new kind of fact is one module and its ontology terms: the registry carries it through every stage.

``tests/plugins/exercise_kind.py`` declares a toy kind (military exercises)
and ``exercise_kind.ttl`` its class, property and shapes. Importing the module
is all it takes for a build to extract, cache, write, validate, count and
draw exercises.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from conftest import write_corpus
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

import kg
from kg.builder.cache import pipeline_version
from kg.facts import ArticleFacts, fact_kinds, register, unregister
from kg.network.projection import project
from kg.rdf.namespaces import DKG, PREFIXES
from kg.rdf.validate import validate

ARTICLE = (
    "Allies drill on the eastern flank\n\n"
    "Poland and Lithuania will hold the Iron Wolf exercise near Suwalki in May.\n\n"
    "The Baltic Sea drills follow in June, NATO said.\n"
)


@pytest.fixture
def exercise_kind():
    """The toy kind, registered for one test and forgotten after it."""
    module = importlib.import_module("plugins.exercise_kind")
    register(module.KIND)
    yield module
    unregister(module.KIND.name)


def built(tmp_path: Path, name: str, cache: Path) -> tuple[kg.BuildReport, list[ArticleFacts], bytes]:
    corpus = write_corpus(tmp_path / "in", {"drills.txt": ARTICLE})
    seen: list[ArticleFacts] = []
    output = tmp_path / f"{name}.ttl"
    report = kg.build([corpus], output, cache=cache, on_article=seen.append)
    return report, seen, output.read_bytes()


def test_a_new_kind_is_extracted_cached_written_validated_counted_and_drawn(exercise_kind, tmp_path):
    cache = tmp_path / "cache"
    report, [facts], turtle = built(tmp_path, "first", cache)

    # extracted, with the entities its facts point to
    names = {exercise.name: exercise.drilling for exercise in facts.exercises}
    assert names == {
        "Iron Wolf": ("country/lithuania", "country/poland"),
        "Baltic Sea": ("organization/nato",),
    }
    assert {"country/lithuania", "country/poland", "organization/nato"} <= {e.key for e in facts.entities}
    # counted in the summary, after the built-in kinds
    assert report.exercises == 2
    assert report.summary().split(";")[0].endswith(" events, 2 exercises")
    # validated against its own shapes too, and valid
    assert report.validation is not None and report.validation.conforms, report.validation.lines()

    # written: queryable with the core vocabulary and its own terms, with provenance
    graph = Graph().parse(data=turtle, format="turtle")
    rows = graph.query(
        "SELECT ?name ?who ?sentence WHERE { ?x a dkg:Exercise ; rdfs:label ?name ;"
        " dkg:drilling/rdfs:label ?who ; dkg:evidence ?sentence ; dkg:source/a dkg:Article }",
        initNs=PREFIXES,
    )
    found = {(str(name), str(who)) for name, who, _ in rows}
    assert found == {("Iron Wolf", "Poland"), ("Iron Wolf", "Lithuania"), ("Baltic Sea", "NATO")}

    # cached: the next build takes the facts from the cache and writes the same bytes
    again, [cached_facts], same = built(tmp_path, "again", cache)
    assert again.cached == 1
    assert cached_facts.exercises == facts.exercises
    assert same == turtle

    # drawn: a node of its class, in the colour its ontology gives, linked from who drills
    net = project(graph)
    nodes = {attrs["label"]: node for node, attrs in net.nodes(data=True) if attrs["class"] == "Exercise"}
    assert set(nodes) == {"Iron Wolf", "Baltic Sea"}
    assert net.nodes[nodes["Iron Wolf"]]["color"] == "#2a9d8f"
    drilling = {net.nodes[tail]["label"] for tail, _, a in net.in_edges(nodes["Iron Wolf"], data=True)}
    assert drilling == {"Poland", "Lithuania"}


def test_its_shapes_catch_a_broken_fact(exercise_kind, tmp_path):
    _, _, turtle = built(tmp_path, "first", tmp_path / "cache")
    graph = Graph().parse(data=turtle, format="turtle")
    exercise = next(graph.subjects(RDF.type, DKG.Exercise))
    graph.remove((exercise, RDFS.label, None))
    graph.add((exercise, DKG.drilling, URIRef("https://w3id.org/defense-kg/resource/place/suwalki")))
    report = validate(graph)
    messages = {violation.message for violation in report.errors}
    assert "An exercise has exactly one rdfs:label" in messages
    assert "What drills in an exercise is a country or an organisation" in messages


def test_a_kind_once_registered_is_a_pipeline_component_and_a_cache_key(exercise_kind):
    with_kind = pipeline_version()
    assert "kg_exercises" in kg.load_pipeline().pipe_names
    unregister("exercises")
    assert "exercises" not in {kind.name for kind in fact_kinds()}
    assert "kg_exercises" not in kg.load_pipeline().pipe_names
    assert pipeline_version() != with_kind  # facts cached without the kind are not served with it


def test_facts_of_an_unknown_kind_are_refused():
    with pytest.raises(KeyError, match="unknown fact kind 'exercises'"):
        ArticleFacts(kg.facts.Document(id="a", text="", path=""), exercises=[])
