"""One build, whatever its engine: read and plan, extract behind the seam, feed the sinks, finish.

:func:`run_build` is :func:`kg.build` (and ``kg build``) without the keyword
arguments: the plan (:mod:`kg.builder.plan`) says what to extract, an engine
(:mod:`kg.builder.engine`: this process, a process pool or a Dask cluster)
extracts it in batches, and the sinks (:mod:`kg.builder.sinks`) take each
batch in corpus order: the same file and store whatever the engine.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kg.builder import distributed, local
from kg.builder.batches import BatchResult
from kg.builder.engine import Engine
from kg.builder.options import BuildOptions
from kg.builder.plan import Plan, read_plan
from kg.builder.report import BuildReport, Stopwatch
from kg.builder.sinks import Sinks
from kg.rdf.validate import validate_ntriples
from kg.read.documents import NoInputError, find_sources

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["run_build", "shared_pipeline"]


def shared_pipeline(spacy_model: str | None = None) -> Language:
    """The pipeline of this process's builds (:func:`kg.nlp.pipeline.shared_pipeline`), imported when needed.

    Importing spaCy takes about a second; ``kg query``, ``kg serve``,
    ``kg view`` and ``kg validate`` never run the pipeline and should not
    wait for it, nor should a build with nothing to extract.
    """
    from kg.nlp.pipeline import shared_pipeline as load  # noqa: PLC0415 - spaCy is slow to import

    return load(spacy_model)


def run_build(paths: Iterable[str | Path], options: BuildOptions) -> BuildReport:
    """Build the graph of the articles under ``paths`` as ``options`` say; return the figures."""
    options.check()
    if options.engine == "dask":
        distributed.check_dask()  # in one line, before anything is read or opened
    started, clock = time.perf_counter(), Stopwatch()
    report = BuildReport(output=str(options.target))
    sources = find_sources(paths)  # a missing path fails before anything is written
    sinks = Sinks.open(options)
    try:
        clock.switch("read")
        intake = _Intake(report, options, sinks, clock)
        plan = read_plan(sources, options, report, intake.error)
        sinks.start(plan)
        _build_articles(plan, intake)
        clock.switch("write")
        ntriples = _finish(sinks, plan, options, report, clock)
    finally:
        sinks.close()  # a store left unfinished keeps its state
    clock.switch(None)
    report.seconds = time.perf_counter() - started
    if options.validate and sinks.file is not None:
        clock.switch("validate")
        report.validation = validate_ntriples(ntriples, base=options.base, shapes=options.shapes)
        clock.switch(None)
    report.stages = clock.seconds
    return report


def _build_articles(plan: Plan, intake: _Intake) -> None:
    """Every article of the plan into the sinks: the cached ones while the engine starts on the others."""
    options, clock = intake.options, intake.clock
    products = intake.sinks.products(facts=options.on_article is not None)
    clock.switch("pipeline")
    with _engine(options, plan, clock) as engine:
        intake.report.jobs = engine.jobs
        clock.switch("pipeline")
        wanted = replace(products, as_text=not engine.in_process)
        extracted = engine.results(plan.batches(engine.cut, wanted, options, engine.shards))
        clock.switch("rdf")
        for result in plan.cached_results(replace(products, as_text=False)):
            intake.take(result, plan)
        clock.switch("pipeline")
        for result in extracted:
            if engine.in_process:
                clock.credit(result.seconds, taken_from="pipeline")
            intake.take(result, plan)
            clock.switch("pipeline")


def _engine(options: BuildOptions, plan: Plan, clock: Stopwatch) -> AbstractContextManager[Engine]:
    """Where this build extracts: nowhere to go for nothing, else a cluster, a pool or this process."""
    if plan.todo and options.engine == "dask":
        return distributed.dask_engine(
            options.scheduler, options.workers, options.shards, options.target, clock
        )
    workers = local.worth_it(options.jobs or local.default_jobs(), len(plan.todo))
    if workers:
        # Loaded here first, so that forked workers inherit it.
        return local.process_pool(workers, shared_pipeline(options.spacy_model), options.spacy_model)
    return local.in_process(shared_pipeline)


def _finish(sinks: Sinks, plan: Plan, options: BuildOptions, report: BuildReport, clock: Stopwatch) -> bytes:
    """Once every article is in: settle the store, write the file; return the union written (to validate)."""
    if report.articles + report.unchanged == 0:  # before the store is swapped: it keeps its state
        raise NoInputError("", "no article could be read; nothing written")
    if sinks.store is not None:
        report.stored = sinks.store.stored
        report.removed = sinks.store.finish(plan, options.prune, clock)
    clock.switch("write")
    if sinks.file is None:
        report.triples = report.stored
        return b""
    report.triples, ntriples = sinks.file.write()
    return ntriples


class _Intake:
    """Each batch built: its articles counted into the report, told to the callbacks, given to the sinks."""

    def __init__(self, report: BuildReport, options: BuildOptions, sinks: Sinks, clock: Stopwatch) -> None:
        self.report, self.options, self.sinks, self.clock = report, options, sinks, clock
        self.entity_keys: set[str] = set()

    def error(self, message: str) -> None:
        self.report.errors.append(message)
        self.options.on_error(message)

    def take(self, result: BatchResult, plan: Plan) -> None:
        for message in result.errors:
            self.error(message)
        for counts, key in result.counts:
            plan.built(counts.document_id, key)
            self.report.count(counts)
            self.entity_keys.update(counts.entity_keys)
            self.options.on_progress()
        self.report.entities = len(self.entity_keys)
        for facts in result.facts:  # only sent back for an on_article
            self.options.on_article(facts)  # type: ignore[misc]
        self.sinks.take(result, self.clock)
