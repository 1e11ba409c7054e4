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
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.builder.batches import Batch, BatchResult, extract_batch, hold_in, keep_worker_pipeline
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
    pool = WorkerPool(jobs, nlp, model)
    try:
        yield Engine(pool, jobs, cut=chunks(BATCH), window=QUEUED_PER_WORKER * jobs, recovery=pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Death:
    """A worker process that died on its own (the OOM killer's SIGKILL, a crash): what it held."""

    pid: int
    how: str
    paths: list[str]

    def __str__(self) -> str:
        held = ", ".join(self.paths) if self.paths else "no article"
        return f"a worker process (pid {self.pid}) {self.how} while extracting {held}"


class WorkerPool(Executor):
    """A ``ProcessPoolExecutor`` that is made anew when one of its workers dies.

    Python's pool fails every task in flight when a worker dies
    (``BrokenProcessPool``) and can run nothing more. Each worker writes the
    articles of the batch it runs to a file named by its pid (in a folder of
    this pool), so after a death the pool can say which articles the dead
    worker held (:meth:`restart`); :class:`kg.builder.engine.InOrder` then runs
    them again one per task, to find and skip the one that kills its worker.
    """

    def __init__(self, jobs: int, nlp: Language, model: str | None) -> None:
        self.jobs, self.nlp, self.model = jobs, nlp, model
        self.fork = "fork" in multiprocessing.get_all_start_methods()
        self.held = tempfile.mkdtemp(prefix="kg-workers-")
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context("fork" if self.fork else "spawn"),
            initializer=_start_worker,
            # Forked workers get the initializer's arguments as they are in memory, not pickled.
            initargs=(self.nlp if self.fork else None, self.model, self.held),
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.pool.submit(fn, *args, **kwargs)

    def restart(self) -> list[Death]:
        """After ``BrokenProcessPool``: the workers that died on their own, and a new pool."""
        processes = dict(getattr(self.pool, "_processes", None) or {})
        self.pool.shutdown(wait=True, cancel_futures=True)
        deaths = [
            Death(pid, _how(process.exitcode), _held_by(self.held, pid))
            for pid, process in sorted(processes.items())
            if process.exitcode not in (None, 0, -signal.SIGTERM)
        ]
        shutil.rmtree(self.held, ignore_errors=True)
        os.makedirs(self.held, exist_ok=True)
        self.pool = self._new_pool()
        return deaths

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        shutil.rmtree(self.held, ignore_errors=True)


def _how(exitcode: int | None) -> str:
    """How a process ended, in words: 'was killed by SIGKILL' or 'exited with status 3'."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    return f"exited with status {exitcode}"


def _held_by(folder: str, pid: int) -> list[str]:
    try:
        return Path(folder, str(pid)).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _start_worker(nlp: Language | None, model: str | None, held: str | None = None) -> None:
    """A worker's first step: keep the pipeline it inherited, or load its own (spawn)."""
    if nlp is None:
        from kg.nlp.pipeline import load_pipeline  # noqa: PLC0415 - spaCy, in the worker

        nlp = load_pipeline(model)
    keep_worker_pipeline(nlp, model)
    if held is not None:
        hold_in(os.path.join(held, str(os.getpid())))
