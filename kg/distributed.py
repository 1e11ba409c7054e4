"""``kg build --engine dask``: the extraction spread over a Dask distributed cluster.

>>> from kg.distributed import build_on_dask
>>> report = build_on_dask(["corpus/"], "corpus.ttl")                       # a LocalCluster of 2 workers
>>> report = build_on_dask(["corpus/"], store="corpus.store", scheduler="tcp://head:8786")

The result is the one :func:`kg.api.build` writes for the same corpus, byte for
byte in the output file and quad for quad in the store; only the work is spread.

How the work is spread:

* The sources are found on the client (:func:`kg.documents.find_sources`, in
  their deterministic order) and cut into contiguous partitions of about equal
  size in bytes, :data:`PARTITIONS_PER_WORKER` per worker thread, so that a
  slow partition does not hold up the end of the build.
* One task per partition runs on a worker: it reads the partition's documents,
  runs them through ``nlp.pipe`` (:func:`kg.api.extract`), turns each article
  into its named graph (:func:`kg.store.article_graphs`) and writes the
  partition's quads as one N-Quads *shard* file. The spaCy pipeline is loaded
  once per worker thread and kept (:data:`_PIPELINES`), not once per task.
  The task sends back only the figures of the report (counts, entity keys,
  errors, graph names), never the graph.
* The client loads each shard as soon as its task is done: into the Oxigraph
  store with ``Store.bulk_load`` (each article's earlier graph removed first,
  as :func:`kg.store.replace_graphs` does) and/or into an rdflib Dataset that
  is written and validated exactly as ``kg.api.build`` writes a file. The
  shards are deleted as they are loaded, and their folder at the end.

Document ids are unique within a corpus (:func:`kg.documents.read_documents`
renames a later ``a/brief.txt`` after an earlier ``b/brief.txt``); when file
names could collide, a first, cheap pass over the partitions reads the ids
back so each worker gives every article the id the local build gives it.

Requirements of a cluster of several machines (``scheduler=`` an address):
the workers run the same ``kg`` (and spaCy model) as the client, the article
paths must mean the same files on the workers as on the client (give absolute
paths on a shared file system), and ``shards`` must be a folder on a shared
file system that both the workers (which write the shards) and the client
(which loads them) can reach. The default shard folder, a temporary folder
next to the output file or store, is only fine for a LocalCluster or workers
on the client's machine.

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
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph
from spacy.language import Language

from .api import BuildReport, extract
from .documents import (
    DocumentError,
    NoInputError,
    _read_source,  # the reading of one file, as read_documents does it
    _suffix,
    _unique,  # read_documents' renaming of a duplicate id
    find_sources,
)
from .export import QUAD_FORMATS, as_dataset, count, union, write_graph
from .facts import ArticleFacts, Document
from .graph import bind_prefixes, check_base
from .ids import slugify
from .namespaces import DEFAULT_BASE
from .pipeline import load_pipeline
from .store import _Terms, article_graphs, open_store
from .validate import validate as validate_graph

__all__ = ["DASK_MISSING", "PARTITIONS_PER_WORKER", "build_on_dask", "partition"]

#: Partitions per worker thread: enough to even out articles of unequal length,
#: few enough that the per-task overhead (some 10 ms) stays negligible.
PARTITIONS_PER_WORKER = 4
#: The one-line error when the optional dependency is missing.
DASK_MISSING = "dask is not installed: pip install 'kg[dask]'"

log = logging.getLogger(__name__)


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
    sizes = [max(_size(path), 1) for path in sources]
    totals = list(itertools.accumulate(sizes))
    cuts = [0]
    for k in range(1, parts):
        cut = bisect.bisect_left(totals, totals[-1] * k / parts) + 1
        cut = min(max(cut, cuts[-1] + 1), len(sources) - (parts - k))
        cuts.append(cut)
    cuts.append(len(sources))
    return [sources[start:end] for start, end in zip(cuts, cuts[1:], strict=False) if end > start]


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
    if not jsonl:
        return False
    for stem, path in zip(stems, sources, strict=True):
        numbered = _NUMBERED.fullmatch(stem)
        if numbered and _suffix(path) != ".jsonl" and numbered.group(1) in jsonl:
            return True
    return False


def _unique_ids(parts_ids: list[list[tuple[str, str]]]) -> list[list[str]]:
    """The ids read_documents gives the documents of all partitions read in order."""
    seen: set[str] = set()
    return [
        [_unique(Document(id=doc_id, text="", path=path), seen).id for doc_id, path in part]
        for part in parts_ids
    ]


# --- On a worker ---------------------------------------------------------------------------

#: The spaCy pipelines of this worker process, by (model, thread): loaded once,
#: reused by every task (spaCy does not promise a Language is thread-safe).
_PIPELINES: dict[tuple[str | None, int], Language] = {}
_PIPELINES_LOCK = threading.Lock()


def _pipeline(spacy_model: str | None) -> Language:
    key = (spacy_model, threading.get_ident())
    nlp = _PIPELINES.get(key)
    if nlp is None:
        with _PIPELINES_LOCK:
            nlp = _PIPELINES.get(key)
            if nlp is None:
                nlp = _PIPELINES[key] = load_pipeline(spacy_model)
    return nlp


def loaded_pipelines() -> int:
    """How many spaCy pipelines this process has loaded for builds (one per worker thread and model)."""
    return len(_PIPELINES)


@dataclass
class _Part:
    """What one partition's task sends back: the figures, not the graph."""

    index: int
    shard: str
    report: BuildReport = field(default_factory=BuildReport)
    keys: set[str] = field(default_factory=set)
    #: The names of the article graphs in the shard, in order (repeats kept).
    graphs: list[str] = field(default_factory=list)
    quads: int = 0
    #: Every article's facts, only when the caller asked for them (on_article).
    facts: list[ArticleFacts] = field(default_factory=list)


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
                else:
                    if position >= len(ids):
                        raise RuntimeError(f"{source}: the articles changed while they were being built")
                    if ids[position] != item.id:
                        item = replace(item, id=ids[position])
                    position += 1
            yield item
    if ids is not None and position != len(ids):
        raise RuntimeError(f"{sources[-1]}: the articles changed while they were being built")


