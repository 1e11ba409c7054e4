"""PDF press releases, made here with reportlab: paragraphs kept, page furniture dropped.

Each PDF is drawn line by line on a reportlab canvas, so the test knows what
a reader sees: a running header and footer, page numbers, a title in large
type, paragraphs, a word broken at a line end and a paragraph cut by a page
break.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kg.cli import main
from kg.read.documents import DocumentError, read_documents
from kg.read.pdf import read_pdf

HEADER = "Council of the European Union - Press release 14/25"
PAGE_ONE = [
    [
        "Defence ministers of the European Union agreed on Tuesday to pool",
        "funds for a common air defence shield and to buy radars and inter-",
        "ceptors together.",
    ],
    [
        "\u201cThis is the first step towards a real European defence,\u201d said",
        "Kaja Kallas, the EU's foreign policy chief, after the meeting.",
    ],
    [
        "Poland and the Baltic states, which border Russia, had pressed",
        "hardest for the plan, and Germany said the two efforts would",
    ],
]
PAGE_TWO = [
    ["be joined under one command in the coming months."],
    ["Talks on the details resume in May in Brussels."],
]
BODY = (
    "Defence ministers of the European Union agreed on Tuesday to pool funds for a common air defence shield"
    " and to buy radars and interceptors together.\n\n"
    "\u201cThis is the first step towards a real European defence,\u201d said Kaja Kallas,"
    " the EU's foreign policy chief, after the meeting.\n\n"
    "Poland and the Baltic states, which border Russia, had pressed hardest for the plan, and Germany said"
    " the two efforts would be joined under one command in the coming months.\n\n"
    "Talks on the details resume in May in Brussels."
)
HEADLINE = "EU ministers agree to pool funds for air defence"


def make_pdf(
    path: Path, *, title: str | None = None, pages=(PAGE_ONE, PAGE_TWO), text_layer: bool = True
) -> Path:
    """A press release PDF drawn line by line (``title``: the document metadata's)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title is not None:
        pdf.setTitle(title)
    width, height = A4
    for number, paragraphs in enumerate(pages, 1):
        if not text_layer:
            pdf.rect(72, 300, 400, 400, fill=1)  # a scan: a picture, no text
            pdf.showPage()
            continue
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, height - 36, HEADER)
        pdf.drawString(width / 2, 30, f"Page {number} of {len(pages)}")
        y = height - 100
        if number == 1:
            pdf.setFont("Helvetica-Bold", 18)
            pdf.drawString(72, y, HEADLINE)
            y -= 40
        pdf.setFont("Helvetica", 11)
        for paragraph in paragraphs:
            for line in paragraph:
                pdf.drawString(72, y, line)
                y -= 14
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def test_paragraphs_without_headers_footers_or_page_numbers(tmp_path: Path) -> None:
    article = read_pdf(make_pdf(tmp_path / "release.pdf").read_bytes())
    assert article.body == f"{HEADLINE}\n\n{BODY}"
    assert article.title == HEADLINE  # the first heading: no title in the metadata


def test_the_metadata_title_wins(tmp_path: Path) -> None:
    article = read_pdf(make_pdf(tmp_path / "r.pdf", title="Air defence: ministers agree").read_bytes())
    assert article.title == "Air defence: ministers agree"


def test_a_pdf_is_read_by_kg_build_as_a_document(tmp_path: Path) -> None:
    make_pdf(tmp_path / "release.pdf")
    (doc,) = read_documents([tmp_path])
    assert doc.id == "release" and doc.title == HEADLINE
    assert doc.text == f"{HEADLINE}\n\n{BODY}"


def test_a_scan_has_no_text_layer(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", text_layer=False)
    (error,) = read_documents([path])
    assert isinstance(error, DocumentError)
    assert str(error) == f"{path}: no text layer (scanned?)"


def test_a_broken_pdf_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    (error,) = read_documents([path])
    assert isinstance(error, DocumentError)
    assert str(error).startswith(f"{path}: ")
    assert "\n" not in str(error)


def test_an_uncompressed_pdf_is_not_read_as_text(tmp_path: Path) -> None:
    """Before, a PDF without NUL bytes was read as its PDF source and gave statements."""
    path = make_pdf(tmp_path / "release.pdf")
    status = CliRunner().invoke(main, ["read", str(path), "--jsonl"], catch_exceptions=False)
    assert status.exit_code == 0
    assert "obj" not in status.stdout and "Kaja Kallas" in status.stdout


def test_why_not_pypdf_it_loses_the_paragraphs(tmp_path: Path) -> None:
    """The measurement behind the choice: pypdf's text has no paragraph breaks to keep."""
    import pypdf

    path = make_pdf(tmp_path / "release.pdf")
    for page in pypdf.PdfReader(path).pages:
        text = page.extract_text()
        assert "\n\n" not in text.strip()
        assert text.startswith(HEADER)  # and the running header comes first, in the text
    assert read_pdf(path.read_bytes()).body.count("\n\n") == 4  # the heading and four paragraphs
