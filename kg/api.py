"""The Python API, mirroring the CLI: ``kg build`` is :func:`build`, ``kg validate`` is :func:`validate_file`.

>>> from kg import build_graph
>>> graph = build_graph(["seeds/"])          # an rdflib.Graph
>>> report = build(["seeds/"], "seeds.ttl")  # writes the file, returns figures
>>> validate_file("seeds.ttl").conforms      # checks it against ontology/shapes.ttl
True

Both builders read documents, run them through one spaCy pipeline with
``nlp.pipe``, turn the facts into RDF and (for ``build``) write the file
atomically and validate what it wrote. One article that cannot be read or
processed is reported and skipped; it never stops the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from spacy.language import Language

from .documents import DocumentError, NoInputError, read_documents
from .export import QUAD_FORMATS, as_dataset, union, write_graph
from .facts import ArticleFacts, Document
from .graph import build_dataset, check_base
from .namespaces import DEFAULT_BASE
from .pipeline import doc_to_facts, load_pipeline
from .store import open_store, store_articles, write_dataset
from .validate import GraphReadError, ValidationReport, Violation, read_graph, validate_file
from .validate import validate as validate_graph

__all__ = [
    "BuildReport",
    "GraphReadError",
    "ValidationReport",
    "Violation",
    "build",
    "build_dataset_from",
    "build_graph",
    "extract",
    "read_graph",
    "validate_file",
    "validate_graph",
]

BATCH_SIZE = 32


@dataclass
class BuildReport:
    """What a build read and wrote: the figures of ``kg build``'s summary."""

    articles: int = 0
    entities: int = 0
    statements: int = 0
    fundings: int = 0
    roles: int = 0
    memberships: int = 0
    events: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    output: str = ""
    #: Quads written to the store directory of ``build(..., store=DIR)``.
    stored: int = 0
    #: The check of the written graph against ontology/shapes.ttl (None with validate=False).
    validation: ValidationReport | None = None

    def count(self, facts: ArticleFacts) -> None:
        self.articles += 1
        self.statements += len(facts.statements)
        self.fundings += len(facts.fundings)
        self.roles += len(facts.roles)
        self.memberships += len(facts.memberships)
        self.events += len(facts.events)

    def summary(self) -> str:
        skipped = f" ({len(self.errors)} skipped)" if self.errors else ""
        return (
            f"{self.articles} articles{skipped}: {self.entities} entities, "
            f"{self.statements} statements, {self.fundings} fundings, {self.roles} roles, "
            f"{self.memberships} memberships, {self.events} events; "
            f"{self.triples} triples in {self.seconds:.1f} s{self._validation_note()}"
        )

    def _validation_note(self) -> str:
        checked = self.validation
        if checked is None:
            return ""
        if checked.conforms:
            return f", valid against {checked.shapes} in {checked.seconds:.1f} s"
        count = len(checked.errors)
        return f", {count} SHACL violation{'' if count == 1 else 's'} (run kg validate {self.output})"


def extract(
    documents: Iterable[Document | DocumentError],
    nlp: Language | None = None,
    on_error: Callable[[str], None] = lambda message: None,
) -> Iterator[ArticleFacts]:
    """Facts of each readable document, in order, through ``nlp.pipe`` in batches.

    ``nlp`` defaults to the embedded pipeline (:func:`kg.load_pipeline`).

    A batch that fails is run again one document at a time, so the document at
    fault is named and skipped and its neighbours still get through.
    """
    nlp = nlp or load_pipeline()
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
    if not batch:
        return
    try:
        docs = list(nlp.pipe((d.text for d in batch), batch_size=BATCH_SIZE))
    except Exception:  # noqa: BLE001 - isolate the culprit below
        docs = None
    if docs is not None:
        for doc, document in zip(docs, batch, strict=True):
            yield doc_to_facts(doc, document)
        return
    for document in batch:
        try:
            yield doc_to_facts(nlp(document.text), document)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a corpus
            on_error(f"{document.path}: extraction failed: {type(exc).__name__}: {exc}")


