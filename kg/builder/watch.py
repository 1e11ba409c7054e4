"""Rebuild as articles arrive: ``kg build --watch`` and :func:`watch`.

A corpus grows by a few articles a day. Rebuilding it from a fresh command
costs the second spaCy takes to import and the pipeline to load, more than
extracting the one article that changed; a process that stays up pays that
once. So :func:`watch` builds, then looks at the corpus every ``interval``
seconds and builds again when a file was added, changed or removed. Each
build is an ordinary build (:func:`kg.builder.run.run_build`), so the fact cache and the store
skip every unchanged article and the result is what a cold build gives.

Watching is polling (the size and modification time of every file): it needs
no extra package, works on network folders, and costs a few milliseconds per
thousand files.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.builder import run
from kg.builder.options import BuildOptions
from kg.builder.report import BuildReport
from kg.read.documents import NoInputError, as_path_list, find_sources

#: What a corpus looks like from outside: each file's path, modification time and size.
CorpusState = tuple[tuple[str, int, int], ...]


def corpus_state(paths: Iterable[str | Path]) -> CorpusState:
    """The files under ``paths`` with their mtime and size; empty when there are none."""
    try:
        sources = find_sources(paths)
    except NoInputError:
        return ()
    state = []
    for source in sources:
        try:
            info = os.stat(source)
        except OSError:  # removed between the listing and now: the next look sees it gone
            continue
        state.append((str(source), info.st_mtime_ns, info.st_size))
    return tuple(state)


def _no_pages() -> list[Path]:
    return []


def changes(
    paths: Iterable[str | Path],
    interval: float,
    stop: threading.Event | None = None,
    pages: Callable[[], list[Path]] = _no_pages,
) -> Iterator[CorpusState]:
    """The corpus now, then each time it has changed and stayed still for one ``interval``.

    Waiting for the corpus to stay still means a file still being copied is
    read once it is whole, and a batch of new articles is built once.
    ``pages`` gives the saved pages of followed feeds at each look (new items
    fetched as they appear). Ends when ``stop`` is set.
    """
    paths = as_path_list(paths)
    stop = stop or threading.Event()
    built = corpus_state([*paths, *pages()])
    yield built
    seen = built
    while not stop.wait(interval):
        now = corpus_state([*paths, *pages()])
        if now == seen and now != built:
            built = now
            yield now
        seen = now


def watch(
    paths: Iterable[str | Path],
    *,
    interval: float = 2.0,
    stop: threading.Event | None = None,
    pages: Callable[[], list[Path]] = _no_pages,
    **options,
) -> Iterator[BuildReport]:
    """:func:`kg.api.build` of ``paths``, then again after each change: one report per build.

    ``options`` are those of :func:`kg.api.build` (``output``, ``store``,
    ``cache``...: the fields of :class:`~kg.builder.options.BuildOptions`).
    The pipeline is loaded after the first build, even when that build had
    nothing to extract. A corpus with no article left is not
    built (there is nothing to write); it is built again once articles come
    back. Set ``stop`` (a :class:`threading.Event`) to end the watch between
    builds. ``pages`` gives the saved pages of the feeds followed
    (:class:`kg.read.web.FeedFollower`), built with the files of ``paths``.
    """
    paths = as_path_list(paths)
    settings = BuildOptions(**options)
    loaded = settings.engine != "local"
    latest: list[Path] = []

    def remembered() -> list[Path]:
        latest[:] = pages()
        return latest

    for state in changes(paths, interval, stop, remembered):
        if state:
            yield run.run_build([*paths, *latest], settings)
        if not loaded:  # while waiting, so that the first change need not wait for spaCy
            run.shared_pipeline(settings.spacy_model)
            loaded = True
