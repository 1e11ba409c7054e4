"""``kg build --engine dask``: the extraction spread over a Dask distributed cluster.

>>> from kg.builder.distributed import build_on_dask
>>> report = build_on_dask(["corpus/"], "corpus.ttl")                       # a LocalCluster of 2 workers
>>> report = build_on_dask(["corpus/"], store="corpus.store", scheduler="tcp://head:8786")

The result is the one :func:`kg.api.build` writes for the same corpus, byte for
byte in the output file and quad for quad in the store, with the same report
(articles skipped as unchanged, taken from the fact cache, pruned...); only
the work is spread.

How the work is spread:

* The sources are found on the client (:func:`kg.read.documents.find_sources`, in
  their deterministic order) and cut into contiguous partitions of about equal
  size in bytes, :data:`PARTITIONS_PER_WORKER` per worker thread, so that a
  slow partition does not hold up the end of the build.
* One task per partition runs on a worker: it reads the partition's documents,
  skips those the store already holds built from the same text (store-only
  builds), takes the others' facts from the fact cache (:mod:`kg.builder.cache`) or
  runs them through ``nlp.pipe`` (:func:`kg.api.extract`), maps each article to
  its triples (:func:`kg.rdf.mapping.article_triples`) and writes the partition's
  quads as one N-Quads *shard* file. The spaCy pipeline is loaded once per
  worker thread and kept (:func:`kg.nlp.pipeline.shared_pipeline`), not once per task. The task
  sends back only the figures of the report (counts, entity keys, errors,
  graph names and cache keys), never the graph.
* The client loads each shard as soon as its task is done: into the Oxigraph
  store with ``Store.bulk_load`` (each article's earlier graph removed first,
  as :func:`kg.sparql.store.replace_articles` does), and/or into the union (or the
  list of named graphs) of the output file, in corpus order. The file is then
  written and validated exactly as ``kg.api.build`` writes and validates it,
  and the store pruned and its article keys saved as there. Shards are deleted
  as they are loaded, and their folder at the end.

Document ids are unique within a corpus (:func:`kg.read.documents.read_documents`
renames a later ``b/brief.txt`` after an earlier ``a/brief.txt``); when file
names could collide, a first, cheap pass over the partitions reads the ids
back so each worker gives every article the id the local build gives it.

Requirements of a cluster of several machines (``scheduler=`` an address):
the workers run the same ``kg`` (and spaCy model) as the client, the article
paths must mean the same files on the workers as on the client (give absolute
paths on a shared file system), and ``shards`` must be a folder on a shared
file system that both the workers (which write the shards) and the client
(which loads them) can reach. The default shard folder, a temporary folder
next to the output file or store, is only fine for a LocalCluster or workers
on the client's machine. The fact cache is used by the workers at the path the
client names: share it too, or pass ``cache=False``.

Dask is imported only when a build starts, so ``import kg`` never needs it.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.builder.cache import FactCache, article_key, default_folder, pipeline_version
from kg.builder.output import union_bytes
from kg.builder.report import BuildReport, Stopwatch
from kg.facts import ArticleFacts, Document, FactCounts
from kg.ids import slugify
from kg.nlp.extract import extract
from kg.nlp.pipeline import shared_pipeline, shared_pipelines
from kg.rdf import terms
from kg.rdf.export import ntriples_to_graph, quads_bytes, write_atomic
from kg.rdf.formats import QUAD_FORMATS
from kg.rdf.mapping import article_iri, article_triples, check_base
from kg.rdf.namespaces import DEFAULT_BASE
from kg.rdf.terms import NtTriple
from kg.rdf.union import FileUnion, UnionTally
from kg.rdf.validate import validate as validate_graph
from kg.read.documents import (
    DocumentError,
    NoInputError,
    _read_source,  # the reading of one file, exactly as read_documents reads it
    _suffix,
    _unique,  # read_documents' renaming of a duplicate id
    find_sources,
)
from kg.sparql.store import (
    BATCH_QUADS,
    UnionUpdate,
    article_keys,
    compact,
    graph_names,
    open_store,
    remove_graphs,
    save_article_keys,
)

__all__ = ["DASK_MISSING", "PARTITIONS_PER_WORKER", "build_on_dask", "loaded_pipelines", "partition"]

#: Partitions per worker thread: enough to even out articles of unequal length,
#: few enough that the per-task overhead (some 10 ms) stays negligible.
PARTITIONS_PER_WORKER = 4
#: The one-line error when the optional dependency is missing.
DASK_MISSING = "dask is not installed: pip install 'kg[dask]'"


def _distributed() -> Any:
    """The ``distributed`` package, imported on first use."""
    try:
        import distributed
    except ImportError:
        raise ImportError(DASK_MISSING) from None
    return distributed


# --- Partitions -------------------------------------------------------------------------


def partition(sources: list[Path], parts: int) -> list[list[Path]]:
    """``sources`` cut into at most ``parts`` contiguous, non-empty slices of about equal bytes.

    Deterministic (it depends on the list and the file sizes only) and order
    preserving: the slices joined are ``sources``. A file is never split, so
    one huge .jsonl file is one partition.
    """
    if not sources:
        return []
    parts = max(1, min(parts, len(sources)))
    totals = list(itertools.accumulate(max(_size(path), 1) for path in sources))
    cuts = [0]
    for k in range(1, parts):
        cut = bisect.bisect_left(totals, totals[-1] * k / parts) + 1
        cuts.append(min(max(cut, cuts[-1] + 1), len(sources) - (parts - k)))
    cuts.append(len(sources))
    return [sources[start:end] for start, end in itertools.pairwise(cuts)]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_NUMBERED = re.compile(r"(.+)-\d+")


def _ids_may_collide(sources: list[Path]) -> bool:
    """Whether two documents of ``sources`` could get the same id (then read_documents renames one).

    A .txt, .md or .html file's id is the slug of its stem; the lines of a
    .jsonl file get ``<slug of stem>-<line number>``. Reading can only drop
    ids (an unreadable file has none), so no collision here means none at all.
    """
    stems = [slugify(path.stem) for path in sources]
    if len(set(stems)) < len(stems):
        return True
    jsonl = {stem for stem, path in zip(stems, sources, strict=True) if _suffix(path) == ".jsonl"}
    for stem, path in zip(stems, sources, strict=True):
        numbered = _NUMBERED.fullmatch(stem) if jsonl else None
        if numbered and _suffix(path) != ".jsonl" and numbered.group(1) in jsonl:
            return True
    return False


def _unique_ids(parts_ids: list[list[tuple[str, str]]]) -> list[list[str]]:
    """The ids read_documents gives the documents of all partitions, read in order."""
    seen: set[str] = set()
    return [
        [_unique(Document(id=doc_id, text="", path=path), seen).id for doc_id, path in part]
        for part in parts_ids
    ]


# --- On a worker ---------------------------------------------------------------------------

_VERSIONS: dict[str | None, str] = {}


def _version(spacy_model: str | None) -> str:
    """The worker's pipeline version (:func:`kg.builder.cache.pipeline_version`), worked out once."""
    version = _VERSIONS.get(spacy_model)
    if version is None:
        version = _VERSIONS[spacy_model] = pipeline_version(spacy_model)
    return version


