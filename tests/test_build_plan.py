"""One build plan, one engine seam (kg.builder): the parts every engine shares.

The builds themselves are compared across engines in test_incremental.py
(this process against a process pool) and test_distributed.py (against a
Dask cluster); here are the plan's options, what the sinks ask of the
batches, the executor seam, and the batches' RDF in memory and in shards.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import write_corpus
from spacy.language import Language

import kg.builder.batches
import kg.builder.run
import kg.rdf.namespaces
from kg.api import build
from kg.builder import distributed
from kg.builder.batches import Products, RdfText, RdfTriples, describe
from kg.builder.engine import Engine, InOrder, InProcess, chunks
from kg.builder.options import BuildOptions
from kg.builder.report import Stopwatch
from kg.builder.sinks import QuadFile, Sinks, StoreSink, UnionFile
from kg.facts import Document
from kg.rdf.union import FileUnion

ARTICLES = {
    "a.txt": "Ministers meet in Riga\n\nLatvian Defence Minister Andris Spruds said the brigade "
    "would be ready by 2027.\n",
    "b.txt": 'Nordic plan\n\n"We will double our ammunition output," said Defence Minister Aino '
    "Virtanen in Oslo. The European Union will provide €300 million to the programme.\n",
    "c.txt": "Berlin pledges air defence\n\nGerman Defence Minister Boris Pistorius said Germany would "
    "send two more Patriot systems to Ukraine.\n",
}


# --- The options --------------------------------------------------------------------------------


def test_build_options_are_the_keyword_arguments_of_kg_build() -> None:
    """kg.build(...) and BuildOptions(...) take the same names with the same defaults."""
    parameters = inspect.signature(build).parameters
    keywords = {name: p.default for name, p in parameters.items() if name != "paths"}
    fields = {f.name: f.default for f in dataclasses.fields(BuildOptions)}
    assert set(keywords) == set(fields)
    callbacks = {"on_error", "on_progress"}  # lambdas there, named functions here: both ignore
    assert {k: v for k, v in keywords.items() if k not in callbacks} == {
        k: v for k, v in fields.items() if k not in callbacks
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "nothing to write"),
        ({"output": "x.ttl", "engine": "spark"}, "unknown engine 'spark'"),
        ({"output": "x.ttl", "format": "rdfxml"}, "unknown format 'rdfxml'"),
        ({"output": "x.ttl", "base": "not an iri"}, "base"),
    ],
)
def test_options_no_build_can_follow_fail_before_anything_is_read(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BuildOptions(**options).check()


# --- What the sinks ask of each batch ----------------------------------------------------------


def test_the_sinks_ask_the_batches_for_what_they_need_only(tmp_path: Path) -> None:
    def products(**options) -> Products:
        return Sinks.open(BuildOptions(**options)).products(facts=False)

    union_file = products(output=tmp_path / "g.nt", format="nt")
    assert (union_file.graphs, union_file.union) == (False, True)  # the union's share, not the graphs
    quads = products(output=tmp_path / "g.nq", format="nquads", validate=False)
    assert (quads.graphs, quads.union) == (True, False)
    validated = products(output=tmp_path / "g.nq", format="nquads")
    assert (validated.graphs, validated.union) == (True, True)  # a quad file is validated as its union
    store = products(store=tmp_path / "store")
    assert (store.graphs, store.union) == (True, True)
    sinks = Sinks.open(BuildOptions(output=tmp_path / "g.trig", format="trig", store=tmp_path / "s2"))
    assert isinstance(sinks.file, QuadFile) and isinstance(sinks.store, StoreSink)
    assert isinstance(Sinks.open(BuildOptions(output=tmp_path / "g.gexf", format="gexf")).file, UnionFile)
    assert Sinks.open(BuildOptions(output=tmp_path / "g.ttl")).products(facts=True).facts


def test_a_batch_describes_its_rdf_alike_in_memory_in_a_shard_and_as_triples(extract, tmp_path: Path) -> None:
    facts = [extract(text, id=name[0]) for name, text in ARTICLES.items()]
    keys = ["k"] * len(facts)
    wanted = Products(graphs=True, union=True)
    in_memory = describe(facts, keys, kg.rdf.namespaces.DEFAULT_BASE, wanted)
    shard = tmp_path / "part-00000.nq"
    in_shard = describe(facts, keys, kg.rdf.namespaces.DEFAULT_BASE, wanted, str(shard))
    as_triples = describe(
        facts, keys, kg.rdf.namespaces.DEFAULT_BASE, dataclasses.replace(wanted, as_text=False)
    )
    assert isinstance(in_memory.rdf, RdfText) and isinstance(as_triples.rdf, RdfTriples)
    assert shard.is_file() and in_shard.rdf.graphs() == in_memory.rdf.graphs() == as_triples.rdf.graphs()
    assert in_memory.quads == in_shard.quads == as_triples.quads == in_memory.rdf.graphs().count(b"\n") > 0
    unions = []
    for result in (in_memory, in_shard, as_triples):
        union = FileUnion()
        result.rdf.into_union(union)
        unions.append(union.ntriples())
    assert unions[0] == unions[1] == unions[2]
    in_shard.rdf.discard()
    assert not shard.exists()
    counted = describe(facts, keys, kg.rdf.namespaces.DEFAULT_BASE, Products())
    assert [c.document_id for c, _ in counted.counts] == ["a", "b", "c"] and counted.facts == []


# --- The executor seam ----------------------------------------------------------------------------


class CountingExecutor(Executor):
    """A thread pool that remembers how many calls were submitted and not yet taken."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(2)
        self.submitted = 0

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        self.submitted += 1
        return self.pool.submit(fn, *args, **kwargs)


