"""Score HTML article readers on the article-extraction benchmark.

Why: kg reads saved and fetched web pages; which extractor it uses is decided
by this measurement, not by taste. The data (181 real pages and their
hand-checked article bodies) is the public benchmark of Scrapinghub/Zyte,
kept under ``shared/data/article-extraction-benchmark/``; the metric is the
one its README states:

* tokens are ``\\w+`` matches, shingles their 4-grams;
* per page TP/FP/FN are multiset overlaps of predicted and true shingles,
  divided by their sum so that each page weighs the same;
* precision and recall are taken over those normalised counts, F1 of the two.

Usage::

    .venv/bin/python benchmarks/extraction.py [--data DIR] [--readers kg,trafilatura,...] [--limit N]

``kg`` is kg's own reader (:func:`kg.read.html.read_html`, the body kg puts
into the graph); the others are the candidates that were compared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 4


@dataclass(frozen=True)
class Score:
    """One reader's figures on the benchmark."""

    reader: str
    precision: float
    recall: float
    f1: float
    seconds: float
    pages: int


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-grams of ``\\w+`` tokens (the benchmark's unit)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(max(0, len(tokens) - _SHINGLE + 1)))


def page_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """TP, FP, FN of one page, normalised so that they sum to 1 (or all 0)."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the normalised per-page counts."""
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --------------------------------------------------------------------------
# The readers compared


def kg_reader(html: str, url: str) -> str:
    from kg.read.html import read_html

    return read_html(html, url=url).body


def trafilatura_reader(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def readability_reader(html: str, url: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def justext_reader(html: str, url: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


READERS: dict[str, Callable[[str, str], str]] = {
    "kg": kg_reader,
    "trafilatura": trafilatura_reader,
    "readability-lxml": readability_reader,
    "jusText": justext_reader,
}


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(key, html, url, true body) of each page, in key order."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        raw = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        pages.append((key, html, truth[key].get("url") or "", truth[key]["articleBody"]))
    return pages


def run_reader(name: str, pages: list[tuple[str, str, str, str]]) -> Score:
    reader = READERS[name]
    started = time.perf_counter()
    counts = []
    for _key, html, url, truth in pages:
        try:
            predicted = reader(html, url)
        except Exception as error:  # a candidate that fails on a page scores 0 there
            print(f"  {name}: {_key}: {type(error).__name__}: {error}", file=sys.stderr)
            predicted = ""
        counts.append(page_counts(predicted, truth))
    precision, recall, f1 = score(counts)
    return Score(name, precision, recall, f1, time.perf_counter() - started, len(pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)
    pages = load_pages(args.data, args.limit)
    print(f"{'reader':<18} {'precision':>9} {'recall':>7} {'F1':>6} {'s/page':>7}  ({len(pages)} pages)")
    for name in args.readers.split(","):
        result = run_reader(name.strip(), pages)
        print(
            f"{result.reader:<18} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
            f"{result.seconds / max(1, result.pages):7.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