def _build_part(
    index: int,
    sources: list[Path],
    ids: list[str] | None,
    shard: str,
    base: str,
    spacy_model: str | None,
    keep_facts: bool,
) -> _Part:
    """One task: the articles of ``sources`` to the N-Quads file ``shard``; returns the figures."""
    nlp = _pipeline(spacy_model)
    part = _Part(index, shard)

    def counted(all_facts: Iterable[ArticleFacts]) -> Iterator[ArticleFacts]:
        for facts in all_facts:
            part.report.count(facts)
            part.keys.update(entity.key for entity in facts.entities)
            if keep_facts:
                part.facts.append(facts)
            yield facts

    facts = counted(extract(_documents(sources, ids), nlp, part.report.errors.append))
    _write_shard(shard, article_graphs(facts, base), part)
    part.report.entities = len(part.keys)
    return part


def _write_shard(shard: str, graphs: Iterable[Graph], part: _Part) -> None:
    """Stream the quads of ``graphs`` into ``shard`` (written whole or not at all)."""
    terms = _Terms()
    term = terms.term

    def quads() -> Iterator[ox.Quad]:
        for graph in graphs:
            name = terms.graph_name(graph.identifier)
            part.graphs.append(str(graph.identifier))
            for s, p, o in graph:
                part.quads += 1
                yield ox.Quad(term(s), term(p), term(o), name)

    partial = f"{shard}.partial"
    try:
        ox.serialize(quads(), partial, ox.RdfFormat.N_QUADS)
        os.replace(partial, shard)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


