"""Reading articles from disk: the first step of the data flow.

Everything downstream (spaCy, the graph, the cache) sees only `Document`
objects, so this module is where the mess of real input ends: encodings, byte
order marks, CRLF line endings, HTML boilerplate, markdown markup, broken JSON
lines. It supports four formats, chosen by suffix:

* ``.txt``  plain text; a short first line followed by a blank line is the title.
* ``.md``   as ``.txt``, with simple markdown markup removed (and YAML-style
  front matter read for title, date, url and publisher).
* ``.html`` / ``.htm``  the article body, without scripts, menus and footers;
  title, canonical url, date and site name from the usual meta tags.
* ``.jsonl``  one article per line: ``{"text": ..., "title": ..., "url": ...}``.

A corpus build must not stop because one article is broken, so
`read_documents` yields a `DocumentError` in place of each unreadable file or
line and carries on. Only "there is nothing to read at all" (`NoInputError`)
is raised.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.facts import Document
from kg.ids import digest, slugify
from kg.read.fetch import URL_SUFFIX, page_url
from kg.read.html import NoArticleText, read_html
from kg.read.language import not_english
from kg.read.pdf import PdfError, read_pdf

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "NoInputError",
    "find_sources",
    "read_documents",
    "read_sources",
    "read_text",
    "skipped_files",
    "skipped_summary",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".pdf")

# A title is a short line: longer first paragraphs are the lead, not a headline.
TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 200

# How much of a .jsonl file is checked for NUL bytes before reading it line by
# line (the same heuristic git uses to call a file binary).
_SNIFF_BYTES = 8192


# --------------------------------------------------------------------------
# Errors


class DocumentError(Exception):
    """A file or line that cannot be read.

    It is *yielded* by `read_documents` rather than raised, so a caller can
    report it and go on. ``str()`` is always one line, ``"<path>: <problem>"``,
    so that it fits a log line or a CLI warning.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)  # keeps the error picklable
        self.path = path
        self.reason = " ".join(reason.split())

    def __str__(self) -> str:
        path = self.path.replace("\n", "\\n")
        return f"{path}: {self.reason}" if path else self.reason


class NoInputError(DocumentError):
    """Nothing readable under the given paths: the only error that is raised."""


# --------------------------------------------------------------------------
# Finding the files


def find_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files to read, in a deterministic order.

    A file given explicitly is always read (with an unsupported suffix, as
    plain text): the user asked for it. A folder is searched recursively for
    `SUPPORTED_SUFFIXES`, skipping hidden files and folders (``.git``,
    ``.ipynb_checkpoints``), in sorted order. Arguments keep the order they
    were given in; a file reached twice is listed once.

    Raises `NoInputError` when a path does not exist or nothing is found.
    """
    given = as_path_list(paths)
    if not given:
        raise NoInputError("", "no input paths given")
    found: list[Path] = []
    seen: set[str] = set()
    for path in given:
        for source, key in _sources_under(path):
            if key not in seen:
                seen.add(key)
                found.append(source)
    if not found:
        names = ", ".join(str(path) for path in given)
        raise NoInputError(names, "no .txt, .md, .html, .jsonl or .pdf files found")
    return found


def as_path_list(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Accept a single path too: iterating over a str would give its letters."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [Path(path) for path in paths]


def _sources_under(path: Path) -> list[tuple[Path, str]]:
    """The files one argument stands for, each with its real path (to list a file once)."""
    if path.is_dir():
        return _walk(path)
    if path.exists() or path.is_symlink():  # a broken link is listed: reading it says what is wrong
        return [(path, os.path.realpath(path))]
    raise NoInputError(str(path), "no such file or directory")


def _walk(folder: Path) -> list[tuple[Path, str]]:
    """Supported, non-hidden files under ``folder``, sorted, each with its real path.

    A subfolder that cannot be listed is returned as a source of its own, so
    that reading it yields a `DocumentError` instead of it vanishing silently.
    Real paths are made per folder, not per file (which costs a system call
    per part of the path): only a file that is a link is resolved itself.
    """
    found: list[tuple[Path, str]] = []

    def unlistable(error: OSError) -> None:
        found.append((Path(error.filename), os.path.realpath(error.filename)))

    for root, dirs, files in os.walk(folder, onerror=unlistable):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        real_root = os.path.realpath(root)
        for name in files:
            if name.startswith(".") or _suffix(name) not in SUPPORTED_SUFFIXES:
                continue
            path = os.path.join(root, name)
            real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_root, name)
            found.append((Path(path), real))
    return sorted(found, key=lambda source: source[0].parts)


def skipped_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files under the folders of ``paths`` that are not read: not an article format.

    Hidden files and folders are left out (as :func:`find_sources` does), and
    so is the address kept beside a fetched page. Why: a build names what it
    skipped, so that a PNG or a CSV never vanishes without a word.
    """
    skipped: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            skipped += [
                Path(root, name)
                for name in sorted(files)
                if not name.startswith(".")
                and _suffix(name) not in SUPPORTED_SUFFIXES
                and not (
                    name.endswith(URL_SUFFIX) and _suffix(name[: -len(URL_SUFFIX)]) in SUPPORTED_SUFFIXES
                )
            ]
    return skipped


