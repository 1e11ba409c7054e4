"""What a saved kg pipeline keeps of kg's data: a stamp of it, not a copy.

The components that hold data (the known names of ``kg_known_entities``, the
topic labels of ``kg_topics``) derive it from kg's own files, and every other
component reads its word lists and the known entities from the same files
while it runs. A copy of the names alone, saved with the pipeline, would
disagree with the rest as soon as the files changed; so ``nlp.to_disk()``
writes, for each data component, ``kg-data.json``: the kg version and a
digest of the files. ``spacy.load()`` derives the data again from the
installed kg and warns when its files are not the ones the pipeline was
saved with, since the results may then differ.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path

from kg import __version__
from kg.nlp import derived, lexicon
from kg.rdf.vocab import CLASSES_FILE, ENTITIES_FILE, TOPICS_FILE

STAMP_FILE = "kg-data.json"


def data_files() -> list[Path]:
    """The files whose content decides what the kg components find."""
    return [*sorted(lexicon.DATA.iterdir()), CLASSES_FILE, ENTITIES_FILE, TOPICS_FILE]


@cache
def stamp() -> dict[str, str]:
    """The kg version and a digest of :func:`data_files`, as this process reads them."""
    return {"kg": __version__, "data": derived.digest(data_files())}


def stamp_bytes() -> bytes:
    return json.dumps(stamp(), sort_keys=True).encode()


def write_stamp(folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STAMP_FILE).write_bytes(stamp_bytes())


def check_stamp(folder: str | Path, component: str) -> None:
    """Warn when the kg data ``component`` was saved with is not the installed kg's."""
    path = Path(folder) / STAMP_FILE
    if path.exists():
        check_stamp_bytes(path.read_bytes(), component)


def check_stamp_bytes(data: bytes, component: str) -> None:
    saved = json.loads(data)
    if saved != stamp():
        warnings.warn(
            f"{component} was saved with kg {saved.get('kg')} and other data files than the "
            f"installed kg {__version__}; it reads the installed ones, so results may differ",
            UserWarning,
            stacklevel=3,
        )