# --- On the client ---------------------------------------------------------------------------


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Client of the cluster at ``scheduler``, or of a LocalCluster started (and stopped) here."""
    distributed = _distributed()
    if scheduler is not None:
        client = distributed.Client(scheduler, set_as_default=False)
        try:
            yield client
        finally:
            client.close()
        return
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, got {workers}")
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        client = distributed.Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


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


def _load_into_store(store: ox.Store, part: _Part, replaced: set[str]) -> None:
    """Remove the graphs of ``part`` no earlier shard of this build wrote, then bulk-load the shard."""
    for name in part.graphs:
        if name not in replaced:
            replaced.add(name)
            store.remove_graph(ox.NamedNode(name))
    if part.quads:
        store.bulk_load(path=part.shard, format=ox.RdfFormat.N_QUADS)


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
    on_error: Callable[[str], None] = lambda message: None,
    on_article: Callable[[ArticleFacts], None] | None = None,
    validate: bool = True,
    shapes: str | Path | None = None,
) -> BuildReport:
    """:func:`kg.api.build` with the extraction on a Dask cluster: the same files, store and figures.

    ``sources`` are files or folders, as for ``kg.api.build``; ``output``,
    ``store``, ``format``, ``base``, ``spacy_model``, ``validate`` and
    ``shapes`` mean what they mean there, and the report holds the same
    figures. An article that cannot be read or processed is reported (in
    ``report.errors``, in corpus order, and to ``on_error``) and skipped.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``);
    without it a ``LocalCluster`` of ``workers`` processes (one thread each) is
    started for this build and stopped at the end. Workers on other machines
    need the article paths to mean the same files there, and ``shards``: a
    folder on a file system shared by the workers and this process, where the
    partitions' N-Quads files are written, then loaded here. By default they go
    to a temporary folder next to the output file (or store). Either way this
    build's shard folder is removed at the end, whatever happens.

    ``on_error`` and ``on_article`` are called here as each partition comes
    back, so in the order partitions finish. ``on_article`` makes the workers
    send every article's facts back; leave it None when only counts matter.
    """
    if output is None and store is None:
        raise ValueError("nothing to write: give an output file, a store directory or both")
    _distributed()  # fail in one line, before anything is read or opened
    started = time.perf_counter()
    check_base(base)
    files = find_sources(sources)
    report = BuildReport(output=str(output if output is not None else store))
    # Opened first, so that a store in use or a wrong directory fails before the long part.
    graph_store = open_store(store, read_only=False) if store is not None else None
    dataset = bind_prefixes(Dataset(), base) if output is not None else None
    parts: list[_Part] = []
    with _client(scheduler, workers) as client, _shard_folder(shards, output or store) as folder:
        threads = sum(client.nthreads().values()) or max(workers, 1)
        partitions = partition(files, threads * PARTITIONS_PER_WORKER)
        ids: list[list[str] | None] = [None] * len(partitions)
        if _ids_may_collide(files):
            ids = _unique_ids(client.gather(client.map(_read_ids, partitions, pure=False)))
        futures = [
            client.submit(
                _build_part,
                index,
                sources_of_part,
                ids[index],
                str(folder / f"part-{index:05d}.nq"),
                base,
                spacy_model,
                on_article is not None,
                pure=False,
            )
            for index, sources_of_part in enumerate(partitions)
        ]
        replaced: set[str] = set()
        for future in _distributed().as_completed(futures, loop=client.loop):
            part = future.result()
            future.release()
            for message in part.report.errors:
                on_error(message)
            for facts in part.facts:
                on_article(facts)  # type: ignore[misc]
            part.facts = []
            if graph_store is not None:
                _load_into_store(graph_store, part, replaced)
            if dataset is not None and part.quads:
                dataset.parse(data=Path(part.shard).read_bytes(), format="nquads")
            Path(part.shard).unlink(missing_ok=True)
            parts.append(part)
    if graph_store is not None:
        graph_store.flush()
    _add_up(report, parts)
    if report.articles == 0:
        raise NoInputError("", "no article could be read; nothing written")
    if dataset is None:
        report.triples = report.stored = sum(part.quads for part in parts)
        report.seconds = time.perf_counter() - started
        return report
    # What the file holds: one named graph per article, or their merged union.
    written = as_dataset(dataset) if format in QUAD_FORMATS else union(dataset)
    report.triples = write_graph(output, written, format)
    if graph_store is not None:
        # What kg.api.build counts: the quads of the dataset it writes to the store.
        report.stored = count(dataset, "nquads")
    report.seconds = time.perf_counter() - started
    if validate:
        report.validation = validate_graph(written, shapes=shapes)
    return report


def _add_up(report: BuildReport, parts: list[_Part]) -> None:
    """The figures of all partitions, errors in corpus order."""
    keys: set[str] = set()
    for part in sorted(parts, key=lambda part: part.index):
        figures = part.report
        report.articles += figures.articles
        report.statements += figures.statements
        report.fundings += figures.fundings
        report.roles += figures.roles
        report.memberships += figures.memberships
        report.events += figures.events
        report.errors.extend(figures.errors)
        keys |= part.keys
    report.entities = len(keys)
