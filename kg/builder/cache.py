"""The cache of extracted facts: rebuild only the articles that changed.

Extraction is the expensive step of a build, and a corpus grows by a few
articles a day. Each article's :class:`~kg.facts.ArticleFacts` is stored under
a key made of

* the article itself: its text and metadata (id, path, title, url, date,
  publisher), everything extraction or the graph reads; and
* the pipeline's version (:func:`pipeline_version`): kg's version, spaCy's,
  the named spaCy pipeline's, and a digest of every word list, pattern and
  ontology file the rules read and of the extraction code itself. Editing a
  gazetteer or a rule changes every key, so a stale fact is never served.

The same key also identifies an article's build in a store (see
:func:`kg.sparql.store.article_keys`), which is how a store rebuild skips the
articles it already holds.

Entries are small JSON files (``<folder>/ab/abcdef….json``), written
atomically: a build killed half way leaves whole entries or none, and a
corrupt entry is a cache miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, fields
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import kg.kinds  # noqa: F401  (registers the built-in fact kinds)
from kg.facts import ArticleFacts, Document, Entity, Evidence, fact_kinds

#: Bump when the layout of cached facts changes.
FORMAT = "1"


def default_folder() -> Path:
    """``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "kg"


@cache
def _data_digest() -> str:
    """A digest of every data file the extraction and the graph read.

    spaCy's version is read from its package metadata, not by importing it: a
    rebuild of the embedded pipeline where no article changed never runs the
    pipeline and need not wait a second for spaCy to import.
    """
    from kg.rdf.vocab import FOLDER as ONTOLOGY_FOLDER
    from kg.version import __version__

    package = Path(__file__).parents[1]  # kg/
    files = sorted(p for p in (package / "data").rglob("*") if p.is_file())
    files += extraction_sources(package)
    files += sorted(p for p in Path(ONTOLOGY_FOLDER).glob("*.ttl") if p.is_file())
    h = hashlib.sha256(f"kg {__version__} spacy {_spacy_version()} cache {FORMAT}".encode())
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def extraction_sources(package: Path) -> list[Path]:
    """The Python files whose code decides which facts an article gives.

    kg's version number moves with releases, not with every commit: a user
    on a checkout that changed a rule would otherwise be served the facts the
    old rule found. The RDF writers are left out: the cache holds facts, not
    triples, and the graph is made again from them on every build.
    """
    sources = [package / "facts.py", package / "ids.py"]
    for folder in ("nlp", "kinds"):
        sources += (package / folder).rglob("*.py")
    return sorted(p for p in sources if p.is_file())


def _spacy_version() -> str:
    """spaCy's version from its package metadata; from spaCy itself when it has none (a source checkout)."""
    try:
        return metadata.version("spacy")
    except metadata.PackageNotFoundError:
        import spacy  # noqa: PLC0415 - only for a spaCy installed without metadata

        return spacy.__version__


def pipeline_version(spacy_model: str | None = None) -> str:
    """What the facts of an article depend on besides the article: see the module docstring."""
    if spacy_model is None:
        return _kinds_digest(_data_digest(), _registered_kinds())
    import spacy

    try:
        meta = spacy.info(spacy_model)
        model = f"{meta.get('name')} {meta.get('version')}"
    except Exception:  # noqa: BLE001 - a path or a package spaCy cannot describe
        model = str(Path(spacy_model).resolve()) if Path(spacy_model).exists() else spacy_model
    base = hashlib.sha256(f"{_data_digest()} model {model}".encode()).hexdigest()
    return _kinds_digest(base, _registered_kinds())


def _registered_kinds() -> tuple[tuple[str, str, Path | None], ...]:
    return tuple((kind.name, kind.component, kind.ontology) for kind in fact_kinds())


@cache
def _kinds_digest(base: str, kinds: tuple[tuple[str, str, Path | None], ...]) -> str:
    """``base`` and the fact kinds registered: a new kind must be extracted from every article."""
    h = hashlib.sha256(base.encode())
    for name, component, ontology in kinds:
        h.update(f"\0{name} {component}".encode())
        if ontology is not None:
            h.update(ontology.read_bytes())
    return h.hexdigest()


def article_key(document: Document, version: str) -> str:
    """The cache key of ``document`` under pipeline ``version``."""
    # The fields are flat strings: asdict's deep copy would cost more than the hash.
    flat = {f.name: getattr(document, f.name) for f in fields(document)}
    text = json.dumps(flat, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{version}\0{text}".encode()).hexdigest()


def write_cache_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


class FactCache:
    """Extracted facts on disk, by :func:`article_key`."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, document: Document) -> ArticleFacts | None:
        """The facts stored under ``key``, for ``document``; None when missing or unreadable."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return facts_from_json(data, document)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, facts: ArticleFacts) -> None:
        """Store ``facts`` under ``key``; a cache that cannot be written is no error."""
        text = json.dumps(facts_to_json(facts), ensure_ascii=False, separators=(",", ":"))
        write_cache_file(self._path(key), text)


# --- ArticleFacts <-> JSON (the document itself is not stored: the key pins it) ---
# Facts are dataclasses of plain values, so one codec serves every fact kind:
# each field is written as JSON has it (a Decimal as its string) and read back
# by its type hint (Evidence, a tuple, a Decimal).


def facts_to_json(facts: ArticleFacts) -> dict:
    data = {"entities": [_plain(e) for e in facts.entities]}
    for kind in fact_kinds():
        data[kind.name] = [_plain(fact) for fact in facts.of(kind)]
    return data


def facts_from_json(data: dict, document: Document) -> ArticleFacts:
    by_kind = {kind.name: [_typed(kind.type, item) for item in data[kind.name]] for kind in fact_kinds()}
    return ArticleFacts(document, [_typed(Entity, e) for e in data["entities"]], **by_kind)


def _plain(fact: object) -> dict:
    return {name: str(value) if isinstance(value, Decimal) else value for name, value in asdict(fact).items()}


def _typed(cls: type, item: dict) -> object:
    return cls(**{name: read(item[name]) for name, read in _readers(cls)})


@cache
def _readers(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """For each field of ``cls``, how its JSON value becomes the field's value."""
    hints = get_type_hints(cls)
    return tuple((f.name, _reader(hints[f.name])) for f in fields(cls))


def _reader(hint: Any) -> Callable[[Any], Any]:
    types = set(get_args(hint)) if get_origin(hint) in (Union, UnionType) else {hint}
    if Evidence in types:
        return lambda value: Evidence(**value)
    if Decimal in types:
        return lambda value: None if value is None else Decimal(value)
    if any(get_origin(t) is tuple for t in types):
        return tuple
    return lambda value: value
