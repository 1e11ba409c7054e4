"""The persistent store of ``kg build --store``: the same graph as in memory, rebuilt in place.

Every test writes a real Oxigraph store on disk and reads it back through
Oxigraph or rdflib; nothing is mocked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import write_corpus
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from spacy.language import Language

import kg.sparql.store
from kg.api import article_facts, build
from kg.cli import main
from kg.rdf.export import named_graphs, serialize
from kg.rdf.mapping import article_iri, build_dataset
from kg.sparql.query import run as kg_query
from kg.sparql.store import (
    COMPACT_AFTER_QUADS,
    compact,
    dump_nquads,
    graph_names,
    is_store,
    open_store,
    replace_graphs,
    store_articles,
    to_dataset,
    union_graph,
    write_dataset,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KG = Path(sys.executable).parent / "kg"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


@pytest.fixture(scope="module")
def seed_facts(nlp: Language) -> list:
    return list(article_facts([SEEDS], nlp=nlp))


@pytest.fixture(scope="module")
def memory(seed_facts: list) -> Dataset:
    """The seeds built in memory, as ``kg build -o`` builds them."""
    return build_dataset(seed_facts)


def quads(store: ox.Store) -> set[str]:
    """The store's content as a set of N-Quads lines: comparable whatever the store order."""
    return set(dump_nquads(store).decode("utf-8").splitlines())


def union_of(dataset: Dataset) -> Graph:
    """The set union of a dataset's graphs (what a store's union default graph holds)."""
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


# --- Same results as in memory -----------------------------------------------------------


def test_store_holds_the_in_memory_dataset_graph_by_graph(tmp_path: Path, seed_facts, memory) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    written = store_articles(store, seed_facts)
    assert written == sum(len(g) for g in named_graphs(memory)) == len(store)
    back = to_dataset(store)
    expected = {g.identifier: g for g in named_graphs(memory)}
    found = {g.identifier: g for g in named_graphs(back)}
    assert set(found) == set(expected) == {article_iri(f.document.id) for f in seed_facts}
    assert graph_names(store) == sorted(str(name) for name in expected)
    for name, graph in expected.items():
        assert isomorphic(found[name], graph), name


def test_store_union_is_the_in_memory_union(tmp_path: Path, seed_facts, memory) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    union = union_graph(store)
    assert len(union) == len(union_of(memory))
    assert isomorphic(union, union_of(memory))


def test_store_exports_the_same_turtle_as_the_build(tmp_path: Path, seed_facts, memory) -> None:
    """Merged the way kg.rdf.export merges (one label, summed counts): the very same bytes."""
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    assert serialize(to_dataset(store), "turtle") == serialize(memory, "turtle")
    assert serialize(to_dataset(store), "trig") == serialize(memory, "trig")


def test_store_answers_union_queries_like_rdflib(tmp_path: Path, seed_facts, memory) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    query = """
        PREFIX dkg: <https://w3id.org/defense-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?speaker ?text WHERE {
          ?s a dkg:Statement ; dkg:speaker/rdfs:label ?speaker ; dkg:text ?text .
        }"""
    in_store = {
        (b["speaker"].value, b["text"].value) for b in store.query(query, use_default_graph_as_union=True)
    }
    in_memory = {(str(r[0]), str(r[1])) for r in union_of(memory).query(query)}
    assert in_store == in_memory
    assert len(in_store) > 10


def test_write_dataset_and_streaming_write_the_same_quads(tmp_path: Path, seed_facts, memory) -> None:
    streamed = open_store(tmp_path / "streamed", read_only=False)
    store_articles(streamed, seed_facts)
    whole = open_store(tmp_path / "whole", read_only=False)
    assert write_dataset(whole, memory) == len(whole)
    assert quads(streamed) == quads(whole)


def test_small_batches_write_the_same_quads(tmp_path: Path, seed_facts) -> None:
    one = open_store(tmp_path / "one", read_only=False)
    store_articles(one, seed_facts)
    many = open_store(tmp_path / "many", read_only=False)
    written = store_articles(many, seed_facts, batch_quads=37)
    assert written == len(one)
    assert quads(many) == quads(one)


def test_compacting_a_store_loaded_in_batches_merges_its_files_and_keeps_its_quads(
    tmp_path: Path, seed_facts
) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    written = store_articles(store, seed_facts, batch_quads=20)
    before, files_before = quads(store), sst_files(tmp_path / "store")
    assert compact(store, written + COMPACT_AFTER_QUADS)
    assert quads(store) == before
    assert sst_files(tmp_path / "store") < files_before


def test_a_small_rebuild_is_not_worth_compacting(tmp_path: Path, seed_facts) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts, batch_quads=20)
    files_before = sst_files(tmp_path / "store")
    assert not compact(store, COMPACT_AFTER_QUADS - 1)
    assert sst_files(tmp_path / "store") == files_before