def loaded_pipelines() -> int:
    """How many spaCy pipelines this process has loaded for builds (one per worker thread and model)."""
    return shared_pipelines()


@dataclass(frozen=True)
class _Task:
    """What one partition's task needs, besides the store's article keys."""

    index: int
    sources: list[Path]
    ids: list[str] | None  # the corpus-wide ids of its documents, when they could collide
    shard: str
    base: str
    spacy_model: str | None
    cache: str | None
    keep_facts: bool
    union: bool  # the shard also holds the copies the store's union takes (kg.rdf.union.UnionTally)


@dataclass
class _Part:
    """What one partition's task sends back: the figures, not the graph."""

    index: int
    shard: str
    report: BuildReport = field(default_factory=BuildReport)
    read_errors: list[str] = field(default_factory=list)
    unreadable: int = 0
    keys: set[str] = field(default_factory=set)  # entity keys
    built: dict[str, str] = field(default_factory=dict)  # article IRI -> cache key
    graphs: list[str] = field(default_factory=list)  # article IRIs in the shard, in order
    quads: int = 0  # article quads, the union's copies apart
    facts: list[ArticleFacts] = field(default_factory=list)  # only when the caller asked (on_article)
    tally: UnionTally | None = None  # the labels and counts of the union (with task.union)


