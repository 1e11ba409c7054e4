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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from kg.builder.batches import Batch, BatchResult, extract_batch
from kg.facts import Document

__all__ = ["Engine", "InOrder", "InProcess", "Recovery", "chunks"]


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
    #: How to go on when a worker process dies (a local pool), or None: its error ends the build.
    recovery: Recovery | None = None

    def results(self, batches: Iterable[Batch]) -> InOrder:
        """Start running ``batches``; their results, in order."""
        return InOrder(self.executor, self.run, batches, self.window, self.recovery)


class Recovery(Protocol):
    """An executor made anew after one of its processes died (:class:`kg.builder.local.WorkerPool`)."""

    def restart(self) -> list[Any]:
        """A working executor again; the deaths seen, each with the ``paths`` it held and a ``str``."""
        ...


class InOrder:
    """The results of ``fn`` over ``items`` in their order, ``window`` of them submitted ahead.

    Work starts when this is made, so the caller can do something else (take
    the cached articles) while the workers get going. In order, because a
    build reports errors and writes files in corpus order; a window, so that
    a large corpus is never all in flight at once.

    With a ``recovery``, a worker that dies does not end the build: the pool
    is made anew, the batches in flight are submitted again, and those the
    dead worker held are run one article per task, so that an article that
    kills its worker again is named and skipped (:meth:`_recover`).
    """

    def __init__(
        self,
        executor: Executor,
        fn: Callable[[Any], Any],
        items: Iterable[Any],
        window: int,
        recovery: Recovery | None = None,
    ) -> None:
        self.executor, self.fn, self.recovery = executor, fn, recovery
        self.items = iter(items)
        #: (item, its future, whether it is one article of a batch a dead worker held)
        self.pending: deque[tuple[Any, Future, bool]] = deque()
        for item in islice(self.items, max(window, 1)):
            self._submit(item)

    def _submit(self, item: Any, alone: bool = False) -> None:
        self.pending.append((item, self.executor.submit(self.fn, item), alone))

    def __iter__(self) -> Iterator[Any]:
        try:
            while self.pending:
                item, future, alone = self.pending.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    if self.recovery is None:
                        raise
                    yield from self._recover(item, alone)
                    continue
                yield result
                # Refilled once the caller has taken the result: in this process, a batch
                # then runs only after the one before has gone to the sinks.
                for item in islice(self.items, 1):
                    self._submit(item)
        finally:
            for _, future, _ in self.pending:
                future.cancel()

    def _recover(self, item: Batch, alone: bool) -> Iterator[BatchResult]:
        """After a worker died: say so, skip an article that killed its worker alone, resubmit the rest.

        Every pending future fails when one worker dies, so the one this loop
        was waiting for need not be the culprit: the dead workers' own records
        (``deaths``) say which articles they held.
        """
        assert self.recovery is not None
        deaths = self.recovery.restart()
        waiting = [(item, alone)] + [(other, single) for other, _, single in self.pending]
        self.pending.clear()
        killer_of = {path: death for death in deaths for path in death.paths}
        if not killer_of and alone:  # no record of what it held: the article that ran alone is the cause
            killer_of = {item.documents[0].path: "its worker process died"}
        causes = [batch for batch, single in waiting if single and batch.documents[0].path in killer_of]
        if causes:
            for batch in causes:
                path = batch.documents[0].path
                yield BatchResult(errors=[f"{path}: skipped: {killer_of[path]}"])
        else:
            yield BatchResult(errors=[f"{death}; extracting them again one at a time" for death in deaths])
        for batch, single in waiting:
            if batch in causes:
                continue
            if not single and any(d.path in killer_of for d in batch.documents):
                for one in batch.one_by_one():
                    self._submit(one, alone=True)
            else:
                self._submit(batch, single)


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
