"""What a build is asked to do: the options of :func:`kg.build`, as one value.

The fields are :func:`kg.api.build`'s keyword arguments, named the same, so
that ``BuildOptions(**kwargs)`` takes what ``kg.build`` takes; their meaning
is documented there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.builder.cache import default_folder
from kg.facts import ArticleFacts
from kg.rdf.formats import by_name
from kg.rdf.mapping import check_base
from kg.rdf.namespaces import DEFAULT_BASE

__all__ = ["ENGINES", "BuildOptions"]

#: Where extraction may run: on this machine, or on a Dask cluster.
ENGINES = ("local", "dask")


def _ignore(message: str) -> None:
    """The default ``on_error``: the message is in the report's errors anyway."""


def _nothing() -> None:
    """The default ``on_progress``."""


@dataclass(frozen=True)
class BuildOptions:
    """Where the graph goes, how it is built and who hears of each article (see :func:`kg.api.build`)."""

    output: str | Path | None = None
    store: str | Path | None = None
    format: str = "turtle"
    base: str = DEFAULT_BASE
    spacy_model: str | None = None
    jobs: int | None = None
    cache: bool | str | Path = True
    prune: bool = True
    engine: str = "local"
    scheduler: str | None = None
    workers: int = 2
    shards: str | Path | None = None
    on_error: Callable[[str], None] = _ignore
    on_article: Callable[[ArticleFacts], None] | None = None
    on_progress: Callable[[], None] = _nothing
    validate: bool = True
    shapes: str | Path | None = None
    lang_any: bool = False

    def check(self) -> None:
        """ValueError for options no build can follow, before anything is read or written."""
        if self.output is None and self.store is None:
            raise ValueError("nothing to write: give an output file, a store directory or both")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose local or dask")
        by_name(self.format)
        check_base(self.base)

    @property
    def target(self) -> str | Path:
        """What the build writes: its output file, else its store."""
        return self.output if self.output is not None else self.store  # type: ignore[return-value]

    @property
    def cache_folder(self) -> Path | None:
        """The fact cache (:mod:`kg.builder.cache`): True is the default folder, False none."""
        if not self.cache:
            return None
        return default_folder() if self.cache is True else Path(self.cache)

    @property
    def skips_unchanged(self) -> bool:
        """A build into a store alone skips the articles the store holds unchanged (see kg.api.build)."""
        return self.store is not None and self.output is None
