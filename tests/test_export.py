"""Tests for kg.rdf.export: every RDF format round-trips, bytes are reproducible, writes are atomic.

The facts are invented and deliberately hostile: quotes, backslashes, control
characters, markup, Cyrillic and emoji all travel through every format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SKOS

from kg.builder.output import graph_bytes, write_file
from kg.facts import ArticleFacts, Document, Entity, Evidence
from kg.kinds import Event, Funding, Role, Statement
from kg.rdf import export
from kg.rdf.export import serialize, write_atomic, write_graph
from kg.rdf.formats import FORMATS, NETWORK_FORMATS, RDF_FORMATS, format_for
from kg.rdf.mapping import article_iri, build_dataset, merge
from kg.rdf.namespaces import DEFAULT_BASE, DKG, PREFIXES

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    'He said "no" twice',
    "C:\\path\\to\\file\\",
    "line one\nline two\r\nline three",
    "col\tcol",
    "<script>alert('x')</script>",
    "Зеленський",
    "drones 🚀🇺🇦",
    '"""',
    "'''",
    'ends with a quote"',
    "a b <c> {d}",
    "\\u0041 is not A",
    "@prefix x: <y> .",
]
MARSH = "person/elena-marsh"
FUND = "program/shell-production-fund"
UA = "country/ukraine"


def hostile_article(doc_id: str, n: int) -> ArticleFacts:
    """An article whose every text field is one of the hostile strings."""
    ev = Evidence(HOSTILE[n % len(HOSTILE)], n, n + 10)
    texts = [HOSTILE[(n + i) % len(HOSTILE)] for i in range(len(HOSTILE))]
    return ArticleFacts(
        document=Document(
            id=doc_id,
            text="",
            path="",
            title=texts[0],
            url=texts[1],
            publisher=texts[2],
        ),
        entities=[
            Entity(
                MARSH,
                "Person",
                "Elena Marsh",
                aliases=tuple(texts[3:6]),
                mentions=n + 1,
            ),
            Entity(UA, "Country", "Ukraine", aliases=("Україна",)),
            Entity(FUND, "Program", texts[6], kind="Ministry"),
            Entity("organization/x", "Organization", "a b <c> {d}", kind="Forum"),
        ],
        statements=[Statement(MARSH, text, i % 2 == 0, ev) for i, text in enumerate(texts)],
        fundings=[Funding(UA, FUND, ev, texts[7], Decimal("2.5E+9"), "EUR")],
        roles=[Role(MARSH, texts[8], ev, "organization/x")],
        events=[Event(texts[9], "talks", ev, (MARSH, UA), "place/kyiv", "2025-01-13")],
    )


def sample_facts() -> list[ArticleFacts]:
    """Three articles; two spell Elena Marsh's name differently."""
    facts = [hostile_article(f"00{n}_hostile", n) for n in range(3)]
    facts[2].entities[0] = Entity(MARSH, "Person", "ELENA MARSH", mentions=5)
    return facts


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(sample_facts())


@pytest.fixture(scope="module")
def union() -> Graph:
    return merge(sample_facts())


# --- Round trips ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_union_formats_round_trip(dataset: Dataset, union: Graph, fmt: str) -> None:
    back = Graph().parse(data=serialize(dataset, fmt), format=fmt)
    assert len(back) == len(union)
    assert isomorphic(back, union)
    texts = {str(o) for o in back.objects(None, DKG.text)}
    assert set(HOSTILE) <= texts


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_quad_formats_round_trip(dataset: Dataset, fmt: str) -> None:
    back = Dataset().parse(data=serialize(dataset, fmt), format=fmt)
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert {g.identifier for g in back.graphs() if len(g)} == names
    assert len(names) == 3
    for name in names:
        assert len(back.graph(name)) == len(dataset.graph(name))
        assert isomorphic(back.graph(name), dataset.graph(name))


def test_union_of_a_dataset_is_the_merge(dataset: Dataset, union: Graph) -> None:
    assert isomorphic(export.union(dataset), union)
    assert serialize(dataset, "turtle") == serialize(union, "turtle")


def test_exported_union_has_one_label_per_entity(dataset: Dataset) -> None:
    back = Graph().parse(data=serialize(dataset, "turtle"), format="turtle")
    marsh = URIRef(DEFAULT_BASE + MARSH)
    assert list(back.objects(marsh, RDFS.label)) == [Literal("Elena Marsh")]
    assert Literal("ELENA MARSH") in set(back.objects(marsh, SKOS.altLabel))
    assert list(back.objects(marsh, DKG.mentionCount)) == [Literal(1 + 2 + 5)]


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_plain_graph_goes_to_the_default_graph_of_quad_formats(union: Graph, fmt: str) -> None:
    back = Dataset().parse(data=serialize(union, fmt), format=fmt)
    assert isomorphic(back.default_graph, union)


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_empty_dataset_serializes(fmt: str) -> None:
    data = serialize(build_dataset([]), fmt)
    if fmt in ("trig", "nquads"):
        assert len(Dataset().parse(data=data, format=fmt)) == 0
    else:
        assert len(Graph().parse(data=data, format=fmt)) == 0


