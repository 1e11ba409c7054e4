"""The engines of one machine: this process, or a pool of worker processes (``kg build --jobs N``).

spaCy and kg's rules are Python, so one process uses one core; a build uses
them all by running batches of articles in N worker processes
(``ProcessPoolExecutor``). Where the system allows it, the workers are
forked from the build's process after it has loaded the pipeline, so they
start in milliseconds and share its memory (gazetteer, patterns)
copy-on-write; elsewhere (spawn) each loads the pipeline once. A small corpus
is not worth the start-up (:func:`worth_it`): it is extracted in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kg.builder.batches import Batch, BatchResult, extract_batch, keep_worker_pipeline
from kg.builder.engine import Engine, InProcess, chunks

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["BATCH", "MIN_ARTICLES_PER_WORKER", "default_jobs", "in_process", "process_pool", "worth_it"]

#: Articles sent to a worker at once: large enough to keep messages few,
#: small enough to share the work out evenly at the end of a corpus.
BATCH = 16
#: Fewer articles per worker than this are built in the build's own process.
MIN_ARTICLES_PER_WORKER = 48
#: Articles of one batch in this process. Few: the facts and triples of a batch are alive at once,
#: and more of them make the garbage collector scan the pipeline's objects more often (+10% at 32).
IN_PROCESS_BATCH = 8
#: Batches submitted per worker ahead of the one the build waits for: enough work (about two
#: seconds) that the workers go on while the build bulk-loads a store, which takes about one.
QUEUED_PER_WORKER = 32


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worth_it(jobs: int, articles: int) -> int:
    """How many workers to start for ``articles`` (0: extract in this process)."""
    jobs = min(jobs, articles // MIN_ARTICLES_PER_WORKER)
    return jobs if jobs >= 2 else 0


@contextmanager
def in_process(pipeline: Callable[[str | None], Language]) -> Iterator[Engine]:
    """Batches run here, one after the other, with ``pipeline(model)`` (loaded on the first batch)."""

    def run(batch: Batch) -> BatchResult:
        return extract_batch(batch, pipeline(batch.spacy_model))

    yield Engine(InProcess(), jobs=1, cut=chunks(IN_PROCESS_BATCH), run=run, in_process=True)


@contextmanager
def process_pool(jobs: int, nlp: Language, model: str | None) -> Iterator[Engine]:
    """``jobs`` worker processes running ``nlp`` (the pipeline for ``model``, loaded here)."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    executor = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
        initializer=_start_worker,
        # Forked workers get the initializer's arguments as they are in memory, not pickled.
        initargs=(nlp if fork else None, model),
    )
    try:
        yield Engine(executor, jobs, cut=chunks(BATCH), window=QUEUED_PER_WORKER * jobs)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _start_worker(nlp: Language | None, model: str | None) -> None:
    """A worker's first step: keep the pipeline it inherited, or load its own (spawn)."""
    if nlp is None:
        from kg.nlp.pipeline import load_pipeline  # noqa: PLC0415 - spaCy, in the worker

        nlp = load_pipeline(model)
    keep_worker_pipeline(nlp, model)
