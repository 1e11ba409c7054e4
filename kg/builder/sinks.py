"""Where a build's articles go: an Oxigraph store, and/or a file of their union or of their graphs.

Each sink takes the batches' results (:class:`~kg.builder.batches.BatchResult`)
as they come, in corpus order, and is finished once every article is in:

* :class:`StoreSink`: the article graphs replace the store's earlier ones,
  bulk-loaded, with the union kept in the default graph (``--store``);
* :class:`UnionFile`: the union of the articles, for Turtle, N-Triples,
  JSON-LD and the network formats;
* :class:`QuadFile`: one named graph per article, for TriG and N-Quads.

:meth:`Sinks.products` says what the batches must make for them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.builder.batches import BatchResult, Products, RdfText
from kg.builder.output import union_bytes
from kg.builder.report import Stopwatch
from kg.rdf.export import nquads_bytes_as, write_atomic
from kg.rdf.formats import QUAD_FORMATS
from kg.rdf.mapping import article_iri
from kg.rdf.union import FileUnion
from kg.sparql.snapshots import Snapshot
from kg.sparql.store import (
    BATCH_QUADS,
    UnionUpdate,
    compact,
    graph_names,
    remove_graphs,
    save_article_keys,
)

if TYPE_CHECKING:
    from kg.builder.options import BuildOptions
    from kg.builder.plan import Plan

__all__ = ["QuadFile", "Sinks", "StoreSink", "UnionFile"]


class StoreSink:
    """Article graphs into the store in ``path``, each replacing the article's earlier graph.

    The N-Quads are bulk-loaded (Oxigraph parses them, no Python object per
    quad) in batches of at least :data:`BATCH_QUADS` quads: each bulk write costs
    some 0.1 s whatever its size, since it writes new files. A shard of that
    size is loaded straight from its file.

    Everything goes to a copy of the store (:class:`kg.sparql.snapshots.Snapshot`)
    that :meth:`finish` swaps in, after the graphs and then the article keys
    are written: readers and a build killed half way see the old state or the new one.
    """

    def __init__(self, path: str | os.PathLike[str], base: str) -> None:
        self.path, self.base = Path(path), base
        # Locked and opened before anything is read: a store in use or a wrong directory fails at once.
        self.snapshot = Snapshot.begin(path)
        assert self.snapshot.store is not None
        self.store = self.snapshot.store
        self.union: UnionUpdate | None = None
        self.replaced: set[str] = set()
        self.pending: list[bytes] = []
        self.pending_quads = 0
        self.stored = 0  # article quads written, the union apart

    def start(self, plan: Plan) -> None:
        """Before the first article: the union learns which graphs the build may change."""
        self.union = UnionUpdate(self.store, plan.changing(graph_names(self.store)))

    def take(self, result: BatchResult) -> None:
        assert self.union is not None, "start() first"
        self._clear([str(article_iri(counts.document_id, self.base)) for counts, _ in result.counts])
        self.stored += result.quads
        if self._loaded_from_shard(result):
            return
        self.pending.append(result.rdf.into_store(self.union.tally))
        self.pending_quads += result.quads
        if self.pending_quads >= BATCH_QUADS:
            self._load()

    def _clear(self, names: list[str]) -> None:
        """Remove the earlier graphs of the articles ``names``, once the union has noted what they held."""
        assert self.union is not None, "start() first"
        self.union.note(names)
        for name in names:
            if name not in self.replaced:  # a graph twice in one build: both kept, as replace_articles
                self.replaced.add(name)
                node = ox.NamedNode(name)
                if self.store.contains_named_graph(node):
                    self.store.remove_graph(node)

    def _loaded_from_shard(self, result: BatchResult) -> bool:
        """Bulk-load a big shard straight from its file (nothing waiting before it); whether it was."""
        assert self.union is not None, "start() first"
        rdf = result.rdf
        if not isinstance(rdf, RdfText) or rdf.shard is None or rdf.tally is None:
            return False
        if self.pending or result.quads < BATCH_QUADS:
            return False
        self.union.tally.merge(rdf.tally)
        self.store.bulk_load(path=rdf.shard, format=ox.RdfFormat.N_QUADS)
        return True

    def finish(self, plan: Plan, prune: bool, clock: Stopwatch) -> int:
        """Load the rest, prune, settle the union, save the article keys, swap; return the graphs pruned."""
        assert self.union is not None, "start() first"
        self._load()
        self.store.flush()
        removed = 0
        if prune:
            stale = plan.stale(graph_names(self.store))
            self.union.note(stale)
            removed = remove_graphs(self.store, stale)
        clock.switch("union")
        self.union.finish()
        clock.switch("compact")
        compact(self.store, self.stored)
        self.store.flush()
        save_article_keys(
            self.snapshot.keys_file, plan.keys_to_save(pruned=prune)
        )  # last: they vouch for the data
        self.union = None
        del self.store
        self.snapshot.commit()
        return removed

    def close(self) -> None:
        """After a build that failed: drop the unfinished copy; the store keeps its state."""
        if self.snapshot.store is not None:
            self.union = None
            self.__dict__.pop("store", None)  # the database closes before its folder goes
            self.snapshot.abandon()

    def _load(self) -> None:
        if self.pending:
            self.store.bulk_load(input=b"".join(self.pending), format=ox.RdfFormat.N_QUADS)
            self.pending, self.pending_quads = [], 0


class UnionFile:
    """The union of the articles (:class:`kg.rdf.union.FileUnion`), for a file of one graph."""

    def __init__(self, path: str | os.PathLike[str], fmt: str, base: str) -> None:
        self.path, self.format, self.base = path, fmt, base
        self.union = FileUnion()

    def take(self, result: BatchResult) -> None:
        result.rdf.into_union(self.union)

    def write(self) -> tuple[int, bytes]:
        """Write the file; return the triples it holds and the union as N-Triples (to validate)."""
        ntriples = self.union.ntriples()
        write_atomic(self.path, union_bytes(ntriples, self.format, self.base))
        return ntriples.count(b"\n"), ntriples


class QuadFile:
    """One named graph per article, for a TriG or N-Quads file; with ``validate``, their union too."""

    def __init__(self, path: str | os.PathLike[str], fmt: str, base: str, validate: bool) -> None:
        self.path, self.format, self.base = path, fmt, base
        self.graphs: list[bytes] = []
        self.quads = 0
        self.union = FileUnion() if validate else None  # what a quad file is validated as

    def take(self, result: BatchResult) -> None:
        self.graphs.append(result.rdf.graphs())
        self.quads += result.quads
        if self.union is not None:
            result.rdf.into_union(self.union)

    def write(self) -> tuple[int, bytes]:
        """Write the file; return the quads it holds and their union as N-Triples (empty without validate)."""
        write_atomic(self.path, nquads_bytes_as(b"".join(self.graphs), self.format, self.base))
        return self.quads, self.union.ntriples() if self.union is not None else b""


@dataclass
class Sinks:
    """The sinks of one build: a store, a file, or both."""

    store: StoreSink | None = None
    file: UnionFile | QuadFile | None = None

    @classmethod
    def open(cls, options: BuildOptions) -> Sinks:
        store = StoreSink(options.store, options.base) if options.store is not None else None
        file: UnionFile | QuadFile | None = None
        if options.output is not None and options.format in QUAD_FORMATS:
            file = QuadFile(options.output, options.format, options.base, options.validate)
        elif options.output is not None:
            file = UnionFile(options.output, options.format, options.base)
        return cls(store, file)

    def products(self, facts: bool) -> Products:
        """What each batch must make for these sinks; the facts too when a caller wants them.

        As text: the batches of an engine in this process ask for triples instead.
        """
        quad_file = isinstance(self.file, QuadFile)
        wants_union = isinstance(self.file, UnionFile) or (quad_file and self.file.union is not None)
        return Products(
            graphs=self.store is not None or quad_file,
            union=self.store is not None or wants_union,
            facts=facts,
        )

    def start(self, plan: Plan) -> None:
        if self.store is not None:
            self.store.start(plan)

    def close(self) -> None:
        """After the build, finished or failed: a store not swapped in is dropped (its lock released)."""
        if self.store is not None:
            self.store.close()

    def take(self, result: BatchResult, clock: Stopwatch) -> None:
        """Give every sink the batch; its shard, if any, is read and then deleted."""
        if self.file is not None:
            clock.switch("rdf")
            self.file.take(result)
        if self.store is not None:
            clock.switch("write")
            self.store.take(result)
        result.rdf.discard()
