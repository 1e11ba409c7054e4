"""The work a build hands its engine: a batch of articles in, their figures and their RDF out.

Every engine (this process, a local process pool, a Dask cluster) runs the
same :func:`extract_batch`; only where it runs differs (:mod:`kg.builder.engine`).
A batch extracts its articles, puts their facts in the fact cache and maps
them to RDF where it runs, so that the build's own process, whose work is
serial, only merges or loads what comes back (:mod:`kg.builder.sinks`).

What comes back is what the build needs (:class:`Products`): always each
article's counts (:class:`~kg.facts.FactCounts`), never its facts unless a
caller of :func:`kg.build` looks at them (``on_article``): unpickling an
article's facts costs the parent about 0.6 ms, a tenth of a 2-worker build.
The RDF of a batch that ran elsewhere travels as N-Quads text
(:class:`RdfText`): the article graphs, for a store or a TriG/N-Quads file,
then the union's share, for a store's default graph or a file of one graph
(:func:`kg.rdf.union.copies_ntriples`); from a cluster, in a shard file on a
shared folder. The RDF of a batch that ran in the build's own process stays
as triples (:class:`RdfTriples`): turning it into text would only cost time.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kg.builder.cache import FactCache
from kg.facts import ArticleFacts, Document, FactCounts
from kg.rdf import terms
from kg.rdf.mapping import article_iri, article_triples
from kg.rdf.terms import NtTriple
from kg.rdf.union import FileUnion, UnionTally, copies_ntriples

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "Batch",
    "BatchResult",
    "Products",
    "Rdf",
    "RdfText",
    "RdfTriples",
    "describe",
    "extract_batch",
    "hold_in",
    "keep_worker_pipeline",
]


@dataclass(frozen=True)
class Products:
    """What the sinks of a build need of each batch, besides its counts."""

    #: The article graphs as N-Quads: for a store, a TriG or an N-Quads file.
    graphs: bool = False
    #: The union's share (triples in the default graph) and its tally: for a store's default graph,
    #: a file of one graph, and the validation of a TriG or N-Quads file.
    union: bool = False
    #: The facts themselves: for ``kg.build(on_article=...)``.
    facts: bool = False
    #: The RDF as text, to travel from another process; else as triples, for this one.
    as_text: bool = True


@dataclass(frozen=True)
class Batch:
    """Articles to extract, with what to make of them."""

    documents: list[Document]
    keys: list[str]  # each document's cache key (kg.builder.cache.article_key)
    base: str
    products: Products
    spacy_model: str | None = None
    #: The fact cache folder the batch writes to (the workers' path to it), or None.
    cache: str | None = None
    #: The file to write the RDF to instead of sending it back (a folder the build's process reads too).
    shard: str | None = None

    def one_by_one(self) -> list[Batch]:
        """A batch per article: to find the one whose extraction kills its worker."""
        return [
            replace(
                self,
                documents=[document],
                keys=[key],
                shard=None if self.shard is None else f"{self.shard}.{n}",
            )
            for n, (document, key) in enumerate(zip(self.documents, self.keys, strict=True))
        ]


class Rdf:
    """A batch's RDF, as the sinks take it: no RDF at all (the sinks need none)."""

    def graphs(self) -> bytes:
        """The article graphs as N-Quads lines."""
        return b""

    def into_union(self, union: FileUnion) -> None:
        """Add the batch's articles to the union of a file."""

    def into_store(self, tally: UnionTally) -> bytes:
        """N-Quads for a store: the article graphs and the union's share; tally the rest into ``tally``."""
        return b""

    def discard(self) -> None:
        """Free what the sinks have taken (a shard file)."""


@dataclass
class RdfText(Rdf):
    """The RDF of a batch that ran elsewhere: its article graphs, then the union's share, as N-Quads.

    In memory, or in a shard file. ``split`` is where the union's share begins;
    ``tally`` holds the union's labels and mention counts.
    """

    data: bytes = b""
    split: int = 0
    tally: UnionTally | None = None
    shard: str | None = None

    def graphs(self) -> bytes:
        return self._read(0, self.split)

    def into_union(self, union: FileUnion) -> None:
        assert self.tally is not None, "the batch was asked for the union's share"
        union.merge(self._read(self.split, None), self.tally)

    def into_store(self, tally: UnionTally) -> bytes:
        assert self.tally is not None, "the batch was asked for the union's share"
        tally.merge(self.tally)
        return self._read(0, None)

    def discard(self) -> None:
        if self.shard is not None:
            Path(self.shard).unlink(missing_ok=True)

    def _read(self, start: int, end: int | None) -> bytes:
        if self.shard is None:
            return self.data[start:end]
        with open(self.shard, "rb") as shard:
            shard.seek(start)
            return shard.read() if end is None else shard.read(end - start)


