"""Web addresses, feeds and sitemaps turned into saved pages the builder reads like files.

``kg build URL... --feed URL --sitemap URL`` and ``kg read URL`` call
:func:`fetch_pages`; what could not be fetched is reported through
``on_error`` (one line naming the address) and the others are built.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.read.feeds import feed_links, sitemap_links
from kg.read.fetch import Fetcher, FetchError

__all__ = ["FeedFollower", "fetch_pages", "page_links", "web_folder"]


def web_folder(cache: str | Path) -> Path:
    """Where fetched pages are kept: ``web/`` in the cache folder."""
    return Path(cache) / "web"


def page_links(
    urls: Iterable[str],
    fetcher: Fetcher,
    *,
    feeds: Iterable[str] = (),
    sitemaps: Iterable[str] = (),
    on_error: Callable[[str], None] = lambda message: None,
) -> list[str]:
    """Every page address to read: those given, then each feed's and sitemap's, each once."""
    links = dict.fromkeys(urls)
    for listing, find in [(url, feed_links) for url in feeds] + [(url, sitemap_links) for url in sitemaps]:
        try:
            links.update(dict.fromkeys(find(listing, fetcher)))
        except FetchError as error:
            on_error(str(error))
    return list(links)


@dataclass
class FeedFollower:
    """The saved pages of feeds, sitemaps and URLs, the feeds asked for again every ``every`` seconds.

    ``kg build --feed URL --watch`` calls it at each look at the corpus: a new
    item is fetched once and kept; between two asks of a feed, the pages
    already known are given without a request.
    """

    fetcher: Fetcher
    urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    every: float = 300.0
    on_error: Callable[[str], None] = lambda message: None
    _pages: list[Path] = field(default_factory=list)
    _asked: float | None = None

    def __call__(self) -> list[Path]:
        now = time.monotonic()
        if self._asked is None or now - self._asked >= self.every:
            self._asked = now
            links = page_links(
                self.urls, self.fetcher, feeds=self.feeds, sitemaps=self.sitemaps, on_error=self.on_error
            )
            self._pages = fetch_pages(links, self.fetcher, on_error=self.on_error)
        return list(self._pages)


def fetch_pages(
    urls: Iterable[str],
    fetcher: Fetcher,
    *,
    on_error: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """The saved copy of each page (fetched unless kept already), in the order given."""
    saved = []
    for url in urls:
        try:
            saved.append(fetcher.fetch(url))
        except FetchError as error:
            on_error(str(error))
    return saved