def build_dataset_from(paths: Iterable[str | Path], *, base: str = DEFAULT_BASE, **options) -> Dataset:
    """One named graph per article of ``paths`` (files or folders).

    ``options`` are those of :func:`article_facts`.
    """
    return build_dataset(article_facts(paths, base=base, **options), base)


def article_facts(
    paths: Iterable[str | Path],
    *,
    base: str = DEFAULT_BASE,
    spacy_model: str | None = None,
    nlp: Language | None = None,
    on_error: Callable[[str], None] = lambda message: None,
    on_article: Callable[[ArticleFacts], None] = lambda facts: None,
    report: BuildReport | None = None,
) -> Iterator[ArticleFacts]:
    """The facts of each article of ``paths``, one at a time, counted into ``report``.

    A generator, so that a corpus streamed into a store is never held in memory.
    """
    check_base(base)
    nlp = nlp or load_pipeline(spacy_model)
    report = report if report is not None else BuildReport()

    def errors(message: str) -> None:
        report.errors.append(message)
        on_error(message)

    def counted(facts_stream: Iterator[ArticleFacts]) -> Iterator[ArticleFacts]:
        keys: set[str] = set()
        for facts in facts_stream:
            report.count(facts)
            keys.update(e.key for e in facts.entities)
            report.entities = len(keys)
            on_article(facts)
            yield facts

    return counted(extract(read_documents(paths), nlp, errors))


def build_graph(paths: Iterable[str | Path], **options) -> Graph:
    """The knowledge graph of the articles under ``paths``, as one rdflib Graph."""
    return union(build_dataset_from(paths, **options))


def build(
    paths: Iterable[str | Path],
    output: str | Path | None = None,
    *,
    store: str | Path | None = None,
    format: str = "turtle",
    base: str = DEFAULT_BASE,
    spacy_model: str | None = None,
    on_error: Callable[[str], None] = lambda message: None,
    on_article: Callable[[ArticleFacts], None] = lambda facts: None,
    validate: bool = True,
    shapes: str | Path | None = None,
) -> BuildReport:
    """Build the graph of ``paths``, write it to ``output`` and validate it; return the figures.

    The file is written even when the graph breaks a shape: the violations are
    in ``report.validation``, for the caller to decide (``kg build --strict`` exits 1).
    ``shapes`` replaces ontology/shapes.ttl; ``validate=False`` skips the check,
    which on very large corpora takes about half as long as the extraction.

    ``store`` is a store directory (see :mod:`kg.store`) that receives each
    article's named graph, replacing the article's earlier build. Without an
    ``output`` file the articles are streamed into the store one batch at a
    time, so the corpus is never held in memory (and not validated).
    """
    if output is None and store is None:
        raise ValueError("nothing to write: give an output file, a store directory or both")
    started = time.perf_counter()
    report = BuildReport(output=str(output if output is not None else store))
    # Opened first, so that a store in use or a wrong directory fails before the long part.
    graph_store = open_store(store, read_only=False) if store is not None else None
    if output is None:
        facts = article_facts(
            paths, base=base, spacy_model=spacy_model, on_error=on_error, on_article=on_article, report=report
        )
        report.triples = report.stored = store_articles(graph_store, facts, base)
        if report.articles == 0:
            raise NoInputError("", "no article could be read; nothing written")
        report.seconds = time.perf_counter() - started
        return report
    dataset = build_dataset_from(
        paths,
        base=base,
        spacy_model=spacy_model,
        on_error=on_error,
        on_article=on_article,
        report=report,
    )
    if report.articles == 0:
        raise NoInputError("", "no article could be read; nothing written")
    # What the file holds: one named graph per article, or their merged union.
    written = as_dataset(dataset) if format in QUAD_FORMATS else union(dataset)
    report.triples = write_graph(output, written, format)
    if graph_store is not None:
        report.stored = write_dataset(graph_store, dataset)
    report.seconds = time.perf_counter() - started
    if validate:
        report.validation = validate_graph(written, shapes=shapes)
    return report
