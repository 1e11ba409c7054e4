"""A per-article time budget: the last resort against an article that would hold a build for hours.

Every extractor is meant to be linear in an article's length
(``benchmarks/adversarial.py`` measures it), but a build of a large corpus
must not stake its night on that: an article that takes longer than
:data:`ARTICLE_SECONDS` (``$KG_ARTICLE_SECONDS``) is stopped, named and
skipped, and the rest is built.

The clock is ``SIGALRM`` (``setitimer``): it interrupts Python code anywhere,
spaCy's regular-expression callbacks included, at no cost while it does not
ring. Signals reach only a process's main thread, so the budget holds where
extraction runs there (the build's own process, pool workers) and is not
enforced in a thread (a Dask worker's): there it is a no-op.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ARTICLE_SECONDS", "OverBudget", "article_seconds", "time_budget"]

#: Seconds one article may take to extract, unless ``$KG_ARTICLE_SECONDS`` says otherwise (0: no limit).
ARTICLE_SECONDS = 300.0


class OverBudget(Exception):  # noqa: N818 - reads as what happened: the article is over budget
    """Raised in the extracting code when its time is up."""


def article_seconds() -> float:
    """The budget of one article: ``$KG_ARTICLE_SECONDS``, else :data:`ARTICLE_SECONDS`."""
    value = os.environ.get("KG_ARTICLE_SECONDS", "").strip()
    try:
        return max(float(value), 0.0) if value else ARTICLE_SECONDS
    except ValueError:
        return ARTICLE_SECONDS


def _can_ring() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`OverBudget` in this block once ``seconds`` have passed (if the clock can ring here)."""
    if seconds <= 0 or not _can_ring():
        yield
        return

    def ring(signum, frame) -> None:
        raise OverBudget(f"over the time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
