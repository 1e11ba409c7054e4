"""Interoperability: the files kg writes read the same in four independent RDF parsers.

The parsers: rdflib (Python), Oxigraph (Rust, through pyoxigraph), and two
outside Python from Debian: raptor2's ``rapper`` (C) and serd's ``serdi`` (C).
Each must read every triple of Turtle, N-Triples, TriG and N-Quads without an
error or a warning, they must agree on the count and on the terms themselves,
and rdflib's reading must be isomorphic to the graph in memory. JSON-LD is
checked with the two parsers that read it.

The graph is the seeds plus hostile input: an article read by the pipeline
from a file whose name and title would make bad IRIs, and hand-made facts
whose texts hold quotes, backslashes, newlines, tabs, markup, Cyrillic, Greek,
Chinese and emoji and whose names hold ``<>{}|^"``. The Debian parsers are
installed by ``.ci/run``; here a missing one skips its tests, in CI it fails them.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import warnings
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import require_program
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD
from spacy.language import Language

from kg.api import article_facts
from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.kinds import Event, Funding, Role, Statement
from kg.rdf.export import named_graphs, union, write_graph
from kg.rdf.formats import FORMATS
from kg.rdf.mapping import article_iri, build_dataset, is_http_iri
from kg.rdf.namespaces import DKG

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: The texts no writer may get wrong, in every text field of the hand-made article.
HOSTILE = [
    'He said "no" twice and ended with a quote"',
    "C:\\maps\\front\\ and a trailing backslash\\",
    "line one\nline two\r\nline three",
    "a tab\there",
    "<script>alert('x')</script> & <b>bold</b>",
    "Україна переможе — Зеленський",
    "Ελλάδα και Ουκρανία",
    "我们支持乌克兰",
    "drones 🚀🛡️🇺🇦",
    "\"\"\"triple\"\"\" and '''single'''",
    "\\u0041 is not A, \\n is not a newline",
    "@prefix x: <y> . GRAPH <g> { }",
]
#: Names whose characters are forbidden in IRIs.
BAD_NAMES = ['Jean <Zorg> {Bar}|^"Baz"', "A`B\\C D", "Ünïcødé 名字"]

ARTICLE_TEXT = """\
<b>Drones</b> & "quotes": C:\\front\\ lines — Україна 🇺🇦

"We will not accept a 'ceasefire' drawn on C:\\maps\\front\\ lines," said Volodymyr Zelenskyy.

"We need air defence now, Україна переможе," Zelenskyy said.

"We stand together: Ελλάδα και Ουκρανία, 我们支持乌克兰 🚀🛡️," said Kyriakos Mitsotakis.

"We need <b>air defence</b> now\tand a \\ backslash," said Mark Rutte, the NATO Secretary General.
"""
#: A file name no IRI could hold as it is.
ARTICLE_NAME = 'hostile <{a}|^"b"> статья 文章.txt'

#: rapper's and serdi's names of each syntax.
SYNTAX = {
    "turtle": ("turtle", "turtle"),
    "nt": ("ntriples", "ntriples"),
    "trig": ("trig", "trig"),
    "nquads": ("nquads", "nquads"),
}
OXIGRAPH = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD,
}
QUADS = ("trig", "nquads")
RDF_SYNTAXES = list(SYNTAX)
PARSERS = ["rdflib", "oxigraph", "rapper", "serdi"]


def hostile_facts() -> ArticleFacts:
    """One article of hand-made facts, every text field hostile, every name a bad IRI."""
    people = [f"person/{name}" for name in BAD_NAMES]
    ev = Evidence(HOSTILE[2], 0, 10)
    return ArticleFacts(
        document=Document(
            id='hand <made> {"article"}|^',
            text="",
            path="",
            title=HOSTILE[4] + "\n" + HOSTILE[0],
            url='http://example.org/a b/<x>{y}|^`"z"\\',
            date="2025-02-30",
            publisher=HOSTILE[5],
        ),
        entities=[
            Entity(key, "Person", name, aliases=tuple(HOSTILE[i : i + 2]), same_as=("http://bad <iri>",))
            for i, (key, name) in enumerate(zip(people, BAD_NAMES, strict=True))
        ]
        + [
            Entity("organization/<nato>", "Organization", "NATO {HQ}", kind="Alliance"),
            Entity("place/{kyiv}", "Place", "Київ"),
            Entity("program/|safe|", "Program", HOSTILE[8]),
        ],
        statements=[
            Statement(people[i % 3], text, i % 2 == 0, Evidence(text, i, i + 5), about=("air-defence",))
            for i, text in enumerate(HOSTILE)
        ],
        fundings=[
            Funding("organization/<nato>", "program/|safe|", ev, HOSTILE[3], Decimal("1.5E+11"), "EUR")
        ],
        roles=[Role(people[0], HOSTILE[6], ev, "organization/<nato>")],
        events=[Event(HOSTILE[7], HOSTILE[9], ev, tuple(people), "place/{kyiv}", "2025-01-13")],
    )


@pytest.fixture(scope="module")
def dataset(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The seeds, a hostile article read by the pipeline, and the hand-made hostile facts."""
    corpus = tmp_path_factory.mktemp("corpus")
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, corpus / seed.name)
    (corpus / ARTICLE_NAME).write_text(ARTICLE_TEXT, encoding="utf-8")
    facts = list(article_facts([corpus], nlp=nlp))
    assert len(facts) == 3
    return build_dataset([*facts, hostile_facts()])