def test_results_come_in_order_with_a_window_of_work_ahead() -> None:
    executor = CountingExecutor()

    def slow_first(n: int) -> int:
        time.sleep(0.05 if n == 0 else 0)
        return n * n

    results = InOrder(executor, slow_first, range(10), window=3)
    assert executor.submitted == 3  # started when made, before anything is asked
    taken = []
    for value in results:
        taken.append(value)
        assert executor.submitted <= len(taken) + 3
    assert taken == [n * n for n in range(10)]
    executor.pool.shutdown()


def test_in_process_runs_each_call_here_and_keeps_its_error() -> None:
    threads = []
    future = InProcess().submit(lambda: threads.append(threading.get_ident()) or "done")
    assert future.done() and future.result() == "done" and threads == [threading.get_ident()]
    failed = InProcess().submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failed.result()
    assert chunks(2)([1, 2, 3, 4, 5]) == [[1, 2], [3, 4], [5]]  # type: ignore[list-item]


def test_any_executor_behind_the_seam_builds_the_same_bytes(
    tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread pool in place of the process pool or the cluster: the engine is only an Executor."""
    monkeypatch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp)
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    reference = build([corpus], tmp_path / "here.nq", format="nquads", cache=False)
    used: list[Engine] = []

    @contextmanager
    def thread_engine(options, plan, clock) -> Iterator[Engine]:
        with ThreadPoolExecutor(1) as executor:  # one thread: a spaCy pipeline is not thread-safe
            engine = Engine(executor, jobs=1, cut=chunks(1), window=2)
            engine.run = lambda batch: kg.builder.batches.extract_batch(batch, nlp)
            used.append(engine)
            yield engine

    monkeypatch.setattr(kg.builder.run, "_engine", thread_engine)
    elsewhere = build([corpus], tmp_path / "there.nq", format="nquads", cache=False)
    assert used and (tmp_path / "there.nq").read_bytes() == (tmp_path / "here.nq").read_bytes()
    assert elsewhere.validation is not None and elsewhere.validation.conforms
    assert (elsewhere.triples, elsewhere.entities, elsewhere.statements) == (
        reference.triples,
        reference.entities,
        reference.statements,
    )


def test_a_cluster_gets_partitions_of_about_equal_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [
        Document(id=f"d{n}", text="x" * size, path=f"d{n}") for n, size in enumerate([10] * 30 + [900])
    ]
    parts = distributed.partitions(2)(documents)
    assert len(parts) == 2 * distributed.PARTITIONS_PER_WORKER
    assert [d for part in parts for d in part] == documents  # contiguous, in order
    assert parts[-1] == [documents[-1]]  # the big one alone
    monkeypatch.setattr(distributed, "PARTITION_BYTES", 100)
    assert len(distributed.partitions(2)(documents)) == 1200 // 100  # more parts, none too big to send


def test_time_spent_inside_a_stage_is_credited_to_its_own() -> None:
    clock = Stopwatch()
    clock.switch("pipeline")
    time.sleep(0.02)
    clock.credit({"pipeline": 0.5, "rdf": 0.01}, taken_from="pipeline")
    clock.switch(None)
    assert clock.seconds["rdf"] == pytest.approx(0.01)
    assert 0.005 < clock.seconds["pipeline"] < 0.02 + 0.05
