"""``kg build --engine dask``: the same file, store and figures as the local build.

One real LocalCluster of two worker processes serves the module (its address
is passed as ``scheduler``, the path of a remote cluster); one test lets
:func:`kg.api.build_on_dask` start and stop a cluster of its own.
Nothing is mocked: the workers run spaCy, write N-Quads shards, and the
client loads them into a real Oxigraph store and real files.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from spacy.language import Language

import kg.builder.run
import kg.builder.sinks
from kg.api import BuildReport, build, build_on_dask
from kg.builder.distributed import DASK_MISSING, loaded_pipelines, partition
from kg.rdf.mapping import article_iri
from kg.read.documents import NoInputError, find_sources
from kg.sparql.store import dump_nquads, graph_names, open_store, to_dataset

distributed = pytest.importorskip("distributed")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

#: Articles of the corpus, besides a copy of seeds/: quotes, posts, fundings and memberships.
ARTICLES = {
    "funding.txt": (
        "Lithuania funds Ukrainian air defence\n\n"
        "Lithuania sent Ukraine €40 million for air defence. "
        "Estonia will pay Kestrel Dynamics €36 million for 12 howitzers."
    ),
    "post.txt": (
        "Estonian Defence Minister Kalle Tamm opened the new depot on Monday. "
        "“We will buy 200 reconnaissance drones,” said Kalle Tamm."
    ),
    "quotes.md": (
        "# Finland fences its border\n\n"
        "Finnish defence minister Aino Virtanen visited the border on Tuesday.\n\n"
        "“The fence will be finished next year,” Virtanen said. "
        "Mart Kuusk, a member of the Estonian parliament, said Estonia would follow."
    ),
    "nato.html": (
        "<html><head><title>Allies meet in Brussels</title></head><body><article>"
        "<h1>Allies meet in Brussels</h1>"
        "<p>Sweden joined NATO in March. “We are safer together,” said Ulf Kristersson.</p>"
        "</article></body></html>"
    ),
    # Two files of one name: the second article gets a renamed id, as in a local build.
    "north/brief.txt": "Latvia will send Ukraine more artillery shells next year, Latvian officials said.",
    "south/brief.txt": "Estonia gave €25 million to Ukraine last month.",
}
JSONL = [
    {
        "title": "Wire one",
        "text": "Poland bought 96 Apache helicopters from the United States for $12 billion.",
    },
    {
        "title": "Wire two",
        "text": "“Our support will not waver,” said Kalle Tamm, Estonia's defence minister.",
    },
]
#: The articles that must be reported and skipped.
BROKEN_TXT = "broken.txt"
BROKEN_JSONL_LINE = 2


def write_corpus(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder)
    for name, text in ARTICLES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / BROKEN_TXT).write_bytes(b"Latvia sent Ukraine \xff\xfe\xfa drones.")
    lines = [json.dumps(JSONL[0]), '{"text": "unterminated', json.dumps(JSONL[1])]
    (folder / "wires.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("distributed") / "corpus")


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.Client]:
    """One LocalCluster of two worker processes for the module; builds reach it by address."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},
            silence_logs=logging.ERROR,
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def scheduler(cluster: distributed.Client) -> str:
    return cluster.scheduler.address


