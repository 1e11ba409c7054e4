"""One table of file formats (kg.rdf.formats): every command reads an extension the same way.

``kg build`` picks the format to write, ``kg validate`` the rdflib parser,
``kg query`` and ``kg push`` the Oxigraph parser, all from that table: a
file one of them accepts, the others accept as the same format.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDFS

from kg.builder.output import graph_bytes
from kg.rdf.export import serialize
from kg.rdf.formats import (
    FORMATS,
    NETWORK_FORMATS,
    QUAD_FORMATS,
    RDF_FORMATS,
    TABLE,
    by_name,
    format_for,
    from_path,
    rdf_extensions,
    rdf_from_path,
)
from kg.rdf.validate import parser_for, read_graph
from kg.sparql.push import PushError, open_source
from kg.sparql.query import QueryError, open_graph

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

ARTICLE = URIRef("https://w3id.org/defense-kg/resource/article/a")
PERSON = URIRef("https://w3id.org/defense-kg/resource/person/ada")


@pytest.fixture
def dataset() -> Dataset:
    data = Dataset()
    data.graph(ARTICLE).add((PERSON, RDFS.label, Literal("Ada")))
    data.graph(ARTICLE).add((PERSON, RDFS.comment, Literal("a minister")))
    return data


def test_the_table_names_each_format_and_extension_once() -> None:
    names = [f.name for f in TABLE]
    extensions = [e for f in TABLE for e in f.extensions]
    assert len(set(names)) == len(names) and len(set(extensions)) == len(extensions)
    assert FORMATS == RDF_FORMATS | NETWORK_FORMATS and set(FORMATS) == set(names)
    assert {"trig", "nquads"} == QUAD_FORMATS
    assert set(NETWORK_FORMATS) == {"graphml", "gexf"}
    assert rdf_extensions() == ".ttl .nt .jsonld .trig .nq"


@pytest.mark.parametrize("entry", TABLE, ids=lambda f: f.name)
def test_every_extension_and_alias_reads_as_its_format(entry) -> None:
    for extension in entry.extensions:
        path = Path("graph" + extension.upper())
        assert format_for(path) == entry.name and from_path(path) is entry
        assert (rdf_from_path(path) is entry) == entry.rdf
        if entry.rdf:
            assert parser_for(path) == entry.name  # kg's names are rdflib's parser names


def test_unknown_names_and_extensions() -> None:
    assert format_for("graph.xyz") == "turtle" and format_for("graph.xyz", "nt") == "nt"
    assert from_path(None) is None and rdf_from_path("graph.gexf") is None
    assert parser_for("graph.rdf") == "xml"  # another RDF syntax: read as rdflib guesses it
    with pytest.raises(ValueError, match="unknown format 'rdfxml'"):
        by_name("rdfxml")


@pytest.mark.parametrize("name", list(RDF_FORMATS))
def test_what_kg_writes_parses_with_the_oxigraph_format_of_its_entry(name: str, dataset: Dataset) -> None:
    entry = by_name(name)
    quads = list(ox.parse(serialize(dataset, name), format=entry.oxigraph))
    assert len(quads) == 2
    named = {str(q.graph_name) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert named == ({f"<{ARTICLE}>"} if entry.quads else set())


@pytest.mark.parametrize("entry", [f for f in TABLE if f.rdf], ids=lambda f: f.name)
def test_query_push_and_validate_read_every_extension_alike(entry, dataset: Dataset, tmp_path: Path) -> None:
    for extension in entry.extensions:
        path = tmp_path / ("graph" + extension)
        path.write_bytes(serialize(dataset, entry.name))
        assert len(open_graph([path])) == 2, extension
        assert len(open_source(path)) == 2, extension
        data = read_graph(path)
        assert isinstance(data, Dataset) == entry.quads, extension
        triples = sum(1 for _ in data.quads((None, None, None, None))) if entry.quads else len(data)
        assert triples == 2, extension


def test_a_network_file_is_no_graph_to_query_or_push(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "graph.gexf"
    path.write_bytes(graph_bytes(dataset, "gexf"))
    with pytest.raises(QueryError, match=r"unknown graph format; use one of \.ttl \.nt \.jsonld \.trig \.nq"):
        open_graph([path])
    with pytest.raises(PushError, match=r"unknown format; use one of \.ttl \.nt \.jsonld \.trig \.nq"):
        open_source(path)


def test_the_rdf_writer_leaves_networks_to_the_caller(dataset: Dataset) -> None:
    """kg.rdf.export writes RDF only; GraphML and GEXF are drawn by kg.builder.output's caller side.

    (That kg.rdf imports nothing of kg.network is checked over the sources in test_imports.)
    """
    for fmt in NETWORK_FORMATS:
        with pytest.raises(ValueError, match=f"unknown format '{fmt}'; choose one of turtle, nt, json-ld"):
            serialize(dataset, fmt)
        assert graph_bytes(dataset, fmt).startswith(b"<?xml")