def skipped_summary(skipped: list[Path]) -> str | None:
    """One line of what was skipped and why: ``3 skipped: 2 .png, 1 .csv — not article formats``."""
    if not skipped:
        return None
    counts: dict[str, int] = {}
    for path in skipped:
        kind = _suffix(path) or "no suffix"
        counts[kind] = counts.get(kind, 0) + 1
    kinds = ", ".join(
        f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
    return f"{len(skipped)} skipped: {kinds} — not article formats"


def _suffix(name: str | Path) -> str:
    return os.path.splitext(name)[1].lower()


# --------------------------------------------------------------------------
# Reading


def read_documents(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[Document | DocumentError]:
    """Each article under ``paths`` as a `Document`, or a `DocumentError`.

    The files are found at once (so a missing path raises `NoInputError` here,
    not on first iteration), then read one at a time: the result is a
    generator and a large corpus is never held in memory. Ids are made unique
    within one call: a later duplicate gets ``-<digest of its path>`` appended.
    """
    return read_sources(find_sources(paths))


def read_sources(sources: list[Path], *, lang_any: bool = False) -> Iterator[Document | DocumentError]:
    """Each article of ``sources`` (files :func:`find_sources` found), as :func:`read_documents` reads them.

    For a caller that found the files first: to fail on a missing path before
    it writes anything, or to know how many files there are. Text that is
    surely not English is a `DocumentError` naming its language, unless
    ``lang_any``: kg's rules read English only.
    """
    seen: set[str] = set()
    for source in sources:
        for item in _read_source(source):
            if isinstance(item, Document) and not lang_any:
                item = _english_only(item)
            yield _unique(item, seen) if isinstance(item, Document) else item


def _english_only(doc: Document) -> Document | DocumentError:
    language = not_english(doc.text)
    if language is None:
        return doc
    return DocumentError(doc.path, f"text is in {language}, not English: skipped (--lang-any reads it)")


def _unique(doc: Document, seen: set[str]) -> Document:
    """The document, renamed if an earlier one in this read had its id.

    The suffix is a digest of the path, not a counter, so a document keeps
    the same id however many other files share its stem.
    """
    doc_id = doc.id
    if doc_id in seen:
        doc_id = f"{doc.id}-{digest(doc.path)[:6]}"
        n = 2
        while doc_id in seen:  # only if the digests collide too
            doc_id = f"{doc.id}-{digest(doc.path)[:6]}-{n}"
            n += 1
    seen.add(doc_id)
    return doc if doc_id == doc.id else replace(doc, id=doc_id)


def _read_source(path: Path) -> Iterator[Document | DocumentError]:
    """The documents (or errors) in one file: several for .jsonl, else one."""
    if _suffix(path) == ".jsonl":
        yield from _read_jsonl(path)
        return
    try:
        yield _read_file(path)
    except DocumentError as error:
        yield error


def _read_file(path: Path) -> Document:
    """One article from a .txt, .md or .html file (or any other, as text)."""
    suffix = _suffix(path)
    doc_id = slugify(path.stem)
    if suffix == ".pdf":
        return _pdf_document(_read_bytes(path), id=doc_id, path=str(path))
    text = _decode(_read_bytes(path), str(path))
    if suffix in (".html", ".htm"):
        return _html_document(text, id=doc_id, path=str(path), url=page_url(path))
    return _plain_document(text, id=doc_id, path=str(path), markdown=suffix == ".md")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; an OS error becomes a one-line `DocumentError`."""
    try:
        if path.is_dir():
            os.listdir(path)  # raises the real reason, e.g. permission denied
            raise IsADirectoryError(errno.EISDIR, "is a directory, not a file")
        with _open_regular(path) as file:
            return file.read()
    except OSError as error:
        raise _os_error(path, error) from None


class NotRegularFileError(OSError):
    """A FIFO, socket or device under an article's name: reading it could block forever."""


def _open_regular(path: Path) -> io.BufferedReader:
    """``path`` opened for reading, only if it is a regular file.

    Opened without blocking (``O_NONBLOCK``: a FIFO with no writer would
    otherwise hang the build in ``open``), then checked on the open file
    itself, so a file swapped between the check and the read cannot slip by.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            raise NotRegularFileError(errno.EINVAL, f"not a regular file ({_file_kind(kind)}); skipped")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return open(fd, "rb", closefd=True)  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(fd)
        raise


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in a word or two."""
    kinds = {
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a file")


def _os_error(path: Path, error: OSError) -> DocumentError:
    """One line for an OS error; a symlink that leads nowhere says so (its target is the news)."""
    reason = error.strerror or str(error)
    if error.errno == errno.ELOOP:
        reason = "symbolic link loop"
    elif error.errno == errno.ENOENT and os.path.islink(path):
        reason = f"dangling symbolic link (to {os.readlink(path)})"
    elif error.errno == errno.ENOENT:
        reason = "no such file (removed after it was listed?)"
    return DocumentError(str(path), reason)


def _decode(data: bytes, path: str) -> str:
    """UTF-8 text with a BOM removed, ``\\n`` line ends and no outer blanks.

    NUL bytes never occur in text, so they mark a binary file (a PDF or a
    zip saved with the wrong suffix) better than a decoding error would.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(path, "UTF-16 text; save the file as UTF-8")
    if b"\x00" in data:
        raise DocumentError(path, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not valid UTF-8 at byte {error.start}") from None
    text = _normalise(text)
    if not text:
        raise DocumentError(path, "empty file")
    return text


#: No-break and other fixed-width spaces, each written as one plain space: the same
#: length, so every offset stays, but the tokenizer no longer makes a token of each
#: ("Trump\u00a0said" is two words, not three).
FIXED_SPACES = re.compile("[\u00a0\u2002\u2003\u2007\u2009\u200a\u202f]")


def _normalise(text: str) -> str:
    """Strip a BOM and outer whitespace; turn CRLF and CR line ends into LF, no-break spaces into spaces.

    Nothing else is touched: curly quotes, dashes and spacing inside the text
    are evidence the pipeline quotes back.
    """
    text = text.removeprefix("\ufeff")
    if FIXED_SPACES.search(text):
        text = FIXED_SPACES.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_text(
    text: str,
    *,
    id: str = "text",
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    publisher: str | None = None,
) -> Document:
    """A Document from a string, read like a .txt file.

    When ``title`` is not given it is detected as for a .txt file; when it is,
    it is put in front of the text unless the text already starts with it.
    ``id`` is slugified so that it is always IRI-safe. Raises `DocumentError`
    for an empty text.
    """
    doc_id = slugify(id)
    text = _normalise(text)
    if not text:
        raise DocumentError(f"<{doc_id}>", "empty text")
    if title is not None and title.strip():
        title = _one_line(title)
        doc = Document(id=doc_id, text=_with_title(title, text), path="", title=title)
    else:
        doc = _plain_document(text, id=doc_id, path="", markdown=False)
    return replace(doc, path=f"<{doc_id}>", url=url, date=date, publisher=publisher)


def _with_title(title: str | None, text: str) -> str:
    """``title`` as the first paragraph of ``text``, without saying it twice."""
    if not title:
        return text
    first = text.split("\n\n", 1)[0]
    if _one_line(first) == title:
        return text
    return f"{title}\n\n{text}" if text else title


def _one_line(text: str) -> str:
    """Whitespace collapsed to single spaces: how titles and metadata are kept."""
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Plain text and markdown

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$")


def _plain_document(text: str, *, id: str, path: str, markdown: bool) -> Document:
    """A .txt or .md article: find the title, strip markdown markup."""
    meta: dict[str, str] = {}
    if markdown:
        meta, text = _front_matter(text)
    first_line, newline, rest = text.partition("\n")
    heading = _HEADING.match(first_line)
    if heading:
        text = heading.group(1) + newline + rest
    if markdown:
        text = _strip_markdown(text)
    title = meta.get("title")
    if title:
        text = _with_title(title, text)
    elif heading:
        title = _one_line(text.partition("\n")[0])
    else:
        title = _guess_title(text)
    return Document(
        id=id,
        text=text,
        path=path,
        title=title or None,
        url=meta.get("url"),
        date=meta.get("date"),
        publisher=meta.get("publisher"),
    )


def _guess_title(text: str) -> str | None:
    """The first line, if it reads like a headline rather than a paragraph.

    A headline is short and stands apart: it is followed by a blank line and
    then by more text. Nothing is removed from ``text``: the title line stays
    its first paragraph, as headlines often carry statements.
    """
    lines = text.split("\n")
    if len(lines) < 3 or lines[1].strip():
        return None
    if not any(line.strip() for line in lines[2:]):
        return None
    first = lines[0].strip()
    if len(first.split()) > TITLE_MAX_WORDS or len(first) > TITLE_MAX_CHARS:
        return None
    return first


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_LINE = re.compile(r"^(?:[A-Za-z_][\w-]*[ \t]*:.*|[ \t].*|-.*|)$")
_FRONT_MATTER_KEYS = ("title", "date", "url", "publisher")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Title, date, url and publisher from a ``---`` block at the top of a .md.

    Only simple ``key: value`` lines are read (no YAML library). A block whose
    lines do not all look like that is an ordinary horizontal rule and is left
    alone, so no article text is ever mistaken for metadata.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    lines = match.group(1).split("\n")
    if not all(_FRONT_MATTER_LINE.match(line) for line in lines):
        return {}, text
    meta: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        value = _unquote(_one_line(value))
        if key.strip().lower() in _FRONT_MATTER_KEYS and value:
            meta[key.strip().lower()] = value
    return meta, text[match.end() :].strip()


def _unquote(value: str) -> str:
    """``"A title"`` -> ``A title``; a lone apostrophe is part of the value."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


_FENCE = re.compile(r"^ {0,3}(```|~~~)")

# (pattern, replacement) pairs applied in order to each line outside code.
_MARKDOWN_LINE_RULES = [
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$"), r"\1"),  # heading
    (re.compile(r"^ {0,3}(?:>[ \t]?)+"), ""),  # blockquote marker
    (re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$"), ""),  # rule, underline
    (re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]+\S.*$"), ""),  # link reference definition
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # image
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), ""),  # image by reference
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"(?<![\w*\\])(\*{1,3})(?=\S)(.+?)(?<=[^\s\\])\1(?![\w*])"), r"\2"),
    (re.compile(r"(?<![\w\\])(_{1,3})(?=\S)(.+?)(?<=[^\s\\])\1(?!\w)"), r"\2"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # backslash escape
]
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")


def _strip_markdown(text: str) -> str:
    """Markdown as the plain text a reader would see, paragraphs kept.

    The content of code fences is kept verbatim (only the fence lines go), as
    it is the article's text too. Runs of blank lines left behind by removed
    markup are collapsed to one.
    """
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            lines.append("")
        elif in_code:
            lines.append(line)
        else:
            lines.append(_strip_markdown_line(line))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def _strip_markdown_line(line: str) -> str:
    for pattern, replacement in _MARKDOWN_LINE_RULES:
        line = pattern.sub(replacement, line)
    return line


# --------------------------------------------------------------------------
# HTML


def _pdf_document(data: bytes, *, id: str, path: str) -> Document:
    """A .pdf article: its paragraphs without page furniture, as :func:`kg.read.pdf.read_pdf` finds them."""
    try:
        article = read_pdf(data)
    except PdfError as error:
        raise DocumentError(path, str(error)) from None
    return Document(
        id=id,
        text=_with_title(article.title, article.body),
        path=path,
        title=article.title,
        url=page_url(Path(path)),
    )


def _html_document(html: str, *, id: str, path: str, url: str | None = None) -> Document:
    """An .html article: its main text and metadata, as :func:`kg.read.html.read_html` finds them.

    ``url``: where kg fetched the page from (the page's canonical link wins).
    """
    try:
        article = read_html(html, url=url)
    except NoArticleText as error:
        raise DocumentError(path, str(error)) from None
    return Document(
        id=id,
        text=_with_title(article.title, article.body),
        path=path,
        title=article.title,
        url=article.url,
        date=article.date,
        publisher=article.publisher,
    )


# --------------------------------------------------------------------------
# JSON lines

_OPTIONAL_FIELDS = ("title", "url", "date", "publisher")


def _read_jsonl(path: Path) -> Iterator[Document | DocumentError]:
    """One document per line, read line by line so big dumps stream.

    An error on one line is yielded with the path ``<file>:<line>`` and the
    next line is read; an unreadable or binary file is one error for all.
    """
    stem = slugify(path.stem)
    try:
        with _open_regular(path) as lines:
            if b"\x00" in lines.read(_SNIFF_BYTES):
                yield DocumentError(str(path), "binary file, not text")
                return
            lines.seek(0)
            offset, found = 0, False
            for lineno, raw in enumerate(lines, 1):
                where = f"{path}:{lineno}"
                try:
                    doc = _jsonl_document(raw, offset, id=f"{stem}-{lineno}", path=where)
                except DocumentError as error:
                    doc = error
                offset += len(raw)
                if doc is not None:
                    found = True
                    yield doc
    except OSError as error:
        yield _os_error(path, error)
        return
    if not found:
        yield DocumentError(str(path), "empty file")


def _jsonl_document(raw: bytes, offset: int, *, id: str, path: str) -> Document | None:
    """The document on one line, ``None`` for a blank line."""
    try:
        line = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not valid UTF-8 at byte {offset + error.start}") from None
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        reason = f"invalid JSON: {error.msg} at column {error.colno}"
        raise DocumentError(path, reason) from None
    except RecursionError:  # json's decoder recurses once per [ or {: deep nesting outruns the stack
        raise DocumentError(path, "invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise DocumentError(path, f"expected a JSON object, not {_json_type(record)}")
    text = _jsonl_text(record, path)
    fields = {name: _jsonl_string(record, name, path) for name in _OPTIONAL_FIELDS}
    return Document(id=id, text=_with_title(fields["title"], text), path=path, **fields)


def _jsonl_text(record: dict[str, object], path: str) -> str:
    if "text" not in record:
        raise DocumentError(path, "missing 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise DocumentError(path, f"'text' must be a string, not {_json_type(text)}")
    text = _normalise(text)
    if not text:
        raise DocumentError(path, "'text' is empty")
    return text


def _jsonl_string(record: dict[str, object], name: str, path: str) -> str | None:
    """An optional string field; null, missing and blank all mean "unknown"."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DocumentError(path, f"'{name}' must be a string, not {_json_type(value)}")
    return _one_line(value) or None


def _json_type(value: object) -> str:
    """The JSON name of a value's type, for messages about the input."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "number")
