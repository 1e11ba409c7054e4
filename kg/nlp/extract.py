"""Documents through the pipeline: the facts of each article, one bad article never stopping the rest.

Beside the pipeline because it is the pipeline's loop: every build (in this
process, in worker processes, on a Dask cluster) and :func:`kg.extract` run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language

from kg.facts import ArticleFacts, Document
from kg.nlp.budget import OverBudget, article_seconds, time_budget
from kg.nlp.pieces import facts_in_pieces
from kg.nlp.pipeline import doc_to_facts, shared_pipeline
from kg.read.documents import DocumentError

__all__ = ["BATCH_SIZE", "extract"]

#: Documents given to ``nlp.pipe`` at once.
BATCH_SIZE = 32


def extract(
    documents: Iterable[Document | DocumentError],
    nlp: Language | None = None,
    on_error: Callable[[str], None] = lambda message: None,
) -> Iterator[ArticleFacts]:
    """Facts of each readable document, in order, through ``nlp.pipe`` in batches.

    ``nlp`` defaults to the embedded pipeline, loaded once (:func:`kg.nlp.pipeline.shared_pipeline`).

    A batch that fails is run again one document at a time, so the document at
    fault is named and skipped and its neighbours still get through.
    """
    nlp = nlp or shared_pipeline()
    batch: list[Document] = []
    for item in documents:
        if isinstance(item, DocumentError):
            on_error(str(item))
            continue
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            yield from _run_batch(batch, nlp, on_error)
            batch = []
    yield from _run_batch(batch, nlp, on_error)


def _run_batch(
    batch: list[Document], nlp: Language, on_error: Callable[[str], None]
) -> Iterator[ArticleFacts]:
    """The batch through ``nlp.pipe``; if it fails or runs over its time, one document at a time."""
    if not batch:
        return
    if any(len(document.text) > nlp.max_length for document in batch):
        yield from _run_with_long(batch, nlp, on_error)
        return
    seconds = article_seconds()
    try:
        with time_budget(seconds * len(batch)):
            facts = [
                doc_to_facts(doc, document)
                for doc, document in zip(
                    nlp.pipe((d.text for d in batch), batch_size=BATCH_SIZE), batch, strict=True
                )
            ]
    except Exception:  # noqa: BLE001 - isolate the culprit below
        facts = None
    if facts is not None:
        yield from facts
        return
    for document in batch:
        article = _alone(document, lambda d: doc_to_facts(nlp(d.text), d), on_error)
        if article is not None:
            yield article


def _run_with_long(
    batch: list[Document], nlp: Language, on_error: Callable[[str], None]
) -> Iterator[ArticleFacts]:
    """A batch holding articles over ``nlp.max_length``: those run in pieces, in order with the others."""
    short: list[Document] = []
    for document in batch:
        if len(document.text) <= nlp.max_length:
            short.append(document)
            continue
        yield from _run_batch(short, nlp, on_error)
        short = []
        article = _alone(document, lambda d: facts_in_pieces(nlp, d), on_error)
        if article is not None:
            yield article
    yield from _run_batch(short, nlp, on_error)


def _alone(
    document: Document, extract_one: Callable[[Document], ArticleFacts], on_error: Callable[[str], None]
) -> ArticleFacts | None:
    """One article's facts within its time budget; None, and a message, when it fails or runs over."""
    try:
        with time_budget(article_seconds()):
            return extract_one(document)
    except OverBudget as exc:
        on_error(f"{document.path}: extraction stopped: {exc}; skipped")
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop a corpus
        on_error(f"{document.path}: extraction failed: {type(exc).__name__}: {exc}")
    return None
