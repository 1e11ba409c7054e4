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
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg.builder.cache import FactCache, article_key, default_folder, pipeline_version
from kg.builder.output import union_bytes
from kg.builder.report import BuildReport, Stopwatch
from kg.builder.workers import BatchResult, default_jobs, extract_in_workers, worth_it
from kg.facts import ArticleFacts, Document, FactCounts
from kg.rdf import terms
from kg.rdf.export import (
    ntriples_to_graph,
    quads_bytes,
    union,
    write_atomic,
)
from kg.rdf.formats import QUAD_FORMATS
from kg.rdf.mapping import article_iri, article_triples, build_dataset, check_base
from kg.rdf.namespaces import DEFAULT_BASE
from kg.rdf.terms import NtTriple
from kg.rdf.union import FileUnion
from kg.rdf.validate import GraphReadError, ValidationReport, Violation, read_graph, validate_file
from kg.rdf.validate import validate as validate_graph
from kg.read.documents import DocumentError, NoInputError, find_sources, read_documents
from kg.sparql.store import (
    BATCH_QUADS,
    UnionUpdate,
    article_keys,
    compact,
    graph_names,
    open_store,
    remove_graphs,
    replace_articles,
    save_article_keys,
)

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "BuildReport",
    "GraphReadError",
    "ValidationReport",
    "Violation",
    "build",
    "build_dataset_from",
    "build_graph",
    "extract",  # noqa: F822 - imported on first use: see __getattr__
    "read_graph",
    "validate_file",
    "validate_graph",
]


def shared_pipeline(spacy_model: str | None = None) -> Language:
    """:func:`kg.nlp.pipeline.shared_pipeline`, imported when a build first needs it.

    Importing spaCy takes about a second; ``kg query``, ``kg serve``,
    ``kg view`` and ``kg validate`` never run the pipeline and should not wait for it.
    """
    from kg.nlp.pipeline import shared_pipeline as load  # noqa: PLC0415 - spaCy is slow to import

    return load(spacy_model)


