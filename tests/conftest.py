"""Shared fixtures: one spaCy pipeline per test session, and a text -> facts helper.

Loading the pipeline takes about a second (the known-entity patterns), so every
extraction test shares the session's ``nlp``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph
from spacy.language import Language

import kg.builder.run
from kg.api import build_graph
from kg.facts import ArticleFacts
from kg.nlp.pipeline import doc_to_facts, load_pipeline
from kg.read.documents import read_text
from kg.sparql.store import dump_nquads, open_store

#: The demo corpus of the repository.
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session", autouse=True)
def private_fact_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds cache extracted facts (kg.builder.cache) in a folder of the session, not ~/.cache."""
    folder = tmp_path_factory.mktemp("kg-cache")
    os.environ["KG_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The embedded pipeline (no model download), loaded once."""
    return load_pipeline()


@pytest.fixture
def session_pipeline(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds and the CLI use the session's pipeline instead of loading one per command (1-2 s each)."""
    monkeypatch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp)


#: A post named in two articles, in a sentence of each: one dkg:Role in their merged graph.
ONE_POST_TWO_ARTICLES = {
    "brussels.txt": "Allies meet in Brussels\n\nNATO Secretary General Mark Rutte said on Monday that allies"
    " must spend more on air defence.\n",
    "warsaw.txt": "Drone wall plans\n\nThe plan was welcomed in Warsaw on Tuesday by NATO Secretary General"
    " Mark Rutte, who called it urgent.\n",
}


def write_corpus(folder: Path, articles: dict[str, str]) -> Path:
    """A folder of articles, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def sorted_quads(store: Path) -> list[bytes]:
    """A store directory's quads as sorted N-Quads lines: comparable whatever the store's order."""
    return sorted(dump_nquads(open_store(store)).splitlines())


@pytest.fixture(scope="session")
def extract(nlp: Language) -> Callable[..., ArticleFacts]:
    """``extract(text) -> ArticleFacts``: the text read like a .txt file, then run.

    Keyword arguments go to :func:`kg.read.documents.read_text` (``id``, ``title``...).
    """

    def run(text: str, **document_fields: str) -> ArticleFacts:
        document = read_text(text, **document_fields)
        return doc_to_facts(nlp(document.text), document)

    return run


@pytest.fixture(scope="session")
def seeds_graph(nlp: Language) -> Graph:
    """The graph of the demo corpus ``seeds/``, built once through the public API."""
    return build_graph([SEEDS], nlp=nlp)


def require_program(name: str, packages: str) -> str:
    """The path of a Debian program; skip (locally) or fail (in CI) when it is missing.

    ``.ci/run`` installs ``packages`` and sets CI, so there a missing program is a failure.
    """
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {packages}; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