def sst_files(folder: Path) -> int:
    """RocksDB's table files: each bulk load adds some, compacting merges them."""
    return len(list(folder.glob("*.sst")))


# --- Rebuilding in place --------------------------------------------------------------------


def test_rebuilding_the_same_articles_leaves_the_store_unchanged(tmp_path: Path, seed_facts) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    before = quads(store)
    store_articles(store, seed_facts)
    store_articles(store, seed_facts[:1])
    assert quads(store) == before
    assert len(store) == len(before)


def test_rebuilding_an_article_replaces_its_graph_only(tmp_path: Path, extract, seed_facts) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    first, second = (ox.NamedNode(str(article_iri(f.document.id))) for f in seed_facts)
    second_before = set(map(str, store.quads_for_pattern(None, None, None, second)))
    changed = extract(
        "“We will buy 200 reconnaissance drones,” said Kalle Tamm.", id=seed_facts[0].document.id
    )
    store_articles(store, [changed])
    first_after = list(store.quads_for_pattern(None, None, None, first))
    assert 0 < len(first_after) < 60  # the long seed article's graph is gone, the new one is in
    assert any("reconnaissance drones" in str(q.object) for q in first_after)
    assert set(map(str, store.quads_for_pattern(None, None, None, second))) == second_before
    assert quads(store) == quads(_fresh(tmp_path / "fresh", [changed, seed_facts[1]]))


def _fresh(path: Path, facts: list) -> ox.Store:
    store = open_store(path, read_only=False)
    store_articles(store, facts)
    return store


def test_replace_graphs_keeps_two_graphs_of_one_name_in_one_call(tmp_path: Path, seed_facts) -> None:
    """Two articles whose ids slug the same name share the graph, as build_dataset shares it."""
    store = open_store(tmp_path / "store", read_only=False)
    name = article_iri("same")
    a, b = Graph(identifier=name), Graph(identifier=name)
    memory = build_dataset(seed_facts)
    for graph, source in zip((a, b), named_graphs(memory), strict=True):
        for triple in source:
            graph.add(triple)
    assert replace_graphs(store, [a, b], batch_quads=10) == len(a) + len(b)
    assert len(store) == len(set(a) | set(b))


# --- Opening ----------------------------------------------------------------------------------