@pytest.fixture(scope="module")
def files(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The dataset written by kg.rdf.export in every RDF format."""
    folder = tmp_path_factory.mktemp("files")
    written = {}
    for fmt in [*SYNTAX, "json-ld"]:
        path = folder / ("kg" + FORMATS[fmt])
        write_graph(path, dataset, fmt)
        written[fmt] = path
    return written


def expected_count(dataset: Dataset, fmt: str) -> int:
    """Triples in the file: the union for Turtle, N-Triples, JSON-LD; all quads for TriG, N-Quads."""
    if fmt in QUADS:
        return sum(len(g) for g in named_graphs(dataset))
    return len(union(dataset))


# --- The four parsers -------------------------------------------------------------------


def debian_tool(name: str) -> str:
    return require_program(name, "raptor2-utils serdi")


def run(command: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


def read_with_rapper(path: Path, fmt: str) -> bytes:
    """N-Triples/N-Quads as rapper reads ``path``; fails on any error or warning."""
    rapper = debian_tool("rapper")
    out_syntax = "nquads" if fmt in QUADS else "ntriples"
    done = run([rapper, "-i", SYNTAX[fmt][0], "-o", out_syntax, str(path)])
    messages = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, messages
    problems = [line for line in messages.splitlines() if "Warning" in line or "Error" in line]
    assert not problems, "\n".join(problems)
    return done.stdout


def read_with_serdi(path: Path, fmt: str) -> bytes:
    """N-Triples/N-Quads as serdi (strict mode) reads ``path``; fails on any message."""
    serdi = debian_tool("serdi")
    out_syntax = "nquads" if fmt in QUADS else "ntriples"
    done = run([serdi, "-i", SYNTAX[fmt][1], "-o", out_syntax, str(path)])
    messages = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, messages
    assert not messages.strip(), messages
    return done.stdout


def read_with_rdflib(path: Path, fmt: str, caplog: pytest.LogCaptureFixture) -> Dataset:
    """``path`` read by rdflib; fails on any logged warning or Python warning."""
    dataset = Dataset()
    with caplog.at_level(logging.WARNING), warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's own API churn, not the data
        dataset.parse(path, format=fmt)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    return dataset


def oxigraph_quads(data: bytes | Path, fmt: str) -> list[ox.Quad]:
    if isinstance(data, Path):
        return list(ox.parse(path=str(data), format=OXIGRAPH[fmt]))
    return list(ox.parse(data, format=OXIGRAPH[fmt]))


def ox_key(term: object) -> tuple[str, ...]:
    """A parser-neutral key of an Oxigraph term."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", "" if term.language else term.datatype.value)
    if isinstance(term, ox.DefaultGraph):
        return ("default",)
    return ("blank",)


def rdflib_key(term: object) -> tuple[str, ...]:
    """The same key for an rdflib term."""
    if isinstance(term, URIRef):
        if str(term) == "urn:x-rdflib:default":
            return ("default",)
        return ("iri", str(term))
    if isinstance(term, Literal):
        datatype = "" if term.language else str(term.datatype or XSD.string)
        return ("literal", str(term), term.language or "", datatype)
    if isinstance(term, BNode):
        return ("blank",)
    raise TypeError(term)


def ox_keys(quads: list[ox.Quad], with_graph: bool) -> Counter:
    def key(q: ox.Quad) -> tuple:
        terms = (q.subject, q.predicate, q.object) + ((q.graph_name,) if with_graph else ())
        return tuple(ox_key(t) for t in terms)

    return Counter(key(q) for q in quads)


