"""Extraction in worker processes: ``kg build --jobs N``.

spaCy and kg's rules are Python, so one process uses one core; a build uses
them all by running ``nlp.pipe`` in N worker processes over batches of
articles. They write the facts to the fact cache and, for a store alone or a
file of the union (N-Triples, Turtle, JSON-LD), map them to RDF too, so that
the parent, whose work is serial, only merges or loads what they send.

The parent gets the facts themselves only when it asks (``keep_facts``): a
caller of :func:`kg.build` that looks at each article's facts. Otherwise it
gets their counts (:class:`~kg.facts.FactCounts`), because unpickling an
article's facts costs it about 0.6 ms, a tenth of a 2-worker build.

Where the system allows it, workers are forked from the parent after it has
loaded the pipeline, so they start in milliseconds and share its memory
(gazetteer, patterns) copy-on-write. Elsewhere (spawn) each worker loads the
pipeline once. A small corpus is not worth the start-up: see :func:`worth_it`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from kg.facts import ArticleFacts, Document, FactCounts

if TYPE_CHECKING:
    from spacy.language import Language

#: Articles sent to a worker at once: large enough to keep messages few,
#: small enough to share the work out evenly at the end of a corpus.
BATCH = 16
#: Fewer articles per worker than this are built in the parent process.
MIN_ARTICLES_PER_WORKER = 48

_nlp: Language | None = None  # the worker's pipeline (inherited when forked)
_model: str | None = None


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worth_it(jobs: int, articles: int) -> int:
    """How many workers to start for ``articles`` (0: extract in this process)."""
    jobs = min(jobs, articles // MIN_ARTICLES_PER_WORKER)
    return jobs if jobs >= 2 else 0


@dataclass
class BatchResult:
    #: The batch's facts, when the parent keeps them (``keep_facts``).
    facts: list[ArticleFacts]
    #: Each extracted article's counts and its cache key (:func:`kg.builder.cache.article_key`).
    counts: list[tuple[FactCounts, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the worker's CPU time
    #: With a ``base``: the batch's article graphs as N-Quads, ready for the store's bulk loader,
    #: with the default-graph copies of their triples and the tally of the rest (kg.rdf.union.UnionTally);
    #: with ``union_only``, just the copies, as N-Triples (kg.rdf.union.copies_ntriples).
    nquads: bytes = b""
    quads: int = 0  # article quads, the copies apart
    tally: object = None


def _start_worker(model: str | None) -> None:
    global _nlp, _model
    if _nlp is None or _model != model:
        from kg.nlp.pipeline import load_pipeline

        _nlp, _model = load_pipeline(model), model


def _extract_batch(
    batch: list[tuple[Document, str]],
    base: str | None = None,
    union_only: bool = False,
    keep_facts: bool = True,
    cache: Path | None = None,
) -> BatchResult:
    """Extract a batch of (document, cache key); store the facts in the ``cache`` folder."""
    from kg.builder.cache import FactCache
    from kg.nlp.extract import extract

    started = time.process_time()
    errors: list[str] = []
    keys = {(document.id, document.path): key for document, key in batch}
    facts = list(extract([document for document, _ in batch], _nlp, errors.append))
    fact_cache = FactCache(cache) if cache is not None else None
    counts = []
    for article in facts:
        key = keys[(article.document.id, article.document.path)]
        if fact_cache is not None:
            fact_cache.put(key, article)
        counts.append((FactCounts.of(article), key))
    result = BatchResult(facts if keep_facts else [], counts, errors)
    if base is not None:
        as_rdf = _as_union if union_only else _as_nquads
        result.nquads, result.quads, result.tally = as_rdf(facts, base)
    result.seconds = time.process_time() - started
    return result


def _as_nquads(all_facts: list[ArticleFacts], base: str) -> tuple[bytes, int, object]:
    """The articles' named graphs and their union's copies as N-Quads, and the union's tally.

    The RDF mapping is done in the worker, not the parent: the parent only bulk-loads.
    """
    from kg.rdf import terms
    from kg.rdf.mapping import article_iri, article_triples
    from kg.rdf.union import UnionTally

    tally = UnionTally()
    lines: list[str] = []
    written = 0
    for facts in all_facts:
        name = terms.iri(article_iri(facts.document.id, base))
        article = article_triples(facts, base)
        written += len(article)
        lines.extend(terms.quad_line(t, name) for t in article)
        lines.extend(map(terms.line, tally.copies(article)))  # no graph name: the default graph
    return "".join(lines).encode(), written, tally


def _as_union(all_facts: list[ArticleFacts], base: str) -> tuple[bytes, int, object]:
    """The articles' share of a file's union (kg.rdf.union.FileUnion): N-Triples and tally."""
    from kg.rdf.mapping import article_triples
    from kg.rdf.union import copies_ntriples

    articles = [article_triples(facts, base) for facts in all_facts]
    ntriples, tally = copies_ntriples(articles)
    return ntriples, sum(map(len, articles)), tally


def _batches(documents: Iterable[tuple[Document, str]]) -> Iterator[list[tuple[Document, str]]]:
    documents = iter(documents)
    while batch := list(islice(documents, BATCH)):
        yield batch


def extract_in_workers(
    documents: Iterable[tuple[Document, str]],
    nlp: Language,
    model: str | None,
    jobs: int,
    base: str | None = None,
    union_only: bool = False,
    keep_facts: bool = True,
    cache: Path | None = None,
) -> Iterator[BatchResult]:
    """Extract ``documents`` (each with its cache key) in ``jobs`` processes, batch by batch in input order.

    ``nlp`` is the parent's pipeline (for ``model``), which forked workers reuse.
    With ``base``, each batch also comes as the N-Quads of its article graphs
    (``union_only``: as its share of a file's union). The facts are written to
    the ``cache`` folder, and sent back only with ``keep_facts``.
    """
    global _nlp, _model
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _nlp, _model = nlp, model  # what a forked worker inherits
    with context.Pool(jobs, initializer=_start_worker, initargs=(model,)) as pool:
        extract_batch = partial(
            _extract_batch, base=base, union_only=union_only, keep_facts=keep_facts, cache=cache
        )
        yield from pool.imap(extract_batch, _batches(documents))
