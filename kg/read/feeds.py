"""The article links of an RSS/Atom feed or a sitemap: what ``--feed`` and ``--sitemap`` build.

Feeds are parsed by feedparser (RSS 0.9x-2.0, Atom, RDF; broken feeds too);
a sitemap is plain XML (the sitemaps.org schema), read with the standard
library, a sitemap index followed one level down. A feed or sitemap is asked
for again on every build (it is what changes); the pages it names are not,
once they are kept (:mod:`kg.read.fetch`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from kg.read.fetch import Fetcher, FetchError

__all__ = ["feed_links", "sitemap_links"]

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def feed_links(url: str, fetcher: Fetcher) -> list[str]:
    """The item links of the feed at ``url``, in the feed's order, each once."""
    import feedparser

    body, _ = fetcher.get(url)
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FetchError(url, f"not an RSS or Atom feed ({parsed.bozo_exception})")
    return _unique(entry.get("link", "") for entry in parsed.entries)


def sitemap_links(url: str, fetcher: Fetcher, *, depth: int = 1) -> list[str]:
    """The page addresses of the sitemap at ``url`` (an index's sitemaps followed ``depth`` levels)."""
    body, _ = fetcher.get(url)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise FetchError(url, f"not a sitemap: {error}") from None
    locations = [(loc.text or "").strip() for loc in root.iter(f"{_SITEMAP_NS}loc")]
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        if depth <= 0:
            return []
        links: list[str] = []
        for child in locations:
            links += sitemap_links(child, fetcher, depth=depth - 1)
        return _unique(links)
    if root.tag != f"{_SITEMAP_NS}urlset":
        raise FetchError(url, f"not a sitemap: root element {root.tag}")
    return _unique(locations)


def _unique(links) -> list[str]:
    seen: dict[str, None] = {}
    for link in links:
        if link and link.startswith(("http://", "https://")):
            seen.setdefault(link, None)
    return list(seen)
