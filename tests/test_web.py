"""kg build URL, --feed, --sitemap and kg read URL against a real HTTP server on 127.0.0.1.

The server is started by the test, in a thread, and serves saved pages, an RSS
feed, an Atom feed and a sitemap; it records every request, so the tests see
what kg asked for (and that a rebuild asks for no page again).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.builder.watch import watch
from kg.cli import main
from kg.read.feeds import feed_links, sitemap_links
from kg.read.fetch import Fetcher, FetchError
from kg.read.web import FeedFollower

NEWS_PAGE = (Path(__file__).parent / "data" / "news_page.html").read_text(encoding="utf-8")
SECOND_PAGE = (Path(__file__).parent / "data" / "frigates_page.html").read_text(encoding="utf-8")


@dataclass
class Site:
    """The loopback site: its pages and the requests it received."""

    base: str = ""
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, user agent)
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> 503s to send first

    def asked(self, path: str) -> int:
        return sum(1 for asked, _ in self.requests if asked == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            if site.fail_first.get(self.path, 0) > 0:
                site.fail_first[self.path] -= 1
                self.send_error(503)
                return
            status, content_type, body = site.pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    html = "text/html; charset=utf-8"
    site.pages["/news/fund.html"] = (200, html, NEWS_PAGE.encode())
    site.pages["/news/frigates.html"] = (200, html, SECOND_PAGE.encode())
    site.pages["/rss.xml"] = (200, "application/rss+xml", _rss(site.base).encode())
    site.pages["/atom.xml"] = (200, "application/atom+xml", _atom(site.base).encode())
    site.pages["/sitemap.xml"] = (200, "application/xml", _sitemap(site.base).encode())
    site.pages["/sitemap-index.xml"] = (200, "application/xml", _sitemap_index(site.base).encode())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def _rss(base: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Defence</title>
<item><title>Fund</title><link>{base}/news/fund.html</link></item>
<item><title>Frigates</title><link>{base}/news/frigates.html</link></item>
</channel></rss>"""