def _read_ids(sources: list[Path]) -> list[tuple[str, str]]:
    """The raw id and path of each document of ``sources``, in reading order."""
    return [
        (item.id, item.path)
        for source in sources
        for item in _read_source(source)
        if isinstance(item, Document)
    ]


def _documents(sources: list[Path], ids: list[str] | None) -> Iterator[Document | DocumentError]:
    """The documents of ``sources``, named ``ids`` (the corpus-wide unique ids) when given."""
    seen: set[str] = set()
    position = 0
    for source in sources:
        for item in _read_source(source):
            if isinstance(item, Document):
                if ids is None:
                    item = _unique(item, seen)
                elif position < len(ids):
                    item = item if ids[position] == item.id else replace(item, id=ids[position])
                    position += 1
                else:
                    raise RuntimeError(f"{source}: the articles changed while they were being built")
            yield item
    if ids is not None and position != len(ids):
        raise RuntimeError(f"{sources[-1]}: the articles changed while they were being built")


def _build_part(task: _Task, stored_keys: dict[str, str]) -> _Part:
    """One task: the articles of ``task.sources`` to the N-Quads file ``task.shard``; returns the figures.

    As :func:`kg.api.build` plans each article: skipped when ``stored_keys``
    says the store holds it built from the same text and pipeline, from the
    cache when it has the facts, else extracted (and cached).
    """
    part = _Part(task.index, task.shard)
    version = _version(task.spacy_model)
    cache = FactCache(task.cache) if task.cache is not None else None
    cached: list[ArticleFacts] = []
    todo: list[Document] = []
    keys: dict[tuple[str, str], str] = {}
    for item in _documents(task.sources, task.ids):
        if isinstance(item, DocumentError):
            part.unreadable += 1
            part.read_errors.append(str(item))
            continue
        key = article_key(item, version)
        iri = str(article_iri(item.id, task.base))
        if stored_keys.get(iri) == key:
            part.built[iri] = key
            part.report.unchanged += 1
            continue
        facts = cache.get(key, item) if cache is not None else None
        if facts is not None:
            cached.append(facts)
            part.built[iri] = key
            part.report.cached += 1
        else:
            todo.append(item)
            keys[(item.id, item.path)] = key

    def extracted() -> Iterator[ArticleFacts]:
        if not todo:
            return
        for facts in extract(todo, shared_pipeline(task.spacy_model), part.report.errors.append):
            key = keys[(facts.document.id, facts.document.path)]
            if cache is not None:
                cache.put(key, facts)
            part.built[str(article_iri(facts.document.id, task.base))] = key
            yield facts

    _write_shard(task, itertools.chain(cached, extracted()), part)
    return part


def _write_shard(task: _Task, all_facts: Iterable[ArticleFacts], part: _Part) -> None:
    """Count each article into ``part`` and write its quads into the shard (written whole or not at all)."""
    part.tally = UnionTally() if task.union else None
    partial = f"{task.shard}.partial"
    try:
        with open(partial, "w", encoding="utf-8") as shard:
            for facts in all_facts:
                counts = FactCounts.of(facts)
                part.report.count(counts)
                part.keys.update(counts.entity_keys)
                if task.keep_facts:
                    part.facts.append(facts)
                iri = str(article_iri(facts.document.id, task.base))
                part.graphs.append(iri)
                name = terms.iri(iri)
                article = article_triples(facts, task.base)
                part.quads += len(article)
                shard.writelines(terms.quad_line(t, name) for t in article)
                if part.tally is not None:  # the store's union: lines without a graph name
                    shard.writelines(map(terms.line, part.tally.copies(article)))
        os.replace(partial, task.shard)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


