"""Tests for kg.read.documents: turning files on disk into Document objects."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kg.facts import Document
from kg.ids import digest
from kg.read.documents import (
    DocumentError,
    NoInputError,
    find_sources,
    read_documents,
    read_sources,
    read_text,
)

HEADLINE = "Ministers agree to pool funds for air defence"
LEAD = (
    "Defence ministers from five countries agreed on Tuesday to pool funds "
    "for a joint air-defence programme, the ministry said."
)
LONG_PARAGRAPH = " ".join(["The committee reviewed the procurement plan again."] * 6)


def write(path: Path, content: str | bytes) -> Path:
    """Write a file (creating its folder) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read_one(path: Path) -> Document | DocumentError:
    """The single item read from one file."""
    items = list(read_documents([path]))
    assert len(items) == 1, items
    return items[0]


def read_doc(path: Path) -> Document:
    item = read_one(path)
    assert isinstance(item, Document), str(item)
    return item


def read_error(path: Path) -> DocumentError:
    item = read_one(path)
    assert isinstance(item, DocumentError), item
    assert "\n" not in str(item)
    return item


# --- plain text and titles -------------------------------------------------


def test_short_first_line_followed_by_blank_line_is_the_title(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "000_06589e0e.txt", f"{HEADLINE}\n\n{LEAD}\n"))
    assert doc.title == HEADLINE
    assert doc.text == f"{HEADLINE}\n\n{LEAD}"
    assert doc.id == "000-06589e0e"
    assert doc.path == str(tmp_path / "000_06589e0e.txt")


def test_long_first_paragraph_is_not_a_title(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "a.txt", f"{LONG_PARAGRAPH}\n\n{LEAD}"))
    assert doc.title is None
    assert doc.text.startswith(LONG_PARAGRAPH)


def test_first_line_without_blank_line_or_alone_is_not_a_title(tmp_path: Path) -> None:
    joined = read_doc(write(tmp_path / "a.txt", f"{HEADLINE}\n{LEAD}"))
    alone = read_doc(write(tmp_path / "b.txt", f"{HEADLINE}\n\n"))
    assert joined.title is None
    assert alone.title is None


def test_markdown_heading_is_the_title_and_loses_its_hashes(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "a.txt", f"# {HEADLINE}\n{LEAD}"))
    assert doc.title == HEADLINE
    assert doc.text == f"{HEADLINE}\n{LEAD}"


def test_bom_is_stripped_and_crlf_normalised(tmp_path: Path) -> None:
    raw = f"\ufeff{HEADLINE}\r\n\r\n{LEAD}\r\nSecond line.\rThird line.\r\n"
    doc = read_doc(write(tmp_path / "a.txt", raw.encode("utf-8")))
    assert doc.title == HEADLINE
    assert doc.text == f"{HEADLINE}\n\n{LEAD}\nSecond line.\nThird line."


def test_quote_characters_are_kept(tmp_path: Path) -> None:
    body = '“We must act now,” the minister said. ‘Europe’s turn’ – "plain".'
    doc = read_doc(write(tmp_path / "a.txt", f"{HEADLINE}\n\n{body}"))
    assert doc.text.endswith(body)


def test_unsupported_suffix_given_explicitly_is_read_as_text(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "notes.text", f"{HEADLINE}\n\n{LEAD}"))
    assert doc.title == HEADLINE


def test_read_text_detects_or_prepends_the_title() -> None:
    detected = read_text(f"{HEADLINE}\r\n\r\n{LEAD}", id="My Doc")
    given = read_text(LEAD, title=HEADLINE, url="https://example.org/a")
    repeated = read_text(f"{HEADLINE}\n\n{LEAD}", title=HEADLINE)
    assert (detected.id, detected.title) == ("my-doc", HEADLINE)
    assert given.text == f"{HEADLINE}\n\n{LEAD}"
    assert given.url == "https://example.org/a"
    assert repeated.text == given.text
    with pytest.raises(DocumentError):
        read_text("  \n ")


# --- markdown --------------------------------------------------------------


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    md = (
        "# Germany **doubles** its order\n\n"
        "The *Bundestag* approved the __new__ budget, reports "
        "[Defence Weekly](https://example.org/dw).\n\n"
        "![A frigate](frigate.jpg)\n\n"
        "## Background\n\n"
        "> The snake_case_name stays intact.\n\n"
        "```\nsome *code* here\n```\n"
    )
    doc = read_doc(write(tmp_path / "a.md", md))
    assert doc.title == "Germany doubles its order"
    assert doc.text == (
        "Germany doubles its order\n\n"
        "The Bundestag approved the new budget, reports Defence Weekly.\n\n"
        "Background\n\n"
        "The snake_case_name stays intact.\n\n"
        "some *code* here"
    )


