"""Fetching web pages for ``kg build URL`` and ``kg read URL``, politely and once.

Why a saved copy: a rebuild must give the same graph without asking the site
again, so each page is kept, raw, in the cache (``<cache>/web/<host>/``) with
the address it came from beside it (``<page>.html.url``). The builder then
reads those saved files like any other ``.html`` file: one reader, one
extractor (:mod:`kg.read.html`), the same text whether a page was fetched
or saved by hand.

Polite: one request at a time (so one host at a time), a user agent that
names kg, a timeout, a few retries with a growing pause on errors a server
may recover from (timeouts, 429 and 5xx), and a pause between two requests
to the same host.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kg.ids import slugify
from kg.version import __version__

__all__ = ["FetchError", "Fetcher", "is_url", "page_url"]

USER_AGENT = f"kg/{__version__} (defence-policy knowledge graph; polite fetcher)"
URL_SUFFIX = ".url"  # beside a saved page: the address it was fetched from
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A page that could not be fetched; ``str()`` is one line naming the URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url, self.reason = url, " ".join(reason.split())

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


def is_url(text: str) -> bool:
    """Whether a command-line argument is a web address rather than a path."""
    return text.startswith(("http://", "https://"))


def page_url(saved: Path) -> str | None:
    """The address a saved page was fetched from, when kg fetched it."""
    beside = saved.with_name(saved.name + URL_SUFFIX)
    try:
        return beside.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@dataclass
class Fetcher:
    """Fetches pages one at a time into ``folder``; a page already there is not asked for again."""

    folder: Path
    timeout: float = 20.0
    retries: int = 2
    pause: float = 1.0  # seconds between two requests to the same host
    refetch: bool = False
    requests: int = 0  # how many requests were sent (tests and the summary read it)
    _last_request: dict[str, float] = field(default_factory=dict)

    def saved_path(self, url: str) -> Path:
        """Where the raw page of ``url`` is kept: readable names, unique by a digest."""
        parts = urlsplit(url)
        tail = slugify(f"{parts.path} {parts.query}".strip(" /")) or "index"
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
        return self.folder / slugify(parts.hostname or "host") / f"{tail[:80]}-{digest}.html"

    def fetch(self, url: str) -> Path:
        """The saved copy of ``url``, fetched first unless it is already kept."""
        path = self.saved_path(url)
        if path.exists() and not self.refetch:
            return path
        body, content_type = self.get(url)
        if content_type and "pdf" in content_type:
            path = path.with_suffix(".pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(body)
        partial.replace(path)
        path.with_name(path.name + URL_SUFFIX).write_text(url + "\n", encoding="utf-8")
        return path

    def get(self, url: str) -> tuple[bytes, str]:
        """The body and content type of ``url``, retried on errors a server recovers from."""
        attempt = 0
        while True:
            self._wait_for_host(url)
            try:
                return self._request(url)
            except _Retryable as error:
                attempt += 1
                if attempt > self.retries:
                    raise FetchError(url, f"{error} (after {attempt} tries)") from None
                time.sleep(self.pause * attempt)

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last_request.get(host)
        if last is not None:
            time.sleep(max(0.0, last + self.pause - time.monotonic()))
        self._last_request[host] = time.monotonic()

    def _request(self, url: str) -> tuple[bytes, str]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            if error.code in _RETRY_STATUSES:
                raise _Retryable(f"HTTP {error.code}") from None
            raise FetchError(url, f"HTTP {error.code} {error.reason}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", None) or error
            raise _Retryable(f"cannot fetch: {reason}") from None


class _Retryable(Exception):
    """A failure worth another try."""