# --- On the client ---------------------------------------------------------------------------


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Client of the cluster at ``scheduler``, or of a LocalCluster started (and stopped) here."""
    distributed = _distributed()
    if scheduler is not None:
        with distributed.Client(scheduler, set_as_default=False) as client:
            yield client
        return
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}")
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # No dashboard, and the scheduler's plain HTTP server (health checks) on
        # any free port: the default 8787 may be taken by another cluster.
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@contextmanager
def _shard_folder(shards: Path | str | None, target: Path | str) -> Iterator[Path]:
    """A new, empty folder for this build's shards, removed at the end.

    Inside ``shards`` when given (the folder itself is kept), else next to ``target``.
    """
    parent = Path(shards) if shards is not None else Path(target).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".kg-shards-", dir=parent)).resolve()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _shard_articles(shard: str) -> Iterator[tuple[str, list[NtTriple]]]:
    """A shard's article graphs, as ``(graph name term, triples)`` in shard order (the union copies apart)."""
    name, triples = None, []
    for s, p, o, graph in ox.parse(path=shard, format=ox.RdfFormat.N_QUADS):
        if isinstance(graph, ox.DefaultGraph):  # the store's union copies
            continue
        graph = str(graph)
        if graph != name:
            if triples:
                yield name, triples  # type: ignore[misc]
            name, triples = graph, []
        triples.append((str(s), str(p), str(o)))
    if triples:
        yield name, triples  # type: ignore[misc]


class _Shards:
    """When to delete a shard: once every consumer (the store, the file) has read it."""

    def __init__(self) -> None:
        self.readers: dict[str, int] = {}

    def hold(self, shard: str, readers: int) -> None:
        if readers:
            self.readers[shard] = readers
        else:
            Path(shard).unlink(missing_ok=True)

    def release(self, shard: str) -> None:
        self.readers[shard] -= 1
        if not self.readers[shard]:
            del self.readers[shard]
            Path(shard).unlink(missing_ok=True)


class _Output:
    """What the output file receives, article by article in corpus order (as the local build adds them)."""

    def __init__(self, format: str, shards: _Shards) -> None:
        self.format, self.shards = format, shards
        self.union = FileUnion() if format not in QUAD_FORMATS else None
        self.graphs: list[tuple[str, list[NtTriple]]] = []
        self.waiting: dict[int, str | None] = {}
        self.next = 0

    def add(self, index: int, shard: str | None) -> None:
        """Take partition ``index``'s shard now, or when the partitions before it are in."""
        self.waiting[index] = shard
        while self.next in self.waiting:
            shard = self.waiting.pop(self.next)
            self.next += 1
            if shard is None:
                continue
            for name, triples in _shard_articles(shard):
                if self.union is not None:
                    self.union.add(triples)
                else:
                    self.graphs.append((name, triples))
            self.shards.release(shard)

    def write(self, output: str | Path, base: str) -> tuple[int, bytes]:
        """Write the file as kg.api.build does.

        Returns the triples (quads) it holds, and their union as N-Triples (to validate).
        """
        if self.union is None:
            write_atomic(output, quads_bytes(self.graphs, self.format, base))
            union = FileUnion()  # what a quad file is validated as
            for _, triples in self.graphs:
                union.add(triples)
            return sum(len(triples) for _, triples in self.graphs), union.ntriples()
        ntriples = self.union.ntriples()
        write_atomic(output, union_bytes(ntriples, self.format, base))
        return ntriples.count(b"\n"), ntriples