@pytest.fixture(scope="module")
def local(corpus: Path, nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The local builds of the corpus (kg.api.build): a Turtle file, an N-Quads file, a store."""
    folder = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp)
        return {
            "turtle": build([corpus], folder / "local.ttl", store=folder / "store", cache=False),
            "nquads": build([corpus], folder / "local.nq", format="nquads", validate=False, cache=False),
            "store-only": build([corpus], store=folder / "store-only", cache=False),
            "folder": folder,
        }


def figures(report: BuildReport) -> dict:
    """What two builds of one corpus must agree on (not the time, nor where they wrote)."""
    keys = ("articles", "entities", "statements", "fundings", "roles", "memberships", "events")
    keys += ("triples", "stored", "errors", "cached", "unchanged", "removed")
    found = {key: getattr(report, key) for key in keys}
    found["valid"] = None if report.validation is None else report.validation.conforms
    return found


def quads(store: ox.Store) -> set[str]:
    return set(dump_nquads(store).decode("utf-8").splitlines())


def no_shards_left(folder: Path) -> bool:
    return not list(folder.glob(".kg-shards-*"))


# --- The same graph as the local build --------------------------------------------------------


def test_file_and_store_are_the_local_build(
    tmp_path: Path, corpus: Path, scheduler: str, local: dict
) -> None:
    errors: list[str] = []
    report = build_on_dask(
        [corpus],
        tmp_path / "dask.ttl",
        store=tmp_path / "store",
        scheduler=scheduler,
        cache=False,
        on_error=errors.append,
    )
    assert figures(report) == figures(local["turtle"])
    assert report.validation is not None and report.validation.conforms
    expected = local["folder"] / "local.ttl"
    assert (tmp_path / "dask.ttl").read_bytes() == expected.read_bytes()
    assert isomorphic(Graph().parse(tmp_path / "dask.ttl"), Graph().parse(expected))
    assert quads(open_store(tmp_path / "store")) == quads(open_store(local["folder"] / "store"))
    assert sorted(errors) == sorted(report.errors)
    assert report.jobs == 2 and set(report.stages) >= {"cluster", "pipeline", "write", "validate"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask.ttl", "store"]


def test_broken_articles_are_reported_and_the_others_built(
    corpus: Path, tmp_path: Path, scheduler: str
) -> None:
    report = build_on_dask([corpus], store=tmp_path / "store", scheduler=scheduler, cache=False)
    assert len(report.errors) == 2
    assert report.errors[0].startswith(f"{corpus / BROKEN_TXT}: not valid UTF-8")
    assert report.errors[1].startswith(f"{corpus / 'wires.jsonl'}:{BROKEN_JSONL_LINE}: invalid JSON")
    articles = 2 + len(ARTICLES) + len(JSONL)
    assert report.articles == articles
    names = graph_names(open_store(tmp_path / "store"))
    assert len(names) == articles
    assert str(article_iri("wires-1")) in names and str(article_iri("wires-3")) in names
    assert str(article_iri("brief")) in names and any("/article/brief-" in name for name in names)


def test_nquads_file_is_the_local_one_in_a_given_shard_folder(
    tmp_path: Path, corpus: Path, scheduler: str, local: dict
) -> None:
    shards = tmp_path / "shared" / "shards"
    report = build_on_dask(
        [corpus],
        tmp_path / "dask.nq",
        format="nquads",
        scheduler=scheduler,
        shards=shards,
        cache=False,
        validate=False,
    )
    assert figures(report) == figures(local["nquads"])
    assert (tmp_path / "dask.nq").read_bytes() == (local["folder"] / "local.nq").read_bytes()
    written = Dataset().parse(tmp_path / "dask.nq", format="nquads")
    assert sum(1 for _ in written.quads((None, None, None, None))) == report.triples
    assert shards.is_dir() and list(shards.iterdir()) == []  # this build's shards are gone, the folder stays


def test_store_only_build_streams_the_same_quads(
    tmp_path: Path, corpus: Path, scheduler: str, local: dict
) -> None:
    report = build_on_dask([corpus], store=tmp_path / "store", scheduler=scheduler, cache=False)
    assert figures(report) == figures(local["store-only"])
    assert report.validation is None
    store = open_store(tmp_path / "store")
    assert report.stored == report.triples == sum(1 for quad in store if quad.graph_name != ox.DefaultGraph())
    assert quads(store) == quads(open_store(local["folder"] / "store-only"))
    # Oxigraph writes decimals its own way; read back in kg's form, the graph is the local one.
    back, expected = to_dataset(store), to_dataset(open_store(local["folder"] / "store-only"))
    assert set(back.quads((None, None, None, None))) == set(expected.quads((None, None, None, None)))
    assert no_shards_left(tmp_path)


def test_big_shards_are_bulk_loaded_from_their_files(
    tmp_path: Path, corpus: Path, scheduler: str, local: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards of BATCH_QUADS quads or more go to Store.bulk_load, smaller ones are batched: same store."""
    monkeypatch.setattr(kg.builder.sinks, "BATCH_QUADS", 60)
    report = build_on_dask([corpus], store=tmp_path / "store", scheduler=scheduler, cache=False)
    assert figures(report) == figures(local["store-only"])
    assert quads(open_store(tmp_path / "store")) == quads(open_store(local["folder"] / "store-only"))


# --- Rebuilding in place ------------------------------------------------------------------------


def clean_corpus(folder: Path) -> Path:
    """The corpus without its broken articles: a build that reads everything may prune the store."""
    write_corpus(folder)
    (folder / BROKEN_TXT).unlink()
    (folder / "wires.jsonl").write_text("".join(json.dumps(r) + "\n" for r in JSONL), encoding="utf-8")
    return folder


def test_rebuilding_replaces_skips_and_prunes_like_the_local_build(
    tmp_path: Path, scheduler: str, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp)
    corpus = clean_corpus(tmp_path / "corpus")
    path, articles = tmp_path / "store", 2 + len(ARTICLES) + len(JSONL)
    first = build_on_dask([corpus], store=path, scheduler=scheduler, cache=False)
    before = quads(open_store(path))
    assert (first.articles, first.unchanged, first.removed) == (articles, 0, 0)
    # The same corpus again: every article is unchanged, the store too.
    again = build_on_dask([corpus], store=path, scheduler=scheduler, cache=False)
    assert (again.articles, again.unchanged, again.stored) == (0, articles, 0)
    assert quads(open_store(path)) == before
    # The keys are the local build's: a local rebuild skips everything too.
    assert build([corpus], store=path, cache=False).unchanged == articles
    # One article changed, one removed: the one replaced, the other pruned, no graph twice.
    (corpus / "post.txt").write_text(
        "\u201cWe will buy 12 howitzers,\u201d said Kalle Tamm.", encoding="utf-8"
    )
    (corpus / "funding.txt").unlink()
    changed = build_on_dask([corpus], store=path, scheduler=scheduler, cache=False)
    assert (changed.articles, changed.unchanged, changed.removed) == (1, articles - 2, 1)
    post = ox.NamedNode(str(article_iri("post")))
    texts = {str(q.object.value) for q in open_store(path).quads_for_pattern(None, None, None, post)}
    assert any("12 howitzers" in text for text in texts)
    assert not any("reconnaissance drones" in text for text in texts)
    assert str(article_iri("funding")) not in graph_names(open_store(path))
    # The very store a local build of the changed corpus makes from scratch.
    build([corpus], store=tmp_path / "local", cache=False)
    assert quads(open_store(path)) == quads(open_store(tmp_path / "local"))
    assert no_shards_left(tmp_path)


def test_keep_missing_and_unreadable_articles_prune_nothing(tmp_path: Path, corpus: Path, scheduler: str):
    path = tmp_path / "store"
    build_on_dask([corpus], store=path, scheduler=scheduler, cache=False)
    names = graph_names(open_store(path))
    kept = build_on_dask([corpus / "post.txt"], store=path, scheduler=scheduler, cache=False, prune=False)
    assert (kept.articles, kept.unchanged, kept.removed) == (0, 1, 0)
    assert graph_names(open_store(path)) == names
    # An unreadable article may be one the store holds: nothing is pruned.
    unreadable = build_on_dask([corpus / "post.txt", corpus / BROKEN_TXT], store=path, scheduler=scheduler)
    assert (unreadable.unchanged, unreadable.removed, len(unreadable.errors)) == (1, 0, 1)
    assert graph_names(open_store(path)) == names


def test_the_fact_cache_is_shared_with_the_local_build(
    tmp_path: Path, corpus: Path, scheduler: str, local: dict
) -> None:
    cache = tmp_path / "cache"
    first = build_on_dask([corpus], tmp_path / "first.nq", format="nquads", scheduler=scheduler, cache=cache)
    assert first.cached == 0 and any(cache.rglob("*.json"))
    second = build_on_dask(
        [corpus], tmp_path / "second.nq", format="nquads", scheduler=scheduler, cache=cache
    )
    assert second.cached == second.articles == first.articles
    expected = (local["folder"] / "local.nq").read_bytes()
    assert (tmp_path / "first.nq").read_bytes() == (tmp_path / "second.nq").read_bytes() == expected
    local_build = build([corpus], tmp_path / "local.nq", format="nquads", cache=cache, validate=False)
    assert local_build.cached == first.articles


# --- The cluster ------------------------------------------------------------------------------


def test_each_worker_loads_the_pipeline_once(tmp_path: Path, corpus: Path, cluster, scheduler: str) -> None:
    build_on_dask([corpus], tmp_path / "one.ttl", scheduler=scheduler, cache=False, validate=False)
    build_on_dask([corpus], tmp_path / "two.ttl", scheduler=scheduler, cache=False, validate=False)
    loaded = cluster.run(loaded_pipelines)
    assert len(loaded) == 2
    assert all(count <= 1 for count in loaded.values()), loaded
    assert len(partition(find_sources([corpus]), 2 * 4)) > 2  # several tasks per worker


def test_build_starts_and_stops_its_own_cluster(tmp_path: Path, corpus: Path, local: dict) -> None:
    articles: list[str] = []
    report = build_on_dask(
        [corpus],
        tmp_path / "own.nq",
        format="nquads",
        workers=1,  # one process starts fastest; the module's cluster has two
        cache=False,
        validate=False,
        on_article=lambda facts: articles.append(facts.document.id),
    )
    assert figures(report) == figures(local["nquads"]) and report.jobs == 1
    assert (tmp_path / "own.nq").read_bytes() == (local["folder"] / "local.nq").read_bytes()
    names = [g.identifier for g in Dataset().parse(tmp_path / "own.nq", format="nquads").graphs() if len(g)]
    assert sorted(str(article_iri(a)) for a in articles) == sorted(map(str, names))
    assert no_shards_left(tmp_path)


def test_the_api_engine_option_reaches_the_cluster(tmp_path: Path, corpus: Path, scheduler: str, local: dict):
    report = build(
        [corpus], tmp_path / "api.nq", format="nquads", engine="dask", scheduler=scheduler, validate=False
    )
    assert report.articles == local["nquads"].articles and report.errors == local["nquads"].errors
    assert (tmp_path / "api.nq").read_bytes() == (local["folder"] / "local.nq").read_bytes()


def test_nothing_readable_writes_nothing(tmp_path: Path, corpus: Path, scheduler: str) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(corpus / BROKEN_TXT, tmp_path / "in" / BROKEN_TXT)
    with pytest.raises(NoInputError, match="no article could be read"):
        build_on_dask([tmp_path / "in"], tmp_path / "out.ttl", scheduler=scheduler)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    with pytest.raises(ValueError, match="nothing to write"):
        build_on_dask([corpus], scheduler=scheduler)


# --- Without the cluster ----------------------------------------------------------------------


def test_partitions_are_contiguous_balanced_and_deterministic(tmp_path: Path) -> None:
    for i, size in enumerate([10, 10, 1000, 10, 10, 10, 500, 10]):
        (tmp_path / f"{i}.txt").write_text("x" * size)
    files = find_sources([tmp_path])
    parts = partition(files, 3)
    assert [p for part in parts for p in part] == files
    assert len(parts) == 3 and all(parts)
    assert parts == partition(list(files), 3)
    assert [p.name for p in parts[0]] == ["0.txt", "1.txt", "2.txt"]  # the big file ends the first third
    assert partition(files[:2], 8) == [[files[0]], [files[1]]]
    assert partition([], 4) == []


def test_missing_dask_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError) as raised:
        build_on_dask([SEEDS], tmp_path / "out.ttl")
    assert str(raised.value) == DASK_MISSING == "dask is not installed: pip install 'kg[dask]'"
    assert list(tmp_path.iterdir()) == []


def test_importing_kg_does_not_import_dask() -> None:
    code = (
        "import sys, kg, kg.api, kg.cli, kg.builder.distributed\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