def __getattr__(name: str) -> Any:
    """``kg.api.extract`` (:func:`kg.nlp.extract.extract`), imported on first use: it imports spaCy."""
    if name == "extract":
        from kg.nlp.extract import extract  # noqa: PLC0415 - spaCy is slow to import

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    nlp = nlp or shared_pipeline(spacy_model)
    report = report if report is not None else BuildReport()

    def errors(message: str) -> None:
        report.errors.append(message)
        on_error(message)

    def counted(facts_stream: Iterator[ArticleFacts]) -> Iterator[ArticleFacts]:
        keys: set[str] = set()
        for facts in facts_stream:
            counts = FactCounts.of(facts)
            report.count(counts)
            keys.update(counts.entity_keys)
            report.entities = len(keys)
            on_article(facts)
            yield facts

    from kg.nlp.extract import extract  # noqa: PLC0415 - see shared_pipeline

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
    jobs: int | None = None,
    cache: bool | str | Path = True,
    prune: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    shards: str | Path | None = None,
    on_error: Callable[[str], None] = lambda message: None,
    on_article: Callable[[ArticleFacts], None] | None = None,
    on_progress: Callable[[], None] = lambda: None,
    validate: bool = True,
    shapes: str | Path | None = None,
) -> BuildReport:
    """Build the graph of ``paths``, write it to ``output`` and validate it; return the figures.

    The file is written even when the graph breaks a shape: the violations are
    in ``report.validation``, for the caller to decide (``kg build --strict`` exits 1).
    ``shapes`` replaces ontology/shapes.ttl; ``validate=False`` skips the check,
    which on very large corpora takes longer than the build.

    ``store`` is a store directory (see :mod:`kg.sparql.store`) that receives each
    article's named graph, replacing the article's earlier build. Without an
    ``output`` file the articles are streamed into the store, so the corpus is
    never held in memory (and not validated); articles the store already holds
    built from the same text by the same pipeline are skipped, and (``prune``)
    the graphs of articles no longer in ``paths`` are removed.

    ``jobs`` worker processes extract (default: all cores; small corpora are
    extracted in this process). ``cache`` is a folder of extracted facts
    (:mod:`kg.builder.cache`; True: the default folder, False: none): an article whose
    text and pipeline are unchanged is not extracted again.

    ``engine="dask"`` runs the extraction on a Dask cluster instead
    (:func:`kg.builder.distributed.build_on_dask`; ``scheduler`` is its address, or a
    local cluster of ``workers`` processes is started; ``shards`` is the folder
    the workers write their N-Quads to, which a remote cluster must share).

    ``on_error`` gets the one-line message of each article skipped,
    ``on_progress`` is called once per article built, and ``on_article`` gets
    each article's facts. Without ``on_article``, a build into a store alone or
    into an N-Triples, Turtle or JSON-LD file leaves the facts of the articles
    extracted in worker processes there (the workers map them to RDF), which
    saves the build about a tenth of its time.
    """
    if output is None and store is None:
        raise ValueError("nothing to write: give an output file, a store directory or both")
    if engine == "dask":
        from kg.builder.distributed import build_on_dask

        return build_on_dask(
            find_sources(paths),
            output,
            store=store,
            format=format,
            base=base,
            spacy_model=spacy_model,
            scheduler=scheduler,
            workers=workers,
            shards=shards,
            cache=cache,
            prune=prune,
            on_error=on_error,
            on_article=on_article,
            on_progress=on_progress,
            validate=validate,
            shapes=shapes,
        )
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    check_base(base)
    started, clock = time.perf_counter(), Stopwatch()
    report = BuildReport(output=str(output if output is not None else store))

    def errors(message: str) -> None:
        report.errors.append(message)
        on_error(message)

    # Opened first, so that a store in use or a wrong directory fails before the long part.
    graph_store = open_store(store, read_only=False) if store is not None else None
    clock.switch("read")
    plan = _plan(paths, report, errors, store if output is None else None, spacy_model, base, cache)
    entity_keys: set[str] = set()
    union = FileUnion() if output is not None and format not in QUAD_FORMATS else None
    graphs: list[tuple[str, list[NtTriple]]] = []  # for TriG and N-Quads: (graph name, triples)

    def articles() -> Iterator[tuple[URIRef, list[NtTriple]]]:
        facts_stream = plan.facts(spacy_model, jobs, report, errors)
        while True:
            clock.switch("pipeline")
            facts = next(facts_stream, None)
            if facts is None:
                return
            clock.switch("rdf")
            seen(facts)
            iri = article_iri(facts.document.id, base)
            triples = article_triples(facts, base)
            if union is not None:
                union.add(triples)
            elif output is not None:
                graphs.append((terms.iri(iri), triples))
            clock.switch("write")
            yield iri, triples

    def counted(counts: FactCounts) -> None:
        report.count(counts)
        entity_keys.update(counts.entity_keys)
        on_progress()

    def seen(facts: ArticleFacts) -> None:
        counted(FactCounts.of(facts))
        if on_article is not None:
            on_article(facts)

    def seen_batch(result: BatchResult) -> None:
        for counts, _ in result.counts:
            counted(counts)
        for facts in result.facts:
            on_article(facts)  # type: ignore[misc]  (only kept when there is an on_article)

    keep_facts = on_article is not None

    union_update = UnionUpdate(graph_store, plan.changing(graph_store)) if graph_store is not None else None
    if graph_store is not None and output is None and plan.workers(jobs):
        # Workers map to RDF too and send N-Quads: the parent only loads them.
        report.stored = plan.load_in_workers(
            graph_store, union_update, spacy_model, jobs, report, seen_batch, keep_facts, errors, clock
        )
        for facts in plan.cached:
            seen(facts)
        cached = (_mapped(f, base) for f in plan.cached)
        report.stored += replace_articles(graph_store, cached, union=union_update)
        clock.switch("write")
        report.removed = plan.prune(graph_store, union_update) if prune else 0
        plan.save_keys(store, pruned=prune)
    elif union is not None and graph_store is None and plan.workers(jobs):
        # Workers map to RDF too and send the union's share of each batch: the parent merges and writes.
        plan.union_in_workers(union, spacy_model, jobs, report, seen_batch, keep_facts, errors, clock)
        for facts in plan.cached:
            seen(facts)
            union.add(article_triples(facts, base))
    elif graph_store is not None:
        report.stored = replace_articles(graph_store, articles(), union=union_update)
        clock.switch("write")
        report.removed = plan.prune(graph_store, union_update) if prune else 0
        plan.save_keys(store, pruned=prune)
    else:
        for _ in articles():
            pass
    if union_update is not None:
        clock.switch("union")
        union_update.finish()
        clock.switch("compact")
        compact(graph_store, report.stored)
    report.entities = len(entity_keys)
    if report.articles + report.unchanged == 0:
        raise NoInputError("", "no article could be read; nothing written")
    clock.switch("write")
    if union is None and output is not None and validate:
        union = FileUnion()  # what a quad file is validated as
        for _, triples in graphs:
            union.add(triples)
    ntriples = union.ntriples() if union is not None else b""
    if output is not None:
        report.triples = _write_output(output, format, base, ntriples, graphs)
    else:
        report.triples = report.stored
    clock.switch(None)
    report.seconds = time.perf_counter() - started
    if validate and output is not None:
        clock.switch("validate")
        report.validation = validate_graph(ntriples_to_graph(ntriples, base), shapes=shapes)
        clock.switch(None)
    report.stages = clock.seconds
    return report