class _StoreLoader:
    """Writes the shards into the store, each article's earlier graph removed first.

    Shards are bulk-loaded (Oxigraph parses them, no Python objects per quad)
    in batches of at least :data:`kg.sparql.store.BATCH_QUADS` quads: each bulk write
    costs some 0.1 s whatever its size, since it writes new files.
    """

    def __init__(self, store: ox.Store, shards: _Shards, union: UnionUpdate) -> None:
        self.store, self.shards, self.union = store, shards, union
        self.replaced: set[str] = set()
        self.pending: list[str] = []
        self.quads = 0

    def add(self, part: _Part) -> None:
        self.union.note(part.graphs)
        if part.tally is not None:
            self.union.tally.merge(part.tally)
        for name in part.graphs:
            if name not in self.replaced:  # a graph twice in one build: both kept, as replace_articles
                self.replaced.add(name)
                node = ox.NamedNode(name)
                if self.store.contains_named_graph(node):
                    self.store.remove_graph(node)
        if part.quads:
            self.pending.append(part.shard)
            self.quads += part.quads
            if self.quads >= BATCH_QUADS:
                self.flush()

    def flush(self) -> None:
        if len(self.pending) == 1:
            self.store.bulk_load(path=self.pending[0], format=ox.RdfFormat.N_QUADS)
        elif self.pending:
            data = b"".join(Path(shard).read_bytes() for shard in self.pending)
            self.store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
        for shard in self.pending:
            self.shards.release(shard)
        self.pending, self.quads = [], 0
        self.store.flush()


