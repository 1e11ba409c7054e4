"""The Python API, mirroring the CLI: ``kg build`` is :func:`build`, ``kg validate`` is :func:`validate_file`.

>>> from kg import build_graph
>>> graph = build_graph(["seeds/"])          # an rdflib.Graph
>>> report = build(["seeds/"], "seeds.ttl")  # writes the file, returns figures
>>> validate_file("seeds.ttl").conforms      # checks it against ontology/shapes.ttl
True

Both builders read documents, run them through one spaCy pipeline with
``nlp.pipe``, turn the facts into RDF and (for ``build``) write the file
atomically and validate what it wrote. One article that cannot be read or
processed is reported and skipped; it never stops the others. How a build
goes about it is :mod:`kg.builder`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph

from kg.builder import run
from kg.builder.cache import default_folder
from kg.builder.options import BuildOptions
from kg.builder.report import BuildReport
from kg.facts import ArticleFacts, Document, FactCounts
from kg.rdf.export import union
from kg.rdf.mapping import build_dataset, check_base
from kg.rdf.namespaces import DEFAULT_BASE
from kg.rdf.validate import GraphReadError, ValidationReport, Violation, read_graph, validate_file
from kg.rdf.validate import validate as validate_graph
from kg.read.documents import DocumentError, find_sources, read_documents, read_sources
from kg.read.fetch import Fetcher, is_url
from kg.read.web import fetch_pages, web_folder

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "BuildOptions",
    "BuildReport",
    "GraphReadError",
    "ValidationReport",
    "Violation",
    "article_facts",
    "build",
    "build_dataset_from",
    "build_graph",
    "build_on_dask",
    "extract",  # noqa: F822 - imported on first use: see __getattr__
    "read_articles",
    "read_graph",
    "validate_file",
    "validate_graph",
]


def read_articles(
    sources: Iterable[str | Path],
    *,
    lang_any: bool = False,
    cache: str | Path | None = None,
    on_error: Callable[[str], None] = lambda message: None,
) -> Iterator[Document | DocumentError]:
    """``kg read``: each document of ``sources`` (paths or http(s) URLs) exactly as a build reads it.

    URLs are fetched politely into ``web/`` of the ``cache`` folder (default:
    the fact cache's) and kept, as ``kg build URL`` does; a page that cannot be
    fetched is reported through ``on_error``. Raises `NoInputError` when a
    path does not exist or holds nothing to read.
    """
    sources = [str(source) for source in sources]
    files = [source for source in sources if not is_url(source)]
    found = find_sources(files) if files else []
    fetcher = Fetcher(web_folder(cache or default_folder()))
    found += fetch_pages([source for source in sources if is_url(source)], fetcher, on_error=on_error)
    return read_sources(found, lang_any=lang_any)


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
    nlp = nlp or run.shared_pipeline(spacy_model)
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

    from kg.nlp.extract import extract  # noqa: PLC0415 - spaCy is slow to import

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
    lang_any: bool = False,
) -> BuildReport:
    """Build the graph of ``paths``, write it to ``output`` and validate it; return the figures.

    The file is written even when the graph breaks a shape: the violations are
    in ``report.validation``, for the caller to decide (``kg build --strict`` exits 1).
    ``shapes`` replaces ontology/shapes.ttl; ``validate=False`` skips the check,
    which on very large corpora takes longer than the build. Text that is surely
    not English is skipped (reported through ``on_error``) unless ``lang_any``.

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
    (:mod:`kg.builder.distributed`; ``scheduler`` is its address, or a
    local cluster of ``workers`` processes is started; ``shards`` is the folder
    the workers write their N-Quads to, which a remote cluster must share).
    The file, the store and the report are the same whatever runs the extraction.

    ``on_error`` gets the one-line message of each article skipped,
    ``on_progress`` is called once per article built, and ``on_article`` gets
    each article's facts. Without ``on_article``, the facts of the articles
    extracted in worker processes stay there (the workers map them to RDF),
    which saves the build about a tenth of its time.
    """
    options = BuildOptions(
        output=output,
        store=store,
        format=format,
        base=base,
        spacy_model=spacy_model,
        jobs=jobs,
        cache=cache,
        prune=prune,
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        shards=shards,
        on_error=on_error,
        on_article=on_article,
        on_progress=on_progress,
        validate=validate,
        shapes=shapes,
        lang_any=lang_any,
    )
    return run.run_build(paths, options)


def build_on_dask(
    paths: Iterable[str | Path], output: str | Path | None = None, **options: Any
) -> BuildReport:
    """:func:`build` with ``engine="dask"``: the extraction on a Dask cluster (:mod:`kg.builder.distributed`).

    ``scheduler`` is the cluster's address, else a LocalCluster of ``workers``
    processes is started for the build; ``shards`` is the folder, shared with a
    remote cluster, the workers write their N-Quads to.
    """
    return build(paths, output, engine="dask", **options)
