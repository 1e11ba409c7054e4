"""Topics: statements and fundings linked to the concepts of ontology/topics.ttl."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS

from kg.facts import ArticleFacts
from kg.kinds import Statement
from kg.rdf.mapping import merge
from kg.rdf.namespaces import DKG, TOPIC
from kg.rdf.vocab import topics


def statement(facts: ArticleFacts) -> Statement:
    assert len(facts.statements) == 1, facts.statements
    return facts.statements[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We need more air defence systems before winter," said Tomas Varga.', {"air-defence"}),
        ('"Drones have changed this war," said Tomas Varga.', {"drones"}),
        ('"Our factories must make more artillery shells," said Tomas Varga.', {"ammunition"}),
        ('"The sanctions package is not enough," said Tomas Varga.', {"sanctions"}),
        ('"We will reach 3.5 percent of GDP by 2030," said Tomas Varga.', {"defence-spending"}),
        # a weapon system names the capability without the word for it
        ('"Two more NASAMS batteries are coming," said Tomas Varga.', {"air-defence"}),
        ('"Nothing about this is new," said Tomas Varga.', set()),
    ],
)
def test_statement_is_about_the_topics_its_text_names(extract, text, expected):
    assert set(statement(extract(text)).about) == expected


def test_words_outside_the_statement_do_not_count(extract):
    facts = extract("At the drone summit in Riga, Tomas Varga said that sanctions must stay in place.")
    assert statement(facts).about == ("sanctions",)


def test_capitalised_labels_match_only_as_written(extract):
    upper = statement(extract('"AI will decide the next war," said Tomas Varga.'))
    lower = statement(extract('"We said ai once, as a joke," said Tomas Varga.'))
    assert upper.about == ("artificial-intelligence",)
    assert lower.about == ()


def test_lower_case_labels_match_any_case(extract):
    assert statement(extract('"Drones, drones and DRONES," said Tomas Varga.')).about == ("drones",)


def test_funding_is_about_what_its_sentence_names(extract):
    facts = extract("Lithuania sent Ukraine €40 million for air defence and ammunition.")
    assert len(facts.fundings) == 1
    assert facts.fundings[0].about == ("air-defence", "ammunition")


def test_graph_links_statement_to_described_concept(extract):
    graph = merge([extract('"We need more drones," said Tomas Varga, the Slovak defence minister.')])
    concept = TOPIC["drones"]
    assert len(list(graph.subjects(DKG.about, concept))) == 1
    assert (concept, RDF.type, SKOS.Concept) in graph
    assert (concept, SKOS.prefLabel, Literal("drones", lang="en")) in graph


def test_every_topic_key_is_the_tail_of_its_iri():
    for key, topic in topics().items():
        assert topic.iri == TOPIC[key]
        assert topic.label in topic.match_labels