def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_store(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        open_store(tmp_path / "empty")


def test_writable_open_refuses_a_folder_of_other_files_and_a_file(tmp_path: Path) -> None:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "letter.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        open_store(tmp_path / "documents", read_only=False)
    assert sorted(p.name for p in (tmp_path / "documents").iterdir()) == ["letter.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        open_store(tmp_path / "file", read_only=False)


def test_a_store_reopens_read_only_with_its_graphs(tmp_path: Path, seed_facts) -> None:
    path = tmp_path / "store"
    store = open_store(path, read_only=False)
    store_articles(store, seed_facts)
    expected = quads(store)
    del store
    assert is_store(path)
    reader = open_store(path)
    assert quads(reader) == expected
    with pytest.raises((OSError, RuntimeError)):
        reader.add(ox.Quad(ox.NamedNode("http://x.org/s"), ox.NamedNode("http://x.org/p"), ox.Literal("o")))


# --- kg build --store -------------------------------------------------------------------------


def test_build_api_streams_into_a_store_without_an_output_file(
    tmp_path: Path, session_pipeline, memory
) -> None:
    report = build([SEEDS], store=tmp_path / "store")
    assert report.articles == 2
    assert report.stored == report.triples == sum(len(g) for g in named_graphs(memory))
    assert report.validation is None
    assert list(tmp_path.iterdir()) == [tmp_path / "store"]
    assert serialize(to_dataset(open_store(tmp_path / "store")), "trig") == serialize(memory, "trig")


def test_build_api_writes_the_file_and_the_store(tmp_path: Path, session_pipeline, memory) -> None:
    report = build([SEEDS], tmp_path / "seeds.ttl", store=tmp_path / "store", validate=False)
    assert (tmp_path / "seeds.ttl").read_bytes() == serialize(memory, "turtle")
    assert report.triples == len(Graph().parse(tmp_path / "seeds.ttl"))
    stored = open_store(tmp_path / "store")
    assert report.stored == sum(1 for quad in stored if quad.graph_name != ox.DefaultGraph())
    with pytest.raises(ValueError, match="nothing to write"):
        build([SEEDS])


def test_cli_build_store_twice_is_idempotent(tmp_path: Path, session_pipeline) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    first = runner.invoke(main, ["build", str(SEEDS), "--store", str(store)], catch_exceptions=False)
    assert first.exit_code == 0, first.stderr
    assert f"store {store} (" in first.stderr
    before = quads(open_store(store))
    again = runner.invoke(main, ["build", str(SEEDS), "--store", str(store)], catch_exceptions=False)
    assert again.exit_code == 0, again.stderr
    assert quads(open_store(store)) == before


def test_cli_build_needs_an_output_or_a_store(tmp_path: Path, session_pipeline) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--output FILE, --store DIR or both" in result.stderr


def test_cli_build_store_in_use_fails_in_one_line(tmp_path: Path) -> None:
    """Oxigraph has one writer per store: a second build says so and exits 1."""
    path = tmp_path / "store"
    writer = open_store(path, read_only=False)
    assert writer is not None
    done = subprocess.run(
        [str(KG), "build", str(SEEDS), "--store", str(path), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "lock" in lines[0].lower(), done.stderr


def test_cli_store_in_a_folder_of_other_files_is_refused(tmp_path: Path, session_pipeline) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--store", str(folder)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "holds no graph store" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["letter.txt"]


def test_store_directory_can_be_moved(tmp_path: Path, seed_facts) -> None:
    """A store is a plain directory: copied elsewhere it opens with the same graphs."""
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seed_facts)
    expected = quads(store)
    del store
    shutil.copytree(tmp_path / "store", tmp_path / "copy")
    assert quads(open_store(tmp_path / "copy")) == expected


# --- The union in the default graph ----------------------------------------------------------

PERSONS = """
    PREFIX dkg: <https://w3id.org/defense-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?person ?name WHERE { ?person a dkg:Person ; rdfs:label ?name }
"""

TWO_ARTICLES = {
    "one.txt": "Oslo talks\n\nDefence Minister Aino Virtanen said Finland would buy more drones. "
    "Virtanen met Boris Pistorius in Oslo.\n",
    "two.txt": "Berlin talks\n\nBoris Pistorius said Germany would send air defence systems to Ukraine. "
    "Aino Virtanen welcomed the decision.\n",
}


def test_store_default_graph_is_the_merged_graph_of_the_files(tmp_path: Path, session_pipeline) -> None:
    """One label per node, summed mention counts, each triple once: the graph `kg build -o` writes."""
    build([SEEDS], tmp_path / "seeds.nt", format="nt", validate=False, cache=False)
    build([SEEDS], store=tmp_path / "store", cache=False)
    in_store = union_graph(open_store(tmp_path / "store"))
    assert len(in_store) > 300
    assert isomorphic(in_store, Graph().parse(tmp_path / "seeds.nt"))


def test_store_queries_see_each_entity_once(tmp_path: Path, session_pipeline) -> None:
    """Two articles about the same people: one row each, not one per article or per label."""
    corpus = write_corpus(tmp_path / "corpus", TWO_ARTICLES)
    build([corpus], store=tmp_path / "store", cache=False)
    rows = [(b["person"].value, b["name"].value) for b in kg_query(open_store(tmp_path / "store"), PERSONS)]
    people = [person for person, _ in rows]
    assert len(people) == len(set(people)) >= 2
    assert {name for _, name in rows} >= {"Aino Virtanen", "Boris Pistorius"}


def test_a_rebuild_keeps_the_union_of_the_articles_left(
    tmp_path: Path, session_pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing and removing articles updates the union subject by subject, as a cold build would make it."""
    refreshed: list = []
    refresh = kg.sparql.store.refresh_union

    def counting_refresh(store: ox.Store, subjects) -> int:
        subjects = list(subjects)
        refreshed.extend(subjects)
        return refresh(store, subjects)

    monkeypatch.setattr(kg.sparql.store, "refresh_union", counting_refresh)
    articles = dict(TWO_ARTICLES)
    articles["three.txt"] = (
        "Riga summit\n\nLatvian Defence Minister Andris Spruds said Latvia would spend more.\n"
    )
    corpus = write_corpus(tmp_path / "corpus", articles)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    store = tmp_path / "store"
    build([corpus], store=store, cache=False)
    (corpus / "three.txt").unlink()
    (corpus / "two.txt").write_text(
        "Berlin talks\n\nBoris Pistorius said Germany would wait.\n", encoding="utf-8"
    )
    report = build([corpus], store=store, cache=False)
    assert (report.articles, report.unchanged, report.removed) == (1, 3, 1)
    build([corpus], store=tmp_path / "cold", cache=False)
    assert quads(open_store(store)) == quads(open_store(tmp_path / "cold"))
    assert "Spruds" not in "".join(quads(open_store(store)))
    assert 0 < len(refreshed) < len(set(union_graph(open_store(store)).subjects()))  # only what changed


def test_a_store_without_the_union_gets_it_on_the_next_build(tmp_path: Path, session_pipeline) -> None:
    build([SEEDS], store=tmp_path / "store", cache=False)
    old = open_store(tmp_path / "store", read_only=False)
    old.clear_graph(ox.DefaultGraph())  # as an older kg left it: article graphs only
    old.flush()
    del old
    report = build([SEEDS], store=tmp_path / "store", cache=False)
    assert report.unchanged == 2
    build([SEEDS], store=tmp_path / "cold", cache=False)
    assert quads(open_store(tmp_path / "store")) == quads(open_store(tmp_path / "cold"))