def _mapped(facts: ArticleFacts, base: str) -> tuple[URIRef, list[NtTriple]]:
    return article_iri(facts.document.id, base), article_triples(facts, base)


def _write_output(
    output: str | Path, format: str, base: str, ntriples: bytes, graphs: list[tuple[str, list[NtTriple]]]
) -> int:
    """Write the file: the union's sorted ``ntriples`` or, for TriG and N-Quads, the article ``graphs``.

    Return the triples (quads for TriG and N-Quads) it holds.
    """
    if format in QUAD_FORMATS:
        write_atomic(output, quads_bytes(graphs, format, base))
        return sum(len(triples) for _, triples in graphs)
    write_atomic(output, union_bytes(ntriples, format, base))
    return ntriples.count(b"\n")


@dataclass
class _Plan:
    """What a build must do with each readable article: skip it, take it from the cache, or extract it."""

    base: str
    cache: FactCache | None
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (id, path) -> cache key
    stored_keys: dict[str, str] = field(default_factory=dict)  # article IRI -> key, from the store
    built_keys: dict[str, str] = field(default_factory=dict)  # article IRI -> key, this build
    cached: list[ArticleFacts] = field(default_factory=list)
    todo: list[Document] = field(default_factory=list)
    unreadable: int = 0  # sources that could not be read: their old graphs must stay
    unchanged: set[str] = field(default_factory=set)  # IRIs of the articles the store holds as they are

    def facts(
        self, spacy_model: str | None, jobs: int | None, report: BuildReport, on_error: Callable[[str], None]
    ) -> Iterator[ArticleFacts]:
        """The facts of every article to build: the cached ones, then the extracted ones."""
        yield from self.cached
        if not self.todo:
            return
        workers = self.workers(jobs)
        report.jobs = max(workers, 1)
        if workers:
            for result in self.in_workers(spacy_model, workers, on_error):
                yield from result.facts
        else:
            from kg.nlp.extract import extract  # noqa: PLC0415 - see shared_pipeline

            yield from self._cached(extract(self.todo, shared_pipeline(spacy_model), on_error))

    def workers(self, jobs: int | None) -> int:
        return worth_it(jobs or default_jobs(), len(self.todo))

    def load_in_workers(
        self,
        graph_store,
        union: UnionUpdate,
        spacy_model: str | None,
        jobs: int | None,
        report: BuildReport,
        on_batch: Callable[[BatchResult], None],
        keep_facts: bool,
        on_error: Callable[[str], None],
        clock: Stopwatch,
    ) -> int:
        """Extract the articles to build in workers and bulk-load the N-Quads they send; return the quads."""
        report.jobs = workers = self.workers(jobs)
        loaded, pending, pending_quads = 0, [], 0

        def load() -> None:
            # The bulk loader writes new files each call: worth it for big batches only.
            if pending:
                graph_store.bulk_load(input=b"".join(pending), format=ox.RdfFormat.N_QUADS)
                pending.clear()

        clock.switch("pipeline")
        for result in self.in_workers(spacy_model, workers, on_error, base=self.base, keep_facts=keep_facts):
            clock.switch("write")
            on_batch(result)
            for counts, _ in result.counts:
                node = ox.NamedNode(str(article_iri(counts.document_id, self.base)))
                union.note([node.value])
                if graph_store.contains_named_graph(node):
                    graph_store.remove_graph(node)
            union.tally.merge(result.tally)
            pending.append(result.nquads)
            pending_quads += result.quads
            loaded += result.quads
            if pending_quads >= BATCH_QUADS:
                load()
                pending_quads = 0
            clock.switch("pipeline")
        clock.switch("write")
        load()
        graph_store.flush()
        return loaded

    def union_in_workers(
        self,
        union: FileUnion,
        spacy_model: str | None,
        jobs: int | None,
        report: BuildReport,
        on_batch: Callable[[BatchResult], None],
        keep_facts: bool,
        on_error: Callable[[str], None],
        clock: Stopwatch,
    ) -> None:
        """Extract the articles to build in workers and merge into ``union`` the share they send."""
        clock.switch("pipeline")
        report.jobs = workers = self.workers(jobs)
        batches = self.in_workers(
            spacy_model, workers, on_error, base=self.base, union_only=True, keep_facts=keep_facts
        )
        for result in batches:
            clock.switch("rdf")
            on_batch(result)
            union.merge(result.nquads, result.tally)
            clock.switch("pipeline")
        clock.switch("rdf")

    def in_workers(
        self, spacy_model: str | None, workers: int, on_error: Callable[[str], None], **options
    ) -> Iterator[BatchResult]:
        """Extract the articles to build in ``workers`` processes, which also put their facts in the cache."""
        nlp = shared_pipeline(spacy_model)  # loaded here first, so that forked workers inherit it
        todo = ((document, self.keys[(document.id, document.path)]) for document in self.todo)
        folder = self.cache.folder if self.cache is not None else None
        for result in extract_in_workers(todo, nlp, spacy_model, workers, cache=folder, **options):
            for message in result.errors:
                on_error(message)
            for counts, key in result.counts:
                self.built_keys[str(article_iri(counts.document_id, self.base))] = key
            yield result

    def _cached(self, facts_stream: Iterable[ArticleFacts]) -> Iterator[ArticleFacts]:
        for facts in facts_stream:
            key = self.keys[(facts.document.id, facts.document.path)]
            if self.cache is not None:
                self.cache.put(key, facts)
            self.built_keys[str(article_iri(facts.document.id, self.base))] = key
            yield facts

    def prune(self, graph_store, union: UnionUpdate) -> int:
        """Remove the graphs of articles no longer in the corpus, unless some article could not be read."""
        if self.unreadable:
            return 0
        stale = sorted(set(graph_names(graph_store)) - set(self.built_keys))
        union.note(stale)
        return remove_graphs(graph_store, stale)

    def changing(self, graph_store) -> set[str]:
        """The article graphs this build may write or remove: all but the unchanged ones."""
        building = {str(article_iri(f.document.id, self.base)) for f in self.cached}
        building.update(str(article_iri(d.id, self.base)) for d in self.todo)
        return (set(graph_names(graph_store)) | building) - self.unchanged

    def save_keys(self, store: str | Path, pruned: bool) -> None:
        kept = {} if pruned and not self.unreadable else self.stored_keys
        save_article_keys(store, kept | self.built_keys)


def _plan(
    paths: Iterable[str | Path],
    report: BuildReport,
    on_error: Callable[[str], None],
    store: str | Path | None,
    spacy_model: str | None,
    base: str,
    cache: bool | str | Path,
) -> _Plan:
    """Read every article and decide what to do with it (``store``: a store-only build, which may skip)."""
    folder = (default_folder() if cache is True else Path(cache)) if cache else None
    plan = _Plan(base, FactCache(folder) if folder is not None else None)
    plan.stored_keys = article_keys(store) if store is not None else {}
    version = pipeline_version(spacy_model)
    for item in read_documents(paths):
        if isinstance(item, DocumentError):
            plan.unreadable += 1
            on_error(str(item))
            continue
        key = article_key(item, version)
        iri = str(article_iri(item.id, base))
        if plan.stored_keys.get(iri) == key:
            plan.built_keys[iri] = key
            plan.unchanged.add(iri)
            report.unchanged += 1
            continue
        plan.keys[(item.id, item.path)] = key
        facts = plan.cache.get(key, item) if plan.cache is not None else None
        if facts is not None:
            plan.cached.append(facts)
            plan.built_keys[iri] = key
            report.cached += 1
        else:
            plan.todo.append(item)
    return plan
