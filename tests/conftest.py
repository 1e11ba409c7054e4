"""Shared fixtures: one spaCy pipeline per test session, and a text -> facts helper.

Loading the pipeline takes about a second (the known-entity patterns), so every
extraction test shares the session's ``nlp``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from kg.documents import read_text
from kg.facts import ArticleFacts
from kg.pipeline import doc_to_facts, load_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The embedded pipeline (no model download), loaded once."""
    return load_pipeline()


@pytest.fixture(scope="session")
def extract(nlp: Language) -> Callable[..., ArticleFacts]:
    """``extract(text) -> ArticleFacts``: the text read like a .txt file, then run.

    Keyword arguments go to :func:`kg.documents.read_text` (``id``, ``title``...).
    """

    def run(text: str, **document_fields: str) -> ArticleFacts:
        document = read_text(text, **document_fields)
        return doc_to_facts(nlp(document.text), document)

    return run