def test_markdown_front_matter_gives_metadata(tmp_path: Path) -> None:
    md = (
        "---\n"
        f'title: "{HEADLINE}"\n'
        "date: 2025-01-14\n"
        "url: https://example.org/pool\n"
        "tags:\n  - air defence\n"
        "---\n\n"
        f"{LEAD}\n"
    )
    doc = read_doc(write(tmp_path / "a.md", md))
    assert (doc.title, doc.date, doc.url) == (
        HEADLINE,
        "2025-01-14",
        "https://example.org/pool",
    )
    assert doc.text == f"{HEADLINE}\n\n{LEAD}"


# --- HTML ------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head>
<title>Pool funds | Defence Daily</title>
<meta property="og:title" content="Ministers agree to pool funds for air defence">
<meta property="og:site_name" content="Defence Daily">
<meta property="article:published_time" content="2025-01-14T09:30:00Z">
<link rel="canonical" href="https://example.org/news/pool-funds">
<style>p { color: red; }</style>
<script>var tracking = "should not appear";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article>
  <h1>Ministers agree to pool funds for air defence</h1>
  <p>Defence ministers   agreed on
     Tuesday to pool funds &amp; share radars.</p>
  <p>&ldquo;This is a first step,&rdquo; the minister said.<br>Talks resume in May.</p>
  <ul><li>Poland</li><li>Germany</li></ul>
  <script>alert("nope")</script>
