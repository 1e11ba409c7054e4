"""Incremental and parallel builds: the fact cache, store rebuilds, --jobs.

Each test compares against a cold build of the same corpus: whatever a build
skips or takes from the cache, the result must be the one a cold build gives.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sorted_quads, write_corpus

import kg.builder.local
from kg.api import build
from kg.builder.cache import FactCache, article_key, pipeline_version
from kg.read.documents import read_text
from kg.sparql.store import graph_names, open_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ARTICLES = {
    "a.txt": 'Nordic ministers met in Oslo\n\n"We will double our ammunition output," said Defence '
    "Minister Aino Virtanen. The European Union will provide €300 million to the programme.\n",
    "b.txt": "Berlin pledges air defence\n\nGerman Defence Minister Boris Pistorius said Germany would "
    "send two more Patriot systems to Ukraine. He added that Europe must do more.\n",
    "c.txt": 'Baltic drone coalition grows\n\n"Drones are the artillery of this war," Lithuanian Prime '
    "Minister Gintautas Paluckas told reporters in Vilnius on Monday.\n",
}


pytestmark = pytest.mark.usefixtures("session_pipeline")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = write_corpus(tmp_path / "corpus", ARTICLES)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    return folder


def cold(corpus: Path, tmp_path: Path, name: str) -> list[bytes]:
    store = tmp_path / name
    build([corpus], store=store, cache=False)
    return sorted_quads(store)


# --- The fact cache --------------------------------------------------------------------------


def test_cached_facts_are_the_extracted_facts(extract, tmp_path: Path) -> None:
    facts = extract(ARTICLES["a.txt"], id="a")
    cache = FactCache(tmp_path / "cache")
    key = article_key(facts.document, pipeline_version())
    cache.put(key, facts)
    assert cache.get(key, facts.document) == facts


def test_a_corrupt_or_missing_entry_is_a_miss(extract, tmp_path: Path) -> None:
    facts = extract(ARTICLES["b.txt"], id="b")
    cache = FactCache(tmp_path / "cache")
    key = article_key(facts.document, pipeline_version())
    assert cache.get(key, facts.document) is None
    cache.put(key, facts)
    next((tmp_path / "cache").rglob("*.json")).write_text('{"entities": [', encoding="utf-8")
    assert cache.get(key, facts.document) is None


def test_editing_a_rule_changes_the_pipeline_version(tmp_path: Path) -> None:
    """A checkout whose rules changed must not be served the facts the old rules found, although
    kg's version number did not move: the extraction code is part of the pipeline version.
    A copy of the package is edited, and each version is read in a fresh interpreter."""
    package = Path(kg.builder.local.__file__).parents[1]
    shutil.copytree(package, tmp_path / "kg", ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        code = "from kg.builder.cache import pipeline_version; print(pipeline_version())"
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    before = version()
    assert version() == before
    with (tmp_path / "kg" / "nlp" / "roles.py").open("a", encoding="utf-8") as rules:
        rules.write("\n# a rule changed\n")
    edited = version()
    assert edited != before
    with (tmp_path / "kg" / "rdf" / "export.py").open("a", encoding="utf-8") as writer:
        writer.write("\n# the writer changed: the cache holds facts, not triples\n")
    assert version() == edited


def test_the_key_changes_with_the_text_the_metadata_and_the_pipeline() -> None:
    document = read_text(ARTICLES["a.txt"], id="a")
    version = pipeline_version()
    key = article_key(document, version)
    assert article_key(read_text(ARTICLES["a.txt"] + " More.", id="a"), version) != key
    assert article_key(read_text(ARTICLES["a.txt"], id="a", url="https://example.org/a"), version) != key
    assert article_key(document, version + "x") != key
    assert article_key(read_text(ARTICLES["a.txt"], id="a"), pipeline_version()) == key


def test_a_build_from_the_cache_writes_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build([corpus], tmp_path / "first.ttl", cache=cache, validate=False)
    second = build([corpus], tmp_path / "second.ttl", cache=cache, validate=False)
    assert (first.cached, second.cached) == (0, len(ARTICLES) + 2)
    assert (tmp_path / "first.ttl").read_bytes() == (tmp_path / "second.ttl").read_bytes()
    assert second.summary().startswith(f"{len(ARTICLES) + 2} articles ({len(ARTICLES) + 2} from cache)")


# --- Store rebuilds ----------------------------------------------------------------------------


def test_a_store_rebuild_extracts_only_the_changed_article(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([corpus], store=store, cache=False)
    (corpus / "b.txt").write_text(ARTICLES["b.txt"].replace("two more", "three more"), encoding="utf-8")
    again = build([corpus], store=store, cache=False)
    assert (again.articles, again.unchanged) == (1, len(ARTICLES) + 1)
    assert sorted_quads(store) == cold(corpus, tmp_path, "cold")


def test_removing_an_article_removes_its_graph(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([corpus], store=store)
    before = graph_names(open_store(store))
    (corpus / "c.txt").unlink()
    report = build([corpus], store=store)
    after = graph_names(open_store(store))
    assert report.removed == 1 and len(after) == len(before) - 1
    assert [g for g in before if g not in after] == [g for g in before if g.endswith("/c")]
    assert sorted_quads(store) == cold(corpus, tmp_path, "cold")


def test_keep_missing_keeps_the_graphs_of_other_corpora(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([corpus], store=store)
    build([SEEDS], store=store, prune=False)
    assert len(graph_names(open_store(store))) == len(ARTICLES) + 2


def test_an_unreadable_article_keeps_its_old_graph(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([corpus], store=store)
    before = graph_names(open_store(store))
    (corpus / "a.txt").write_bytes(b"\xff\xfe\x00broken\x00")
    report = build([corpus], store=store)
    assert report.errors and report.removed == 0
    assert graph_names(open_store(store)) == before


# --- Worker processes ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["store", "file"])
def test_jobs_build_what_one_process_builds(corpus: Path, tmp_path: Path, monkeypatch, target) -> None:
    monkeypatch.setattr(kg.builder.local, "MIN_ARTICLES_PER_WORKER", 1)  # start workers for 5 articles
    monkeypatch.setattr(kg.builder.local, "BATCH", 2)
    if target == "store":
        report = build([corpus], store=tmp_path / "two", jobs=2, cache=False)
        assert report.jobs == 2
        assert sorted_quads(tmp_path / "two") == cold(corpus, tmp_path, "one")
    else:
        report = build([corpus], tmp_path / "two.nt", jobs=2, cache=False, validate=False)
        build([corpus], tmp_path / "one.nt", jobs=1, cache=False, validate=False)
        assert report.jobs == 2
        assert (tmp_path / "two.nt").read_bytes() == (tmp_path / "one.nt").read_bytes()


def test_workers_fill_the_cache_a_later_build_reads(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kg.builder.local, "MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr(kg.builder.local, "BATCH", 2)
    cache = tmp_path / "cache"
    first = build([corpus], tmp_path / "first.nt", jobs=2, cache=cache, validate=False)
    again = build([corpus], tmp_path / "again.nt", jobs=1, cache=cache, validate=False)
    assert first.jobs == 2 and first.cached == 0
    assert again.cached == again.articles == first.articles
    assert (tmp_path / "again.nt").read_bytes() == (tmp_path / "first.nt").read_bytes()


@pytest.mark.parametrize("target", ["store", "file"])
def test_jobs_report_each_article_to_the_callbacks(corpus: Path, tmp_path: Path, monkeypatch, target) -> None:
    monkeypatch.setattr(kg.builder.local, "MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr(kg.builder.local, "BATCH", 2)
    into = {"store": tmp_path / "store"} if target == "store" else {"output": tmp_path / "out.nt"}
    seen, progress = [], []
    report = build(
        [corpus],
        jobs=2,
        cache=False,
        validate=False,
        on_article=lambda facts: seen.append((facts.document.id, len(facts.statements))),
        on_progress=lambda: progress.append(1),
        **into,
    )
    quiet = build([corpus], tmp_path / "quiet.nt", jobs=2, cache=False, validate=False)
    assert report.jobs == 2
    assert len(seen) == len(progress) == report.articles == len(list(corpus.glob("*.txt")))
    assert sum(n for _, n in seen) == report.statements == quiet.statements > 0
    assert (report.entities, report.roles, report.events) == (quiet.entities, quiet.roles, quiet.events)


def test_small_corpora_are_extracted_in_process() -> None:
    assert kg.builder.local.worth_it(8, 20) == 0
    assert kg.builder.local.worth_it(2, 1000) == 2
    assert kg.builder.local.worth_it(1, 1000) == 0


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_jobs_write_and_validate_other_formats_as_one_process(
    corpus: Path, tmp_path: Path, monkeypatch, fmt: str
) -> None:
    monkeypatch.setattr(kg.builder.local, "MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr(kg.builder.local, "BATCH", 2)
    two = build([corpus], tmp_path / "two", format=fmt, jobs=2, cache=False)
    one = build([corpus], tmp_path / "one", format=fmt, jobs=1, cache=False)
    assert two.jobs == 2 and one.jobs == 1
    assert (tmp_path / "two").read_bytes() == (tmp_path / "one").read_bytes()
    assert two.validation is not None and two.validation.conforms
    assert (two.triples, two.entities, two.statements) == (one.triples, one.entities, one.statements)


def test_jobs_merge_cached_and_extracted_articles(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kg.builder.local, "MIN_ARTICLES_PER_WORKER", 1)
    monkeypatch.setattr(kg.builder.local, "BATCH", 2)
    cache = tmp_path / "cache"
    build([corpus], tmp_path / "first.nt", jobs=1, cache=cache, validate=False)
    for name in ("a.txt", "b.txt"):  # two to extract again, the others from the cache
        path = corpus / name
        text = path.read_text(encoding="utf-8").replace("said", "told reporters", 1)
        path.write_text(text, encoding="utf-8")
    report = build([corpus], tmp_path / "warm.nt", jobs=2, cache=cache, validate=False)
    reference = build([corpus], tmp_path / "cold.nt", jobs=1, cache=False, validate=False)
    assert report.jobs == 2 and report.cached == report.articles - 2 > 0
    assert (tmp_path / "warm.nt").read_bytes() == (tmp_path / "cold.nt").read_bytes()
    assert report.entities == reference.entities and report.articles == reference.articles
