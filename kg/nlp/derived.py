"""Data derived from the ontology and the rules, kept on disk between processes.

Reading ``ontology/entities.ttl`` into the gazetteer and tokenizing every name
it lists took most of the pipeline's start-up, which an incremental build
(one changed article in a thousand) pays in full. What they produce depends
only on a few files, so it is derived once and stored as JSON under
``<kg.builder.cache.default_folder()>/derived/``, named by a digest of

* the bytes of every source file (the Turtle files and the modules whose code
  derives the data: editing either makes a new entry);
* a ``salt`` for whatever else the result depends on (the tokenizer's rules).

Entries are written atomically; a missing, unreadable or unwritable entry
only means deriving the data again, never an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.builder.cache import default_folder, write_cache_file

#: Bump when the layout of an entry changes.
FORMAT = "1"


def digest(sources: Iterable[Path], salt: str = "") -> str:
    """A digest of the files' names and bytes (a missing file counts as empty), and ``salt``."""
    h = hashlib.sha256(f"derived {FORMAT}\0{salt}\0".encode())
    for path in sources:
        data = path.read_bytes() if path.exists() else b""
        h.update(path.name.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def load(name: str, sources: Iterable[Path], build: Callable[[], object], salt: str = "") -> object:
    """The JSON value ``build()`` returns for these ``sources``, from disk when derived before."""
    path = default_folder() / "derived" / f"{name}-{digest(sources, salt)[:32]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    # Through JSON even when just built, so that a first run sees what later runs read.
    text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
    write_cache_file(path, text)
    return json.loads(text)


def tokenizer_rules(tokenizer) -> str:
    """A digest of a spaCy tokenizer's rules: the ``salt`` of data made of tokenized text."""
    return hashlib.sha256(tokenizer.to_bytes(exclude=["vocab"])).hexdigest()
