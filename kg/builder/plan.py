"""What a build does with each article: skip it, take its facts from the cache, or extract them.

The plan is made once, in the build's own process, whatever the engine:
every article is read (:func:`kg.read.documents.read_sources`, which also
makes the ids unique across the corpus) and keyed by its text and the
pipeline's version (:func:`kg.builder.cache.article_key`). Then

* a build into a store alone skips an article the store holds built under
  the same key (``unchanged``);
* an article whose facts the fact cache holds is taken from it (``cached``);
* the others are extracted (``todo``), in batches the engine runs
  (:meth:`Plan.batches`).

The plan also keeps what the store must learn at the end: the key of each
article graph it holds, and which graphs are stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.builder.batches import Batch, BatchResult, Products, describe
from kg.builder.cache import FactCache, article_key, pipeline_version
from kg.builder.options import BuildOptions
from kg.builder.report import BuildReport
from kg.facts import ArticleFacts, Document
from kg.rdf.mapping import article_iri
from kg.read.documents import DocumentError, read_sources
from kg.sparql.store import article_keys

__all__ = ["CACHED_BATCH", "Plan", "read_plan"]

#: Cached articles described at once: their RDF is made here, a batch at a time.
CACHED_BATCH = 64


@dataclass
class Plan:
    """Every readable article of a build, and what to do with it."""

    base: str
    #: The articles to extract, in corpus order.
    todo: list[Document] = field(default_factory=list)
    #: The facts of the articles the fact cache holds, in corpus order.
    cached: list[ArticleFacts] = field(default_factory=list)
    #: (id, path) -> cache key, of every article to build (cached or to extract).
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Article IRI -> key of its graph in the store, as the store said (store-only builds).
    stored_keys: dict[str, str] = field(default_factory=dict)
    #: Article IRI -> key, of what the store holds after this build.
    built_keys: dict[str, str] = field(default_factory=dict)
    #: IRIs of the articles the store holds as they are.
    unchanged: set[str] = field(default_factory=set)
    #: Sources that could not be read: their old graphs must stay.
    unreadable: int = 0

    def batches(
        self,
        cut: Callable[[list[Document]], list[list[Document]]],
        products: Products,
        options: BuildOptions,
        shards: Path | None = None,
    ) -> Iterator[Batch]:
        """The articles to extract, cut by the engine; with ``shards``, each batch writes a shard there."""
        folder = options.cache_folder
        for index, documents in enumerate(cut(self.todo)):
            yield Batch(
                documents,
                [self.keys[(d.id, d.path)] for d in documents],
                self.base,
                products,
                options.spacy_model,
                cache=str(folder) if folder is not None else None,
                shard=str(shards / f"part-{index:05d}.nq") if shards is not None else None,
            )

    def cached_results(self, products: Products) -> Iterator[BatchResult]:
        """The cached articles, described as a batch would describe them, a few at a time."""
        for start in range(0, len(self.cached), CACHED_BATCH):
            facts = self.cached[start : start + CACHED_BATCH]
            keys = [self.keys[(f.document.id, f.document.path)] for f in facts]
            yield describe(facts, keys, self.base, products)

    def built(self, document_id: str, key: str) -> None:
        """The article ``document_id`` is built under ``key``."""
        self.built_keys[str(article_iri(document_id, self.base))] = key

    def changing(self, existing: Iterable[str]) -> set[str]:
        """The article graphs this build may write or remove: all but the unchanged ones.

        ``existing`` are the graphs the store holds before the build.
        """
        building = {str(article_iri(f.document.id, self.base)) for f in self.cached}
        building.update(str(article_iri(d.id, self.base)) for d in self.todo)
        return (set(existing) | building) - self.unchanged

    def stale(self, existing: Iterable[str]) -> list[str]:
        """The graphs of articles no longer in the corpus; none when some article could not be read."""
        if self.unreadable:
            return []
        return sorted(set(existing) - set(self.built_keys))

    def keys_to_save(self, pruned: bool) -> dict[str, str]:
        """The article keys the store keeps after this build (:func:`kg.sparql.store.save_article_keys`)."""
        kept = {} if pruned and not self.unreadable else self.stored_keys
        return kept | self.built_keys


def read_plan(
    sources: list[Path], options: BuildOptions, report: BuildReport, on_error: Callable[[str], None]
) -> Plan:
    """Read every article of ``sources`` and decide what to do with it; count the skipped and cached."""
    folder = options.cache_folder
    cache = FactCache(folder) if folder is not None else None
    plan = Plan(options.base)
    plan.stored_keys = article_keys(options.store) if options.skips_unchanged else {}  # type: ignore[arg-type]
    version = pipeline_version(options.spacy_model)
    for item in read_sources(sources, lang_any=options.lang_any):
        if isinstance(item, DocumentError):
            plan.unreadable += 1
            on_error(str(item))
            continue
        key = article_key(item, version)
        iri = str(article_iri(item.id, options.base))
        if plan.stored_keys.get(iri) == key:
            plan.built_keys[iri] = key
            plan.unchanged.add(iri)
            report.unchanged += 1
            continue
        plan.keys[(item.id, item.path)] = key
        facts = cache.get(key, item) if cache is not None else None
        if facts is not None:
            plan.cached.append(facts)
            plan.built_keys[iri] = key
            report.cached += 1
        else:
            plan.todo.append(item)
    return plan
