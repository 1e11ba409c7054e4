"""Fuzzed writers (issue 23): any text in any field of any fact reads back as the same graph.

Hypothesis makes one article whose every text field (title, url, publisher,
labels, aliases, quotes, evidence, amounts' text, role titles, event names,
dates) and every entity key and document id is arbitrary Unicode (controls,
NUL, quotes, backslashes, noncharacters, astral planes). kg writes Turtle,
N-Triples and TriG; rdflib, Oxigraph and raptor's ``rapper`` must each read
back exactly the graph kg holds in memory, term for term. Any name must give
an IRI that Oxigraph and rapper accept. Example counts are modest: each
example runs ``rapper`` three times.
"""

from __future__ import annotations

import logging
import tempfile
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset
from test_interop import (
    QUADS,
    ox_keys,
    oxigraph_quads,
    rdflib_keys,
    read_with_rapper,
    read_with_rdflib,
)

from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.kinds import Event, Funding, Role, Statement
from kg.rdf.export import named_graphs, union, write_graph
from kg.rdf.formats import FORMATS
from kg.rdf.mapping import article_iri, build_dataset, entity_iri, is_http_iri

#: Any Unicode a Python str holds and UTF-8 can write (lone surrogates cannot be written at all).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
#: Characters writers most often get wrong, drawn more often than chance would draw them.
NASTY = st.sampled_from(
    [
        '"',
        "'",
        "\\",
        "\n",
        "\r",
        "\t",
        "\x00",
        "\x7f",
        "<",
        ">",
        "{",
        "}",
        "|",
        "^",
        "`",
        " ",
        "\ufffe",
        "\uffff",
        "\u2028",
        "🇺🇦",
        "@",
        "#",
        "%",
        ":",
        ".",
    ]
)
TEXT = st.one_of(ANY_TEXT, st.lists(st.one_of(NASTY, ANY_TEXT), max_size=6).map("".join))
OPTIONAL = st.none() | TEXT
ENTITY_TYPES = ("Person", "Organization", "Country", "Place", "Program")

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def articles(draw: st.DrawFn) -> ArticleFacts:
    """One article of facts, every text field and every name drawn by Hypothesis."""
    types = draw(st.lists(st.sampled_from(ENTITY_TYPES), min_size=2, max_size=4))
    entities = [
        Entity(
            f"{kind.lower()}/{draw(TEXT)}-{n}",
            kind,
            draw(TEXT),
            aliases=tuple(draw(st.lists(TEXT, max_size=2))),
            mentions=draw(st.integers(1, 5)),
        )
        for n, kind in enumerate(types)
    ]
    keys = [e.key for e in entities]

    def evidence() -> Evidence:
        text = draw(TEXT)
        return Evidence(text, 0, len(text))

    return ArticleFacts(
        document=Document(
            id=draw(TEXT),
            text="",
            path=draw(TEXT),
            title=draw(OPTIONAL),
            url=draw(OPTIONAL),
            date=draw(OPTIONAL),
            publisher=draw(OPTIONAL),
        ),
        entities=entities,
        statements=[Statement(keys[0], draw(TEXT), draw(st.booleans()), evidence(), about=())],
        fundings=[Funding(keys[0], keys[1], evidence(), draw(TEXT), Decimal("1.5E+6"), "EUR")],
        roles=[Role(keys[0], draw(TEXT), evidence(), keys[1])],
        events=[Event(draw(TEXT), draw(TEXT), evidence(), (keys[0], keys[1]), keys[-1], draw(OPTIONAL))],
    )


def written(dataset: Dataset, fmt: str, folder: Path) -> Path:
    path = folder / ("kg" + FORMATS[fmt])
    write_graph(path, dataset, fmt)
    return path


def expected_keys(dataset: Dataset, fmt: str):
    """The graph kg holds in memory, as parser-neutral keys: graph by graph for TriG, the union else."""
    if fmt in QUADS:
        expected = Dataset()
        for graph in named_graphs(dataset):
            for triple in graph:
                expected.graph(graph.identifier).add(triple)
        return rdflib_keys(expected, with_graph=True)
    expected = Dataset()
    for triple in union(dataset):
        expected.add(triple)
    return rdflib_keys(expected, with_graph=False)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "trig"])
def test_any_text_in_any_field_reads_back_the_same_in_rdflib_oxigraph_and_rapper(fmt: str, caplog) -> None:
    @FUZZ
    @given(article=articles())
    def check(article: ArticleFacts) -> None:
        dataset = build_dataset([article])
        with_graph = fmt in QUADS
        expected = expected_keys(dataset, fmt)
        with tempfile.TemporaryDirectory() as folder:
            path = written(dataset, fmt, Path(folder))
            caplog.clear()
            assert rdflib_keys(read_with_rdflib(path, fmt, caplog), with_graph) == expected
            assert ox_keys(oxigraph_quads(path, fmt), with_graph) == expected
            assert ox_keys(oxigraph_quads(read_with_rapper(path, fmt), "nquads"), with_graph) == expected

    with caplog.at_level(logging.WARNING):
        check()


@FUZZ
@given(name=TEXT)
def test_any_name_gives_a_valid_iri(name: str) -> None:
    for iri in (str(article_iri(name)), str(entity_iri(f"person/{name}")), str(entity_iri(name))):
        assert is_http_iri(iri), iri
        ox.NamedNode(iri)  # raises on an invalid IRI
        line = f"<{iri}> <http://example.org/p> <{iri}> .\n".encode()
        assert len(list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))) == 1
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "one.nt"
            path.write_bytes(line)
            assert read_with_rapper(path, "nt") == line