@dataclass
class RdfTriples(Rdf):
    """The RDF of a batch that ran in the build's own process: each article's IRI and triples."""

    articles: list[tuple[str, list[NtTriple]]] = field(default_factory=list)

    def graphs(self) -> bytes:
        return "".join(self._graph_lines()).encode()

    def into_union(self, union: FileUnion) -> None:
        for _, triples in self.articles:
            union.add(triples)

    def into_store(self, tally: UnionTally) -> bytes:
        lines = self._graph_lines()
        for _, triples in self.articles:
            lines.extend(map(terms.line, tally.copies(triples)))  # no graph name: the default graph
        return "".join(lines).encode()

    def _graph_lines(self) -> list[str]:
        lines: list[str] = []
        for iri, triples in self.articles:
            name = terms.iri(iri)
            lines.extend(terms.quad_line(t, name) for t in triples)
        return lines


@dataclass
class BatchResult:
    """What a batch sends back: figures, the RDF the sinks need, and the facts when asked."""

    #: Each article built, in order: its counts and its cache key.
    counts: list[tuple[FactCounts, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    facts: list[ArticleFacts] = field(default_factory=list)
    rdf: Rdf = field(default_factory=Rdf)
    quads: int = 0  # article quads, the union's share apart
    #: Seconds the batch spent in each stage (pipeline, rdf), where it ran.
    seconds: dict[str, float] = field(default_factory=dict)


#: The pipeline of a pool worker process, by model, set by the pool's initializer.
_worker_pipeline: tuple[str | None, Language] | None = None


def keep_worker_pipeline(nlp: Language, model: str | None) -> None:
    """Make ``nlp`` the pipeline batches for ``model`` run in this (worker) process."""
    global _worker_pipeline
    _worker_pipeline = (model, nlp)


#: The file where a pool worker writes the paths of the batch it runs (kg.builder.local.WorkerPool).
_held_file: str | None = None


def hold_in(path: str) -> None:
    """Make ``path`` the file where this (worker) process says which articles it is extracting."""
    global _held_file
    _held_file = path


def _holding(documents: list[Document]) -> None:
    """Say which articles this worker holds: if it dies, the build can name them."""
    if _held_file is not None:
        with open(_held_file, "w", encoding="utf-8") as held:
            held.write("".join(f"{d.path}\n" for d in documents))


def worker_pipeline(model: str | None) -> Language:
    """The pool worker's pipeline, else this thread's shared one (a Dask worker's, loaded once)."""
    if _worker_pipeline is not None and _worker_pipeline[0] == model:
        return _worker_pipeline[1]
    from kg.nlp.pipeline import shared_pipeline  # noqa: PLC0415 - spaCy, only where batches run

    return shared_pipeline(model)


def extract_batch(batch: Batch, nlp: Language | None = None) -> BatchResult:
    """Extract ``batch``, cache the facts, and describe them as ``batch.products`` asks.

    ``nlp`` is the pipeline when the batch runs in the build's own process;
    elsewhere the worker's own (:func:`worker_pipeline`).
    """
    from kg.nlp.extract import extract  # noqa: PLC0415 - spaCy, only where batches run

    started = time.perf_counter()
    errors: list[str] = []
    nlp = nlp or worker_pipeline(batch.spacy_model)
    _holding(batch.documents)
    by_document = dict(zip(((d.id, d.path) for d in batch.documents), batch.keys, strict=True))
    facts = list(extract(batch.documents, nlp, errors.append))
    keys = [by_document[(f.document.id, f.document.path)] for f in facts]
    if batch.cache is not None:
        cache = FactCache(batch.cache)
        for article, key in zip(facts, keys, strict=True):
            cache.put(key, article)
    extracted = time.perf_counter()
    result = describe(facts, keys, batch.base, batch.products, batch.shard)
    result.errors = errors
    result.seconds = {"pipeline": extracted - started, "rdf": time.perf_counter() - extracted}
    return result


def describe(
    facts: list[ArticleFacts], keys: list[str], base: str, products: Products, shard: str | None = None
) -> BatchResult:
    """The result of a batch whose facts are known: their counts, and their RDF as ``products`` asks.

    Also what the build's process makes of the articles it takes from the cache.
    """
    result = BatchResult([(FactCounts.of(f), key) for f, key in zip(facts, keys, strict=True)])
    if products.facts:
        result.facts = facts
    if products.graphs or products.union:
        articles = [(str(article_iri(f.document.id, base)), article_triples(f, base)) for f in facts]
        result.quads = sum(len(triples) for _, triples in articles)
        result.rdf = _as_text(articles, products, shard) if products.as_text else RdfTriples(articles)
    return result


def _as_text(articles: list[tuple[str, list[NtTriple]]], products: Products, shard: str | None) -> RdfText:
    """The articles' RDF as N-Quads, in memory or written whole (or not at all) to the ``shard`` file."""
    graphs = RdfTriples(articles).graphs() if products.graphs else b""
    union, tally = copies_ntriples(t for _, t in articles) if products.union else (b"", None)
    if shard is None:
        return RdfText(graphs + union, len(graphs), tally)
    partial = f"{shard}.partial"
    try:
        with open(partial, "wb") as out:
            out.write(graphs)
            out.write(union)
        os.replace(partial, shard)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return RdfText(split=len(graphs), tally=tally, shard=shard)
