"""RDF terms as N-Triples text (kg.rdf.terms): what every build writes goes through them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.kinds import Statement
from kg.rdf import terms
from kg.rdf.mapping import article_triples
from kg.rdf.union import FileUnion, UnionTally, copies_ntriples, split_line

# A plain Namespace: pytest probes module globals, and rdflib.XSD warns on unknown names.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# Text as articles carry it: quotes, backslashes, line breaks, tabs, controls, non-ASCII.
AWKWARD = [
    "plain",
    'He said "no" twice',
    "a back\\slash",
    "two\nlines\r\nand\ttab",
    "bell\x07 and del\x7f",
    "Zürich – “smart quotes” ✓ 😀",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_a_literal_parses_back_to_its_text(text: str) -> None:
    term = terms.literal(text)
    parsed = next(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES)).object
    assert parsed.value == text
    assert terms.literal_value(term) == text
    assert terms.to_rdflib(term) == Literal(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_rdflib_terms_round_trip(text: str) -> None:
    for term in (Literal(text), Literal(text, lang="de"), Literal("12", datatype=XSD.integer)):
        assert terms.to_rdflib(terms.from_rdflib(term)) == term
    iri = URIRef("https://example.org/a/b#c")
    assert terms.from_rdflib(iri) == "<https://example.org/a/b#c>"
    assert terms.to_rdflib(terms.from_rdflib(iri)) == iri


def test_an_xsd_string_literal_is_a_plain_literal() -> None:
    assert terms.literal("x", str(XSD.string)) == terms.literal("x") == '"x"'


def test_an_iri_of_a_uriref_is_plain_text() -> None:
    """A URIRef is a str subclass whose + makes URIRefs: terms must stay plain strings."""
    term = terms.iri(URIRef("https://example.org/x"))
    assert type(term) is str and term == "<https://example.org/x>"


def test_integer_value_reads_only_integers() -> None:
    assert terms.integer_value(terms.literal("42", str(XSD.integer))) == 42
    assert terms.integer_value(terms.literal("42")) is None
    assert terms.integer_value(terms.literal("4.2", str(XSD.decimal))) is None
    assert terms.integer_value("<https://example.org/integer>") is None


def test_vocabulary_terms() -> None:
    vocab = terms.Vocabulary("https://example.org/ns#")
    assert vocab.speaker == vocab["speaker"] == "<https://example.org/ns#speaker>"
    with pytest.raises(AttributeError):
        vocab._private  # noqa: B018


def test_split_line_gives_back_the_terms() -> None:
    triple = ("<x:s>", "<x:p>", terms.literal('a "quoted" text . with dots', language="en"))
    assert split_line(terms.line(triple)) == triple


def _facts(label: str, text: str) -> ArticleFacts:
    ev = Evidence(f"“{text},” said {label}.", 0, 20)
    return ArticleFacts(
        document=Document(id="a1", text=ev.text, path="a1.txt", title='A "title"\nover two lines'),
        entities=[Entity(key="person/jane-roe", type="Person", label=label, mentions=2)],
        statements=[Statement(speaker="person/jane-roe", text=text, evidence=ev, direct=True)],
    )


def test_article_triples_are_valid_ntriples_that_rdflib_reads_the_same() -> None:
    facts = _facts("Jane \\Roe", 'We will "never" stop\tnow')
    triples = article_triples(facts)
    data = "".join(map(terms.line, triples)).encode()
    parsed = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == len(triples)
    assert {(str(q.subject), str(q.predicate), str(q.object)) for q in parsed} == set(triples)
    by_rdflib = Graph().parse(data=data, format="nt")
    assert set(by_rdflib) == {tuple(map(terms.to_rdflib, t)) for t in triples}


def test_the_union_of_two_articles_sums_counts_and_keeps_one_label() -> None:
    union = FileUnion()
    union.add(article_triples(_facts("Jane Roe", "first")))
    union.add(article_triples(_facts("Jane Roe", "second")))
    union.add(article_triples(_facts("J. Roe", "third")))
    graph = Graph().parse(data=union.ntriples(), format="nt")
    jane = URIRef("https://w3id.org/defense-kg/resource/person/jane-roe")
    labels = list(graph.objects(jane, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    alt = list(graph.objects(jane, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    count = graph.value(jane, URIRef("https://w3id.org/defense-kg/ontology#mentionCount"))
    assert labels == [Literal("Jane Roe")] and alt == [Literal("J. Roe")]
    assert count == Literal(6)


def test_union_tally_merges_like_one_tally() -> None:
    articles = [article_triples(_facts(label, label)) for label in ("A", "B", "B")]
    one, parts = UnionTally(), [UnionTally() for _ in articles]
    kept_one = {t for triples in articles for t in one.copies(triples)}
    kept_parts = {t for part, triples in zip(parts, articles, strict=True) for t in part.copies(triples)}
    merged = UnionTally()
    for part in parts:
        merged.merge(part)
    assert kept_one == kept_parts
    assert sorted(one.settled()) == sorted(merged.settled())


def test_a_union_merged_from_worker_batches_is_the_union_added_article_by_article() -> None:
    articles = [
        article_triples(_facts(name, said)) for name, said in [("Jane Roe", "a"), ("J. Roe", "b")] * 3
    ]
    one = FileUnion()
    for triples in articles:
        one.add(triples)
    merged = FileUnion()
    for batch in (articles[:2], articles[2:3], articles[3:]):  # batches that repeat each other's triples
        merged.merge(*copies_ntriples(batch))
    assert merged.ntriples() == one.ntriples()
    lines = one.ntriples().splitlines()
    assert lines == sorted(set(lines)) and len(merged) == len(one)