</article>
<aside><article><p>Related: Navy budget rises</p></article></aside>
<footer>Copyright Defence Daily</footer>
</body></html>
"""


def test_html_body_and_metadata(tmp_path: Path) -> None:
    doc = read_doc(write(tmp_path / "pool.html", PAGE))
    assert doc.title == HEADLINE
    assert doc.url == "https://example.org/news/pool-funds"
    assert doc.date == "2025-01-14"
    assert doc.publisher == "Defence Daily"
    assert doc.text == (
        f"{HEADLINE}\n\n"
        "Defence ministers agreed on Tuesday to pool funds & share radars.\n\n"
        "“This is a first step,” the minister said.\n\n"
        "Talks resume in May.\n\n"
        "Poland\n\nGermany"
    )


NEWS_PAGE = Path(__file__).parent / "data" / "news_page.html"


def test_a_saved_news_page_keeps_the_story_not_its_furniture(tmp_path: Path) -> None:
    """Byline, photo credit, menus, share buttons, related links and the footer stay out of the text.

    They were read as article text before, and the credit's photographer and the
    related stories' people became entities of the graph.
    """
    doc = read_doc(write(tmp_path / "fund.html", NEWS_PAGE.read_text(encoding="utf-8")))
    assert doc.title == "EU ministers agree to pool funds for air defence"
    assert (doc.url, doc.date, doc.publisher) == (
        "https://example.org/news/air-defence-fund",
        "2025-01-14",
        "Defence Daily",
    )
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == doc.title
    assert paragraphs[1].startswith("Defence ministers of the European Union agreed on Tuesday")
    assert paragraphs[-1].startswith("Talks on the details resume in May")
    assert len(paragraphs) == 6
    for furniture in (
        "Jean Dupont",
        "Anna Kowalska",
        "Papperger",
        "cookies",
        "Copyright",
        "Europe\n",
        "Share",
    ):
        assert furniture not in doc.text


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "a.html", "<html><script>x()</script></html>"))
    assert error.reason == "no article text found in the HTML"


# --- JSON lines ------------------------------------------------------------


def test_jsonl_reads_each_line_and_survives_a_bad_one(tmp_path: Path) -> None:
    lines = [
        f'{{"title": "{HEADLINE}", "text": "{LEAD}", "url": "https://example.org/1"}}',
        "",
        '{"title": "Broken" "text": "no comma"}',
        '{"text": "NATO allies meet in Brussels.", "date": "2025-03-01"}',
    ]
    path = write(tmp_path / "dump.jsonl", "\n".join(lines) + "\n")
    first, error, last = read_documents([path])
    assert isinstance(first, Document) and isinstance(last, Document)
    assert (first.id, first.path) == ("dump-1", f"{path}:1")
    assert first.text == f"{HEADLINE}\n\n{LEAD}"
    assert first.url == "https://example.org/1"
    assert isinstance(error, DocumentError)
    assert str(error) == f"{path}:3: invalid JSON: Expecting ',' delimiter at column 20"
    assert (last.id, last.title, last.date) == ("dump-4", None, "2025-03-01")
    assert last.text == "NATO allies meet in Brussels."


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "No body"}', "missing 'text'"),
        ('{"text": 42}', "'text' must be a string, not number"),
        ('{"text": "   "}', "'text' is empty"),
        ('{"text": "Body", "date": 2025}', "'date' must be a string, not number"),
        ('["text"]', "expected a JSON object, not array"),
    ],
)
def test_jsonl_bad_records(tmp_path: Path, line: str, reason: str) -> None:
    path = write(tmp_path / "dump.jsonl", line + "\n")
    error = read_error(path)
    assert (error.path, error.reason) == (f"{path}:1", reason)


def test_jsonl_of_blank_lines_is_empty(tmp_path: Path) -> None:
    assert read_error(write(tmp_path / "dump.jsonl", "\n  \n")).reason == "empty file"


# --- bad inputs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "empty file"),
        (b"%PDF-1.7\x00\x01\x02 binary", "binary file, not text"),
        ("Київ ".encode() + b"\xff\xfe rest", "not valid UTF-8 at byte 9"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, reason: str) -> None:
    error = read_error(write(tmp_path / "bad.txt", content))
    assert str(error) == f"{tmp_path / 'bad.txt'}: {reason}"


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"\x00\x01")
    write(tmp_path / "b.txt", LEAD)
    items = list(read_documents([tmp_path]))
    assert [type(item) for item in items] == [DocumentError, Document]


def test_folder_with_nothing_to_read(tmp_path: Path) -> None:
    write(tmp_path / "corpus" / "image.png", b"\x89PNG")
    write(tmp_path / "corpus" / ".hidden.txt", LEAD)
    with pytest.raises(NoInputError) as caught:
        read_documents([tmp_path / "corpus"])
    assert str(caught.value) == (f"{tmp_path / 'corpus'}: no .txt, .md, .html, .jsonl or .pdf files found")


def test_nonexistent_path(tmp_path: Path) -> None:
    with pytest.raises(NoInputError) as caught:
        find_sources([tmp_path / "missing"])
    assert str(caught.value) == f"{tmp_path / 'missing'}: no such file or directory"


def test_error_message_is_one_line_and_picklable() -> None:
    error = DocumentError("a.txt", "Permission\ndenied")
    assert str(error) == "a.txt: Permission denied"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


# --- finding files, order and ids ------------------------------------------


def test_recursion_skips_hidden_and_unsupported_files(tmp_path: Path) -> None:
    for name in ["b.md", "a.txt", "sub/c.html", "sub/deep/d.jsonl", "e.htm"]:
        write(tmp_path / name, LEAD)
    for name in [".hidden.txt", ".git/x.txt", "sub/.cache/y.md", "notes.docx"]:
        write(tmp_path / name, LEAD)
    found = find_sources([tmp_path])
    relative = [path.relative_to(tmp_path).as_posix() for path in found]
    assert relative == ["a.txt", "b.md", "e.htm", "sub/c.html", "sub/deep/d.jsonl"]


def test_order_is_deterministic_and_duplicates_removed(tmp_path: Path) -> None:
    for name in ["c.txt", "a.txt", "b.txt"]:
        write(tmp_path / name, LEAD)
    twice = find_sources([tmp_path / "b.txt", tmp_path, str(tmp_path / "b.txt")])
    assert [path.name for path in twice] == ["b.txt", "a.txt", "c.txt"]
    assert find_sources(tmp_path) == find_sources([tmp_path])


def test_ids_are_unique_within_a_read(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", LEAD)
    write(tmp_path / "sub" / "a.txt", LEAD)
    write(tmp_path / "x.jsonl", '{"text": "Body"}\n')
    docs = list(read_documents([tmp_path]))
    ids = [doc.id for doc in docs]
    assert ids == ["a", "a-" + digest(str(tmp_path / "sub" / "a.txt"))[:6], "x-1"]
    assert ids == [doc.id for doc in read_documents([tmp_path])]


def test_files_found_first_are_read_as_read_documents_reads_them(tmp_path: Path) -> None:
    """read_sources: for a build that finds the files before it writes anything, then reads them."""
    write(tmp_path / "a.txt", LEAD)
    write(tmp_path / "sub" / "a.txt", LEAD)
    write(tmp_path / "bad.txt", "")
    write(tmp_path / "x.jsonl", '{"text": "Body"}\n{"text": 3}\n')
    sources = find_sources([tmp_path])
    read = list(read_sources(sources))
    expected = list(read_documents([tmp_path]))
    assert [str(item) if isinstance(item, DocumentError) else item for item in read] == [
        str(item) if isinstance(item, DocumentError) else item for item in expected
    ]
    assert [item.id for item in read if isinstance(item, Document)] == [
        "a",
        "a-" + digest(str(tmp_path / "sub" / "a.txt"))[:6],
        "x-1",
    ]
    assert sum(isinstance(item, DocumentError) for item in read) == 2


def test_a_file_reached_through_a_link_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "corpus" / "a.txt", LEAD)
    write(tmp_path / "other" / "b.txt", LEAD)
    (tmp_path / "corpus" / "link.txt").symlink_to(tmp_path / "other" / "b.txt")
    (tmp_path / "linked").symlink_to(tmp_path / "corpus", target_is_directory=True)
    found = find_sources([tmp_path / "corpus", tmp_path / "other", tmp_path / "linked"])
    assert [path.relative_to(tmp_path).as_posix() for path in found] == ["corpus/a.txt", "corpus/link.txt"]
