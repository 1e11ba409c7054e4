"""``kg build --engine dask``: the extraction spread over a Dask distributed cluster.

>>> from kg.api import build
>>> report = build(["corpus/"], "corpus.ttl", engine="dask")           # a LocalCluster of 2 workers
>>> report = build(["corpus/"], store="corpus.store", engine="dask", scheduler="tcp://head:8786")

The result is the one a local build writes for the same corpus, byte for
byte in the output file and quad for quad in the store, with the same report:
the build is the same (:mod:`kg.builder.run`), only its engine differs. This
module makes that engine: a Dask ``Client``'s executor
(``Client.get_executor()``), behind the seam of :mod:`kg.builder.engine`.

How the work is spread: the build reads and plans on the client, as any
build does, and cuts the articles to extract into contiguous partitions of
about equal size in bytes, :data:`PARTITIONS_PER_WORKER` per worker thread
(so that a slow partition does not hold up the end of the build) and at most
:data:`PARTITION_BYTES` each (so that a task stays small to send). Each
partition is one task: a worker extracts it with a pipeline it loads once
per thread and keeps (:func:`kg.nlp.pipeline.shared_pipeline`), puts the facts
in the fact cache, maps them to RDF and writes its N-Quads as one *shard*
file; the task sends back the figures, never the graph. The client loads
each shard into the store and/or the output file, in corpus order, then
deletes it, and the shard folder at the end.

Requirements of a cluster of several machines (``scheduler=`` an address):
the workers run the same ``kg`` (and spaCy model) as the client, and
``shards`` must be a folder on a shared file system that both the workers
(which write the shards) and the client (which loads them) can reach. The
default shard folder, a temporary folder next to the output file or store, is
only fine for a LocalCluster or workers on the client's machine. The fact
cache is used by the workers at the path the client names: share it too, or
pass ``cache=False``. The articles themselves travel with the tasks: the
workers need not see the corpus.

Dask is imported only when a build starts, so ``import kg`` never needs it.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from kg.builder.engine import Engine
from kg.builder.report import Stopwatch
from kg.facts import Document

__all__ = [
    "DASK_MISSING",
    "PARTITIONS_PER_WORKER",
    "PARTITION_BYTES",
    "check_dask",
    "dask_engine",
    "loaded_pipelines",
    "partition",
]

#: Partitions per worker thread: enough to even out articles of unequal length,
#: few enough that the per-task overhead (some 10 ms) stays negligible.
PARTITIONS_PER_WORKER = 4
#: Most text bytes in one partition: each task carries its articles to the worker.
PARTITION_BYTES = 8_000_000
#: The one-line error when the optional dependency is missing.
DASK_MISSING = "dask is not installed: pip install 'kg[dask]'"

Item = TypeVar("Item")


def check_dask() -> Any:
    """The ``distributed`` package, imported on first use; ImportError in one line when missing."""
    try:
        import distributed  # noqa: PLC0415 - optional, and slow to import
    except ImportError:
        raise ImportError(DASK_MISSING) from None
    return distributed


def loaded_pipelines() -> int:
    """How many spaCy pipelines this process has loaded for builds (one per worker thread and model)."""
    from kg.nlp.pipeline import shared_pipelines  # noqa: PLC0415 - run on the workers, which have spaCy

    return shared_pipelines()


# --- Partitions -------------------------------------------------------------------------


def partition(
    items: Sequence[Item], parts: int, size: Callable[[Item], int] | None = None
) -> list[list[Item]]:
    """``items`` cut into at most ``parts`` contiguous, non-empty slices of about equal ``size``.

    ``size`` defaults to a file's size in bytes (items are paths). Deterministic
    (it depends on the list and the sizes only) and order preserving: the
    slices joined are ``items``. An item is never split, so one huge .jsonl
    file is one partition.
    """
    if not items:
        return []
    size = size or _file_size
    parts = max(1, min(parts, len(items)))
    totals = list(itertools.accumulate(max(size(item), 1) for item in items))
    cuts = [0]
    for k in range(1, parts):
        cut = bisect.bisect_left(totals, totals[-1] * k / parts) + 1
        cuts.append(min(max(cut, cuts[-1] + 1), len(items) - (parts - k)))
    cuts.append(len(items))
    return [list(items[start:end]) for start, end in itertools.pairwise(cuts)]


def _file_size(path: Any) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _text_bytes(document: Document) -> int:
    return len(document.text.encode())


def partitions(jobs: int) -> Callable[[list[Document]], list[list[Document]]]:
    """The cut of a cluster of ``jobs`` threads: by bytes, several per thread, none too big to send."""

    def cut(documents: list[Document]) -> list[list[Document]]:
        total = sum(map(_text_bytes, documents))
        parts = max(jobs * PARTITIONS_PER_WORKER, math.ceil(total / PARTITION_BYTES))
        return partition(documents, parts, _text_bytes)

    return cut


# --- The engine -------------------------------------------------------------------------------


@contextmanager
def dask_engine(
    scheduler: str | None, workers: int, shards: str | Path | None, target: str | Path, clock: Stopwatch
) -> Iterator[Engine]:
    """The engine of a cluster: ``scheduler``'s, or a LocalCluster of ``workers`` started (and stopped) here.

    The shards go to a new folder inside ``shards`` (else next to ``target``,
    the output file or store), removed at the end whatever happens. The time
    spent starting and stopping the cluster is the ``cluster`` stage of ``clock``.
    """
    clock.switch("cluster")
    with _client(scheduler, workers) as client, _shard_folder(shards, target) as folder:
        jobs = sum(client.nthreads().values()) or workers
        executor = client.get_executor(pure=False)
        try:
            yield Engine(
                executor, jobs, cut=partitions(jobs), window=jobs * PARTITIONS_PER_WORKER, shards=folder
            )
        finally:
            executor.shutdown(wait=False)  # cancels what is left after a failure
            clock.switch("cluster")  # closing the client (and stopping the cluster it started)


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Client of the cluster at ``scheduler``, or of a LocalCluster started (and stopped) here."""
    distributed = check_dask()
    if scheduler is not None:
        with distributed.Client(scheduler, set_as_default=False) as client:
            yield client
        return
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}")
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # No dashboard, and the scheduler's plain HTTP server (health checks) on
        # any free port: the default 8787 may be taken by another cluster.
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@contextmanager
def _shard_folder(shards: Path | str | None, target: Path | str) -> Iterator[Path]:
    """A new, empty folder for this build's shards, removed at the end.

    Inside ``shards`` when given (the folder itself is kept), else next to ``target``.
    """
    parent = Path(shards) if shards is not None else Path(target).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".kg-shards-", dir=parent)).resolve()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