def _atom(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Defence</title><id>urn:x</id><updated>2025-01-14T00:00:00Z</updated>
<entry><title>Frigates</title><id>urn:1</id><updated>2025-01-14T00:00:00Z</updated>
<link href="{base}/news/frigates.html"/></entry></feed>"""


def _sitemap(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/news/fund.html</loc></url><url><loc>{base}/news/frigates.html</loc></url></urlset>"""


def _sitemap_index(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>"""


def _kg(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_build_urls_keeps_each_page_and_a_rebuild_asks_for_none(site: Site, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    urls = [f"{site.base}/news/fund.html", f"{site.base}/news/frigates.html"]
    status, _, err = _kg("build", *urls, "-o", str(tmp_path / "a.ttl"), "--cache", str(cache), "-q")
    assert status == 0, err
    first = (tmp_path / "a.ttl").read_bytes()
    assert b"Kaja Kallas" in first and b"Kosiniak-Kamysz" in first
    assert b"Jean Dupont" not in first  # the photo credit is not read
    assert site.asked("/news/fund.html") == 1
    assert all(agent.startswith("kg/") for _, agent in site.requests)

    status, _, err = _kg("build", *urls, "-o", str(tmp_path / "b.ttl"), "--cache", str(cache), "-q")
    assert status == 0, err
    assert site.asked("/news/fund.html") == 1 and site.asked("/news/frigates.html") == 1
    assert (tmp_path / "b.ttl").read_bytes() == first


def test_a_page_without_a_canonical_link_keeps_the_address_it_was_fetched_from(
    site: Site, tmp_path: Path
) -> None:
    url = f"{site.base}/news/frigates.html"
    status, out, err = _kg("read", url, "--jsonl", "--cache", str(tmp_path / "cache"))
    assert status == 0, err
    doc = json.loads(out)
    assert (doc["url"], doc["title"], doc["publisher"]) == (url, "Navy orders frigates", "Baltic Post")
    assert doc["text"].startswith("Navy orders frigates\n\nThe Polish Navy ordered three frigates")
    assert "Sport" not in doc["text"] and "Baltic Post 2025" not in doc["text"]


def test_build_a_feed_and_a_sitemap(site: Site, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    status, _, err = _kg(
        "build", "--feed", f"{site.base}/rss.xml", "-o", str(tmp_path / "f.ttl"), "--cache", cache
    )
    assert status == 0, err
    assert "2 articles" in err
    status, _, err = _kg(
        "build",
        "--sitemap",
        f"{site.base}/sitemap-index.xml",
        "-o",
        str(tmp_path / "s.ttl"),
        "--cache",
        cache,
    )
    assert status == 0, err
    assert site.asked("/news/fund.html") == 1  # the sitemap's pages were kept from the feed's build
    assert (tmp_path / "f.ttl").read_bytes() == (tmp_path / "s.ttl").read_bytes()


def test_feed_and_sitemap_links(site: Site, tmp_path: Path) -> None:
    fetcher = Fetcher(tmp_path, pause=0)
    assert feed_links(f"{site.base}/atom.xml", fetcher) == [f"{site.base}/news/frigates.html"]
    assert sitemap_links(f"{site.base}/sitemap-index.xml", fetcher) == [
        f"{site.base}/news/fund.html",
        f"{site.base}/news/frigates.html",
    ]
    with pytest.raises(FetchError, match="not a sitemap"):
        sitemap_links(f"{site.base}/news/fund.html", fetcher)


def test_a_page_that_fails_is_named_and_the_others_are_built(site: Site, tmp_path: Path) -> None:
    missing = f"{site.base}/news/gone.html"
    status, _, err = _kg(
        "build",
        missing,
        f"{site.base}/news/fund.html",
        "-o",
        str(tmp_path / "a.ttl"),
        "--cache",
        str(tmp_path),
    )
    assert status == 1
    assert f"warning: {missing}: HTTP 404 Not Found" in err
    assert "1 articles:" in err


def test_a_server_error_is_retried_after_a_pause(site: Site, tmp_path: Path) -> None:
    site.fail_first["/news/fund.html"] = 2
    fetcher = Fetcher(tmp_path, pause=0.05, retries=2)
    saved = fetcher.fetch(f"{site.base}/news/fund.html")
    assert saved.read_text(encoding="utf-8") == NEWS_PAGE
    assert site.asked("/news/fund.html") == 3
    site.fail_first["/news/frigates.html"] = 5
    with pytest.raises(FetchError, match=r"HTTP 503 \(after 3 tries\)"):
        fetcher.fetch(f"{site.base}/news/frigates.html")


def test_nothing_fetched_is_bad_usage(site: Site, tmp_path: Path) -> None:
    status, _, err = _kg(
        "build", f"{site.base}/nope.html", "-o", str(tmp_path / "a.ttl"), "--cache", str(tmp_path)
    )
    assert status == 2
    assert "no page could be fetched" in err


def test_watch_follows_a_feed_new_items_fetched_and_built(site: Site, tmp_path: Path) -> None:
    """kg build --feed URL --watch: an item added to the feed is fetched once and built."""
    one_item = _rss(site.base).replace(
        f"<item><title>Frigates</title><link>{site.base}/news/frigates.html</link></item>", ""
    )
    site.pages["/rss.xml"] = (200, "application/rss+xml", one_item.encode())
    fetcher = Fetcher(tmp_path / "web", pause=0)
    follower = FeedFollower(fetcher, feeds=(f"{site.base}/rss.xml",), every=0.2)
    stop = threading.Event()
    reports = []
    builds = watch(
        [],
        interval=0.2,
        stop=stop,
        pages=follower,
        output=str(tmp_path / "out.ttl"),
        cache=str(tmp_path),
        jobs=1,
    )
    reports.append(next(builds))
    assert reports[0].articles == 1
    site.pages["/rss.xml"] = (200, "application/rss+xml", _rss(site.base).encode())
    reports.append(next(builds))
    stop.set()
    assert reports[1].articles == 2
    assert b"Kosiniak-Kamysz" in (tmp_path / "out.ttl").read_bytes()
    assert site.asked("/news/fund.html") == 1 and site.asked("/news/frigates.html") == 1
    assert site.asked("/rss.xml") >= 2


def test_the_api_reads_a_url_as_kg_read_does(site: Site, tmp_path: Path) -> None:
    from kg.api import read_articles

    url, missing = f"{site.base}/news/frigates.html", f"{site.base}/news/gone.html"
    errors: list[str] = []
    (doc,) = read_articles([url, missing], cache=tmp_path, on_error=errors.append)
    assert (doc.url, doc.title) == (url, "Navy orders frigates")
    assert errors == [f"{missing}: HTTP 404 Not Found"]