def build_on_dask(
    sources: Iterable[str | Path],
    output: str | Path | None = None,
    *,
    store: str | Path | None = None,
    format: str = "turtle",
    base: str = DEFAULT_BASE,
    spacy_model: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    shards: str | Path | None = None,
    cache: bool | str | Path = True,
    prune: bool = True,
    on_error: Callable[[str], None] = lambda message: None,
    on_article: Callable[[ArticleFacts], None] | None = None,
    on_progress: Callable[[], None] = lambda: None,
    validate: bool = True,
    shapes: str | Path | None = None,
) -> BuildReport:
    """:func:`kg.api.build` with the extraction on a Dask cluster: the same file, store and figures.

    ``sources`` are files or folders, as for ``kg.api.build``; ``output``,
    ``store``, ``format``, ``base``, ``spacy_model``, ``cache``, ``prune``,
    ``validate`` and ``shapes`` mean what they mean there, and the report holds
    the same figures (``jobs`` is the cluster's worker threads; ``stages`` are
    cluster, pipeline, write and validate). An article that cannot be read or
    processed is reported (in ``report.errors``: read errors, then extraction
    errors, each in corpus order, as the local build lists them) and skipped.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``);
    without it a ``LocalCluster`` of ``workers`` processes (one thread each) is
    started for this build and stopped at the end. Workers on other machines
    need the article paths to mean the same files there, and ``shards``: a
    folder on a file system shared by the workers and this process, where the
    partitions' N-Quads files are written, then loaded here. By default they go
    to a temporary folder next to the output file (or store). Either way this
    build's shard folder is removed at the end, whatever happens.

    ``on_error``, ``on_progress`` and ``on_article`` are called here as each
    partition comes back, so in the order partitions finish. ``on_article`` makes the workers
    send every article's facts back; leave it None when only counts matter.
    """
    if output is None and store is None:
        raise ValueError("nothing to write: give an output file, a store directory or both")
    distributed = _distributed()  # fail in one line, before anything is read or opened
    check_base(base)
    started, clock = time.perf_counter(), Stopwatch()
    files = find_sources(sources)
    report = BuildReport(output=str(output if output is not None else store))
    # Opened first, so that a store in use or a wrong directory fails before the long part.
    graph_store = open_store(store, read_only=False) if store is not None else None
    # Only a store-only build skips the articles the store holds unchanged (as kg.api.build).
    stored_keys = article_keys(store) if store is not None and output is None else {}
    folder = (default_folder() if cache is True else Path(cache)) if cache else None
    shard_files = _Shards()
    target = _Output(format, shard_files) if output is not None else None
    parts: list[_Part] = []
    clock.switch("cluster")
    with _client(scheduler, workers) as client, _shard_folder(shards, output or store) as shard_folder:
        report.jobs = sum(client.nthreads().values()) or workers
        partitions = partition(files, report.jobs * PARTITIONS_PER_WORKER)
        ids: list[list[str] | None] = [None] * len(partitions)
        if _ids_may_collide(files):
            ids = _unique_ids(client.gather(client.map(_read_ids, partitions, pure=False)))
        keys_future = client.scatter([stored_keys], broadcast=True)[0] if stored_keys else stored_keys
        tasks = [
            _Task(
                index,
                sources_of_part,
                ids[index],
                str(shard_folder / f"part-{index:05d}.nq"),
                base,
                spacy_model,
                str(folder) if folder is not None else None,
                on_article is not None,
                graph_store is not None,
            )
            for index, sources_of_part in enumerate(partitions)
        ]
        futures = [client.submit(_build_part, task, keys_future, pure=False) for task in tasks]
        union = UnionUpdate(graph_store) if graph_store is not None else None
        loader = _StoreLoader(graph_store, shard_files, union) if graph_store is not None else None
        clock.switch("pipeline")
        for future in distributed.as_completed(futures, loop=client.loop):
            part = future.result()
            future.release()
            clock.switch("write")
            for message in part.read_errors + part.report.errors:
                on_error(message)
            for _ in range(part.report.articles):
                on_progress()
            for facts in part.facts:
                on_article(facts)  # type: ignore[misc]
            part.facts = []
            shard_files.hold(part.shard, (loader is not None) + (target is not None) if part.quads else 0)
            if loader is not None:
                loader.add(part)
            if target is not None:
                target.add(part.index, part.shard if part.quads else None)
            parts.append(part)
            clock.switch("pipeline")
        clock.switch("write")
        if loader is not None:
            loader.flush()
        clock.switch("cluster")  # closing the client (and stopping the cluster it started)
    clock.switch("write")
    built = _add_up(report, parts)
    if graph_store is not None:
        report.stored = sum(part.quads for part in parts)
        unreadable = sum(part.unreadable for part in parts)
        if prune and not unreadable:
            stale = sorted(set(graph_names(graph_store)) - set(built))
            union.note(stale)  # type: ignore[union-attr]
            report.removed = remove_graphs(graph_store, stale)
        clock.switch("union")
        union.finish()  # type: ignore[union-attr]
        clock.switch("compact")
        compact(graph_store, report.stored)
        clock.switch("write")
        kept = {} if prune and not unreadable else stored_keys
        save_article_keys(store, kept | built)  # type: ignore[arg-type]
    if report.articles + report.unchanged == 0:
        raise NoInputError("", "no article could be read; nothing written")
    ntriples = b""
    if target is not None:
        report.triples, ntriples = target.write(output, base)  # type: ignore[arg-type]
    else:
        report.triples = report.stored
    clock.switch(None)
    report.seconds = time.perf_counter() - started
    if validate and target is not None:
        clock.switch("validate")
        report.validation = validate_graph(ntriples_to_graph(ntriples, base), shapes=shapes)
        clock.switch(None)
    report.stages = clock.seconds
    return report


def _add_up(report: BuildReport, parts: list[_Part]) -> dict[str, str]:
    """Add the figures of all partitions into ``report``; return the article keys built."""
    parts = sorted(parts, key=lambda part: part.index)
    entity_keys: set[str] = set()
    built: dict[str, str] = {}
    for part in parts:
        figures = part.report
        report.articles += figures.articles
        report.statements += figures.statements
        report.fundings += figures.fundings
        report.roles += figures.roles
        report.memberships += figures.memberships
        report.events += figures.events
        report.cached += figures.cached
        report.unchanged += figures.unchanged
        entity_keys |= part.keys
        built.update(part.built)
    report.entities = len(entity_keys)
    report.errors = [m for part in parts for m in part.read_errors] + [
        m for part in parts for m in part.report.errors
    ]
    return built