def rdflib_keys(dataset: Dataset, with_graph: bool) -> Counter:
    keys: Counter = Counter()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        terms = (s, p, o) + ((g,) if with_graph else ())
        keys[tuple(rdflib_key(t) for t in terms)] += 1
    return keys


# --- The tests ----------------------------------------------------------------------------


def test_the_graph_is_hostile_enough(dataset: Dataset) -> None:
    """The test would prove little if the hostile strings had not reached the graph."""
    literals = {str(o) for _, _, o, _ in dataset.quads((None, None, None, None)) if isinstance(o, Literal)}
    text = "\n".join(literals)
    for needle in ['"', "\\", "\n", "\r", "\t", "<script>", "Україна", "Ελλάδα", "我们", "🚀", '"""']:
        assert needle in text, needle
    for name in BAD_NAMES:
        assert name in literals
    iris = {str(t) for quad in dataset.quads((None, None, None, None)) for t in quad if isinstance(t, URIRef)}
    assert all(is_http_iri(iri) for iri in iris - {"urn:x-rdflib:default"}), sorted(
        i for i in iris if not is_http_iri(i)
    )
    pipeline_article = [g for g in named_graphs(dataset) if "hostile" in str(g.identifier)]
    assert len(pipeline_article) == 1
    assert any("Україна" in str(t) for t in pipeline_article[0].objects(None, DCTERMS.title))
    assert len(list(pipeline_article[0].subjects(RDF.type, DKG.Statement))) >= 3


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("fmt", RDF_SYNTAXES)
def test_every_parser_reads_every_triple(
    dataset: Dataset, files: dict[str, Path], fmt: str, parser: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = files[fmt]
    if parser == "rdflib":
        count = sum(1 for _ in read_with_rdflib(path, fmt, caplog).quads((None, None, None, None)))
    elif parser == "oxigraph":
        count = len(oxigraph_quads(path, fmt))
    elif parser == "rapper":
        count = len(oxigraph_quads(read_with_rapper(path, fmt), "nquads"))
    else:
        count = len(oxigraph_quads(read_with_serdi(path, fmt), "nquads"))
    assert count == expected_count(dataset, fmt)


@pytest.mark.parametrize("fmt", RDF_SYNTAXES)
def test_the_parsers_agree_on_every_term(
    files: dict[str, Path], fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Not just the count: the same IRIs, lexical forms, languages, datatypes and graphs."""
    with_graph = fmt in QUADS
    reference = ox_keys(oxigraph_quads(files[fmt], fmt), with_graph)
    assert rdflib_keys(read_with_rdflib(files[fmt], fmt, caplog), with_graph) == reference
    assert ox_keys(oxigraph_quads(read_with_rapper(files[fmt], fmt), "nquads"), with_graph) == reference
    assert ox_keys(oxigraph_quads(read_with_serdi(files[fmt], fmt), "nquads"), with_graph) == reference


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_single_graph_files_round_trip_isomorphic(
    dataset: Dataset, files: dict[str, Path], fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    back = Graph()
    for s, p, o, _ in read_with_rdflib(files[fmt], fmt, caplog).quads((None, None, None, None)):
        back.add((s, p, o))
    expected = union(dataset)
    assert len(back) == len(expected)
    assert isomorphic(back, expected)


@pytest.mark.parametrize("fmt", QUADS)
def test_quad_files_round_trip_isomorphic_graph_by_graph(
    dataset: Dataset, files: dict[str, Path], fmt: str, caplog: pytest.LogCaptureFixture
) -> None:
    back = read_with_rdflib(files[fmt], fmt, caplog)
    expected = {g.identifier: g for g in named_graphs(dataset)}
    found = {g.identifier: g for g in named_graphs(back)}
    assert set(found) == set(expected)
    assert article_iri('hand <made> {"article"}|^') in found
    for name, graph in expected.items():
        assert isomorphic(found[name], graph), name


def test_json_ld_reads_the_same_in_oxigraph(dataset: Dataset, files: dict[str, Path]) -> None:
    """JSON-LD has no parser in Debian's raptor or serd; Oxigraph's must agree with rdflib's."""
    quads = oxigraph_quads(files["json-ld"], "json-ld")
    assert len(quads) == expected_count(dataset, "json-ld")
    expected = Dataset()
    for triple in union(dataset):
        expected.add(triple)
    assert ox_keys(quads, with_graph=False) == rdflib_keys(expected, with_graph=False)
