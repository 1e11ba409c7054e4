"""The seam between a build and where its extraction runs: a :class:`concurrent.futures.Executor`.

A build cuts the articles it must extract into batches and hands each to
:func:`kg.builder.batches.extract_batch` through an executor; what differs
between engines is only the executor and how the work is cut:

* in this process (:class:`InProcess`): small corpora and ``--jobs 1``;
* a local process pool (``ProcessPoolExecutor``): ``--jobs N``;
* a Dask cluster (``Client.get_executor()``): ``--engine dask``.

The engines themselves are made in :mod:`kg.builder.local` and
:mod:`kg.builder.distributed`; the build never knows which it has.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from kg.builder.batches import Batch, BatchResult, extract_batch
from kg.facts import Document

__all__ = ["Engine", "InOrder", "InProcess", "chunks"]


@dataclass
class Engine:
    """An executor, and how a build is to use it."""

    executor: Executor
    #: The processes (or cluster threads) that extract: ``report.jobs``.
    jobs: int
    #: How the articles to extract are cut into batches.
    cut: Callable[[list[Document]], list[list[Document]]]
    #: What each batch runs: picklable for a pool or a cluster.
    run: Callable[[Batch], BatchResult] = extract_batch
    #: Batches submitted ahead of the one the build waits for.
    window: int = 1
    #: The folder the batches write their RDF to (a cluster's shared folder), or None: sent back.
    shards: Path | None = None
    #: The batches run in this very thread: their seconds are the build's own stages.
    in_process: bool = False

    def results(self, batches: Iterable[Batch]) -> InOrder:
        """Start running ``batches``; their results, in order."""
        return InOrder(self.executor, self.run, batches, self.window)


class InOrder:
    """The results of ``fn`` over ``items`` in their order, ``window`` of them submitted ahead.

    Work starts when this is made, so the caller can do something else (take
    the cached articles) while the workers get going. In order, because a
    build reports errors and writes files in corpus order; a window, so that
    a large corpus is never all in flight at once.
    """

    def __init__(
        self, executor: Executor, fn: Callable[[Any], Any], items: Iterable[Any], window: int
    ) -> None:
        self.executor, self.fn = executor, fn
        self.items = iter(items)
        self.pending: deque[Future] = deque()
        for item in islice(self.items, max(window, 1)):
            self.pending.append(executor.submit(fn, item))

    def __iter__(self) -> Iterator[Any]:
        try:
            while self.pending:
                yield self.pending.popleft().result()
                # Refilled once the caller has taken the result: in this process, a batch
                # then runs only after the one before has gone to the sinks.
                for item in islice(self.items, 1):
                    self.pending.append(self.executor.submit(self.fn, item))
        finally:
            for future in self.pending:
                future.cancel()


class InProcess(Executor):
    """An executor that runs each call as it is submitted, in the caller's thread.

    For corpora too small to be worth starting workers, and ``--jobs 1``: the
    same batches as the other engines, without their start-up or pickling.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result, as a pool would
            future.set_exception(exc)
        return future


def chunks(size: int) -> Callable[[list[Document]], list[list[Document]]]:
    """A cut into batches of ``size`` articles, in order."""

    def cut(documents: list[Document]) -> list[list[Document]]:
        return [documents[start : start + size] for start in range(0, len(documents), size)]

    return cut