@pytest.mark.parametrize("fmt", list(NETWORK_FORMATS))
def test_empty_dataset_is_an_empty_network(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / ("kg" + FORMATS[fmt])
    path.write_bytes(graph_bytes(build_dataset([]), fmt))
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == 0


def test_json_ld_uses_the_project_prefixes(dataset: Dataset) -> None:
    text = serialize(dataset, "json-ld").decode("utf-8")
    assert '"dkg": "https://w3id.org/defense-kg/ontology#"' in text
    assert '"dkg:speaker"' in text and '"@type": "dkg:Statement"' in text


def test_json_ld_context_binds_every_project_prefix(dataset: Dataset) -> None:
    document = json.loads(serialize(dataset, "json-ld"))
    assert document["@context"] == {p: str(ns) for p, ns in PREFIXES.items()}
    assert document["@graph"], "the nodes are under @graph"
    expanded = pyoxigraph.parse(serialize(dataset, "json-ld"), format=pyoxigraph.RdfFormat.JSON_LD)
    assert len(list(expanded)) == len(merge(sample_facts()))


def test_format_for_reads_the_extension() -> None:
    for fmt, suffix in FORMATS.items():
        assert format_for(Path("graph" + suffix.upper())) == fmt
    assert format_for("graph.json") == "json-ld"
    assert format_for("graph.unknown") == "turtle"
    assert format_for(None) == "turtle"


def test_unknown_format_is_rejected(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        serialize(dataset, "rdfxml")


# --- Determinism ----------------------------------------------------------------

DUMP = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from kg.builder.output import graph_bytes
from kg.rdf.mapping import build_dataset
from test_export import sample_facts
sys.stdout.buffer.write(graph_bytes(build_dataset(sample_facts()), {fmt!r}))
"""


def dump_in_subprocess(fmt: str, seed: str) -> bytes:
    code = DUMP.format(root=str(ROOT), tests=str(ROOT / "tests"), fmt=fmt)
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    return done.stdout


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_bytes_are_identical_across_hash_seeds(dataset: Dataset, fmt: str) -> None:
    one = dump_in_subprocess(fmt, "1")
    two = dump_in_subprocess(fmt, "4242")
    assert one, "the subprocess wrote nothing"
    assert one == two
    assert one == graph_bytes(dataset, fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_article_order_does_not_change_the_bytes(fmt: str) -> None:
    facts = sample_facts()
    forward = graph_bytes(build_dataset(facts), fmt)
    backward = graph_bytes(build_dataset(reversed(facts)), fmt)
    assert forward == backward


# --- Writing files ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(RDF_FORMATS))
def test_write_graph_counts_what_it_writes(tmp_path: Path, dataset: Dataset, fmt: str) -> None:
    path = tmp_path / ("kg" + FORMATS[fmt])
    n = write_graph(path, dataset, fmt)
    if fmt in ("trig", "nquads"):
        back = Dataset().parse(path, format=fmt)
        assert n == sum(len(g) for g in back.graphs()) == sum(len(g) for g in dataset.graphs())
    else:
        assert n == len(Graph().parse(path, format=fmt)) == len(merge(sample_facts()))


@pytest.mark.parametrize("fmt", list(NETWORK_FORMATS))
def test_write_graph_writes_networks(tmp_path: Path, dataset: Dataset, fmt: str) -> None:
    path = tmp_path / ("kg" + FORMATS[fmt])
    assert write_file(path, dataset, fmt) == len(merge(sample_facts()))
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert URIRef(DEFAULT_BASE + MARSH) in set(map(URIRef, back.nodes))


def test_write_atomic_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kg.ttl"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["kg.ttl"]


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kg.ttl"
    path.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(export.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_atomic(path, b"new" * 1000)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["kg.ttl"]


def test_write_graph_keeps_the_old_file_when_serialization_fails(
    tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kg.nt"
    path.write_bytes(b"old")

    def broken_writer(data: Graph) -> bytes:
        raise RuntimeError("serializer crashed")

    monkeypatch.setitem(export._WRITERS, "nt", broken_writer)
    with pytest.raises(RuntimeError):
        write_graph(path, dataset, "nt")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["kg.nt"]


def test_write_atomic_leaves_nothing_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kg.ttl"

    def broken_fsync(fd: int) -> None:
        raise OSError("fsync failed")

    monkeypatch.setattr(export.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="fsync"):
        write_atomic(path, b"data")
    assert os.listdir(tmp_path) == []


def test_article_graph_names_are_article_iris(dataset: Dataset) -> None:
    text = serialize(dataset, "trig").decode("utf-8")
    for n in range(3):
        assert f"<{article_iri(f'00{n}_hostile')}>" in text


def test_turtle_describes_each_subject_in_one_block() -> None:
    """Subjects whose IRIs prefix one another ("a", "a-b", "a/b", "a>"...) are not split apart."""
    graph = Graph()
    names = ["a", "a-b", "a/b", "a/b/c", "ab", "a0", "a%20b"]
    for name in names:
        node = URIRef(DEFAULT_BASE + "person/" + name)
        for n in range(3):
            graph.add((node, RDFS.label, Literal(f"{name} {n}")))
            graph.add((node, DKG.mentions, URIRef(DEFAULT_BASE + f"place/p{n}")))
    text = serialize(graph, "turtle").decode()
    blocks = [line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("<")]
    assert sorted(blocks) == sorted(f"<{DEFAULT_BASE}person/{name}>" for name in names)
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
