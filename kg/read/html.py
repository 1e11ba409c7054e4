"""The main text and metadata of a web page, saved or fetched.

Why trafilatura (with htmldate for the date): on the public article-extraction
benchmark (181 real news pages, ``benchmarks/extraction.py``) it scores F1
0.960 against 0.953 for readability-lxml, 0.781 for jusText and 0.831 for
the html.parser reader kg had before, which let menus, photo credits, bylines
and related links into the text, and so into the graph as people. The same
function reads saved ``.html`` files and pages ``kg build URL`` fetches, so
``kg read`` shows exactly what either puts into the graph.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

__all__ = ["HtmlArticle", "NoArticleText", "read_html"]


class NoArticleText(ValueError):
    """The page holds no article text the extractor could find."""


@dataclass(frozen=True)
class HtmlArticle:
    """What kg keeps of a web page: the article body and its metadata."""

    body: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None


def _quiet_extractor_logs() -> None:
    """trafilatura and htmldate log at WARNING about pages they find odd; kg reports its own one line."""
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _one_line(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.split()) or None


def read_html(html: str, *, url: str | None = None) -> HtmlArticle:
    """The article of ``html``: paragraphs separated by blank lines, and its metadata.

    ``url`` is where the page came from (a fetched page); the page's own
    canonical link wins when it has one. Raises `NoArticleText` when nothing
    is found, so the caller names the file.
    """
    import trafilatura

    _quiet_extractor_logs()
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        favor_precision=True,
    )
    body = _paragraphs(result.text if result is not None else None)
    if not body:
        raise NoArticleText("no article text found in the HTML")
    return HtmlArticle(
        body=body,
        title=_one_line(result.title),
        date=_one_line(result.date),
        url=_one_line(result.url) or url,
        publisher=_one_line(result.sitename),
        author=_one_line(result.author),
    )


# trafilatura marks list items with "- "; in kg's text an item is a paragraph.
_LIST_MARK = re.compile(r"^- ")


def _paragraphs(text: str | None) -> str:
    """trafilatura's one-line-per-block text as kg's blank-line paragraphs."""
    if not text:
        return ""
    lines = (_LIST_MARK.sub("", " ".join(line.split())) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)
