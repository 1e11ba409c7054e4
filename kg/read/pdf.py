"""The text of a PDF press release, as paragraphs a reader would see.

Why pdfminer.six and not pypdf: on press-release PDFs (tests/test_pdf.py makes
them with reportlab: a title, running header and footer, page numbers,
paragraphs, words broken at line ends) pdfminer's layout analysis gives one
text box per paragraph, with its place on the page and its font size, so the
paragraphs, the furniture and the heading can be told apart; pypdf gives the
page as one stream of lines, paragraph breaks lost (0 of 12 paragraph breaks
kept against 12 of 12) and the header glued to the first line.

What is dropped: lines that repeat at the top or bottom of most pages
(running headers and footers, digits ignored so "Page 3 of 9" repeats too)
and lone page numbers. A word hyphenated at a line end is joined
("inter-" + "ceptors"); a paragraph cut by a page break is joined again.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

__all__ = ["NoTextLayer", "PdfArticle", "PdfError", "read_pdf"]

TITLE_MAX_WORDS = 25
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d+\s*[-–]?(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE)
_BROKEN_WORD = re.compile(r"(\w)-\n(\w)")
_PLACEHOLDER_TITLES = frozenset({"", "untitled", "(unspecified)", "unknown"})
_EDGE = 0.12  # the top and bottom share of a page where running headers and footers sit


class PdfError(ValueError):
    """A PDF that cannot be read; the message is the reason, for one line."""


class NoTextLayer(PdfError):
    """Pages with no text to extract: a scan or a picture of a document."""


@dataclass(frozen=True)
class PdfArticle:
    body: str
    title: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class _Block:
    """One text box of a page: a paragraph, a heading, or page furniture."""

    page: int
    text: str
    top: float  # 0 at the top of the page, 1 at the bottom
    size: float  # the mean font size of its characters

    @property
    def at_edge(self) -> bool:
        return self.top < _EDGE or self.top > 1 - _EDGE


def read_pdf(data: bytes) -> PdfArticle:
    """The body and title of a PDF; `NoTextLayer` or `PdfError` when there is none to read."""
    blocks, pages, metadata = _blocks(data)
    if not blocks:
        raise NoTextLayer("no text layer (scanned?)")
    blocks = _without_furniture(blocks, pages)
    if not blocks:
        raise NoTextLayer("no text layer (scanned?)")
    title = _metadata_title(metadata) or _heading(blocks)
    paragraphs = _joined_across_pages(blocks)
    return PdfArticle(body="\n\n".join(paragraphs), title=title, author=_clean(metadata.get("Author")))


def _blocks(data: bytes) -> tuple[list[_Block], int, dict[str, str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError

    blocks: list[_Block] = []
    pages = 0
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams())):
            pages += 1
            height = page.height or 1.0
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                text = _paragraph(element.get_text())
                if not text:
                    continue
                sizes = [c.size for line in element for c in line if isinstance(c, LTChar)]
                size = sum(sizes) / len(sizes) if sizes else 0.0
                blocks.append(_Block(number, text, 1 - element.y1 / height, round(size, 1)))
        metadata = _metadata(PDFDocument(PDFParser(io.BytesIO(data))))
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError) as error:
        raise PdfError(f"cannot read the PDF: {error or type(error).__name__}") from None
    except Exception as error:  # pdfminer's encryption and parser errors have no common base
        raise PdfError(f"cannot read the PDF: {type(error).__name__}: {error}") from None
    return blocks, pages, metadata


def _metadata(document) -> dict[str, str]:
    info: dict[str, str] = {}
    for entry in document.info or []:
        for key, value in entry.items():
            if isinstance(value, bytes):
                value = _decode_pdf_string(value)
            if isinstance(value, str):
                info.setdefault(key, value)
    return info


def _decode_pdf_string(value: bytes) -> str:
    if value.startswith((b"\xfe\xff", b"\xff\xfe")):
        return value.decode("utf-16", errors="replace")
    return value.decode("latin-1")


def _paragraph(text: str) -> str:
    """A text box's lines as one line: words broken at a line end joined."""
    text = _BROKEN_WORD.sub(r"\1\2", text.strip())
    return " ".join(text.split())


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _without_furniture(blocks: list[_Block], pages: int) -> list[_Block]:
    """Blocks that are not running headers, footers or page numbers."""
    repeats: dict[str, set[int]] = {}
    for block in blocks:
        if block.at_edge:
            repeats.setdefault(_furniture_key(block.text), set()).add(block.page)
    running = {key for key, on in repeats.items() if pages > 1 and len(on) >= max(2, (pages + 1) // 2)}
    return [
        block
        for block in blocks
        if not _PAGE_NUMBER.match(block.text)
        and not (block.at_edge and _furniture_key(block.text) in running)
    ]


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return None if text.lower() in _PLACEHOLDER_TITLES else text


def _metadata_title(metadata: dict[str, str]) -> str | None:
    title = _clean(metadata.get("Title"))
    if title and re.search(r"\.(docx?|pdf|indd|odt)$|^microsoft word", title, re.IGNORECASE):
        return None  # a file name the authoring tool wrote, not a headline
    return title


def _heading(blocks: list[_Block]) -> str | None:
    """The first page's block in the largest type, when it is short enough to be a headline."""
    first_page = [block for block in blocks if block.page == blocks[0].page]
    largest = max(first_page, key=lambda block: block.size)
    body_size = sorted(block.size for block in blocks)[len(blocks) // 2]
    if largest.size > body_size and len(largest.text.split()) <= TITLE_MAX_WORDS:
        return largest.text
    return None


def _joined_across_pages(blocks: list[_Block]) -> list[str]:
    """Paragraph texts, a paragraph cut by a page break made whole again."""
    paragraphs: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        cut = (
            previous is not None
            and block.page != previous.page
            and not re.search(r"[.!?:\"”’)]$", previous.text)
            and block.text[:1].islower()
        )
        if cut:
            joiner = "" if paragraphs[-1].endswith("-") and block.text[:1].isalpha() else " "
            paragraphs[-1] = (paragraphs[-1][:-1] if joiner == "" else paragraphs[-1]) + joiner + block.text
        else:
            paragraphs.append(block.text)
        previous = block
    return paragraphs
