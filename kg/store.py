"""A persistent graph store on disk: what ``kg build --store DIR`` writes and ``kg query`` reads.

Why a store at all: the files :mod:`kg.export` writes are built in memory, and a
corpus of many thousand articles outgrows it. An embedded Oxigraph store
(RocksDB underneath) keeps the graph on disk, answers SPARQL without loading
it, and takes new articles without rebuilding the old ones.

How the graph is laid out: one named graph per article, named by the article
IRI, exactly as :func:`kg.graph.build_dataset` names them. Each article graph
is self-contained (it repeats the description of the entities it mentions), so
rebuilding an article replaces its graph and nothing else: building the same
article twice leaves the store as it was. Queries see the union of the named
graphs as their default graph (pyoxigraph's ``use_default_graph_as_union``).

Why bulk writes: adding quads one by one through a transaction is several
times slower than Oxigraph's bulk loader, so graphs are converted to Oxigraph
quads in batches (IRIs cached, since a corpus reuses the same few thousand)
and written with ``bulk_extend``. Bulk writes are not transactional: a build
killed half way leaves the articles of its last batch missing or partial, and
building them again repairs the store.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.export import OxTerms, write_atomic
from kg.facts import ArticleFacts
from kg.graph import Triple, article_iri, bind_prefixes, decimal_literal, facts_to_graph
from kg.namespaces import DEFAULT_BASE

#: Quads converted before each bulk write: large enough for the bulk loader to
#: pay off, small enough (about 100 MB of Python objects) to stay far from memory limits.
BATCH_QUADS = 100_000


# --- Opening -----------------------------------------------------------------


def is_store(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a directory holding an Oxigraph (RocksDB) store."""
    path = Path(path)
    return path.is_dir() and (path / "CURRENT").is_file() and (path / "IDENTITY").is_file()


def open_store(path: str | os.PathLike[str], read_only: bool = True) -> ox.Store:
    """The store in directory ``path``: read-only (for queries) or writable (for builds).

    A read-only open never creates anything and raises ``FileNotFoundError``
    when ``path`` holds no store. A writable open creates the directory when it
    does not exist, and refuses a non-empty directory that is not a store (so a
    mistyped ``--store ~/Documents`` does not litter a folder with database
    files). Oxigraph allows one writer per store: a second one gets an
    ``OSError``. Reading a store while another process writes it is not safe.
    """
    path = Path(path)
    if read_only:
        if not is_store(path):
            raise FileNotFoundError(errno.ENOENT, "no graph store in this directory", str(path))
        return ox.Store.read_only(str(path))
    if path.exists():
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "a graph store is a directory, not a file", str(path))
        if any(path.iterdir()) and not is_store(path):
            raise FileExistsError(errno.EEXIST, "directory is not empty and holds no graph store", str(path))
    return ox.Store(str(path))


# --- Writing --------------------------------------------------------------------------


def _write_batch(store: ox.Store, names: list, quads: list[ox.Quad], replaced: set) -> None:
    """Drop the graphs of ``names`` not yet written by this call, then bulk-write ``quads``."""
    for name in names:
        if name not in replaced:
            replaced.add(name)
            if isinstance(name, ox.DefaultGraph):
                store.clear_graph(name)
            else:
                store.remove_graph(name)
    if quads:
        store.bulk_extend(quads)


def replace_graphs(store: ox.Store, graphs: Iterable[Graph], batch_quads: int = BATCH_QUADS) -> int:
    """Write each graph as the named graph ``graph.identifier``; return the quads written.

    What the store held under that name is replaced; every other graph is left
    alone. ``graphs`` may be a generator: only one batch of quads is in memory
    at a time. Two graphs with the same name in one call are both kept (added
    together), as :func:`kg.graph.build_dataset` would.
    """
    terms, replaced = OxTerms(), set()
    names: list = []
    quads: list[ox.Quad] = []
    written = 0
    for graph in graphs:
        name = terms.graph_name(graph.identifier)
        names.append(name)
        term = terms.term
        quads.extend(ox.Quad(term(s), term(p), term(o), name) for s, p, o in graph)
        if len(quads) >= batch_quads:
            _write_batch(store, names, quads, replaced)
            written += len(quads)
            names, quads = [], []
    _write_batch(store, names, quads, replaced)
    store.flush()
    return written + len(quads)


def replace_articles(
    store: ox.Store, articles: Iterable[tuple[URIRef, list[Triple]]], batch_quads: int = BATCH_QUADS
) -> int:
    """:func:`replace_graphs` for articles already mapped to triples (``kg.graph.article_triples``)."""
    terms, replaced = OxTerms(), set()
    names: list = []
    quads: list[ox.Quad] = []
    written = 0
    for iri, triples in articles:
        name = terms.iri(str(iri))
        names.append(name)
        quads.extend(terms.quad(t, name) for t in triples)
        if len(quads) >= batch_quads:
            _write_batch(store, names, quads, replaced)
            written += len(quads)
            names, quads = [], []
    _write_batch(store, names, quads, replaced)
    store.flush()
    return written + len(quads)


def remove_graphs(store: ox.Store, names: Iterable[str]) -> int:
    """Drop the named graphs ``names`` (IRIs); return how many there were."""
    removed = 0
    for name in names:
        node = ox.NamedNode(name)
        if store.contains_named_graph(node):
            store.remove_graph(node)
            removed += 1
    store.flush()
    return removed


# --- Which build each article graph comes from ------------------------------------------
#
# A store rebuild skips the articles whose text and pipeline have not changed:
# the store directory keeps, beside the database, the cache key
# (:func:`kg.cache.article_key`) of the build of each article graph. It is
# written after the graphs are flushed, so a build killed half way leaves keys
# that are missing (those articles are rebuilt), never keys that lie.

ARTICLE_KEYS_FILE = "kg-article-keys.json"


def article_keys(path: str | os.PathLike[str]) -> dict[str, str]:
    """Article IRI -> cache key of its graph in the store at ``path`` (empty when unknown)."""
    try:
        keys = json.loads((Path(path) / ARTICLE_KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def save_article_keys(path: str | os.PathLike[str], keys: dict[str, str]) -> None:
    data = json.dumps(dict(sorted(keys.items())), indent=0, ensure_ascii=False)
    write_atomic(Path(path) / ARTICLE_KEYS_FILE, data.encode("utf-8"))


def write_dataset(store: ox.Store, dataset: Dataset) -> int:
    """Every non-empty graph of ``dataset`` replaces the store's graph of that name.

    The quads are read in one pass over the dataset (rdflib reads a Dataset's
    graphs one by one several times slower), so the dataset is written as one
    batch: it is in memory anyway.
    """
    terms, names = OxTerms(), {}
    quads = []
    term = terms.term
    for s, p, o, name in dataset.quads((None, None, None, None)):
        graph = names.get(name)
        if graph is None:
            graph = names[name] = terms.graph_name(name)
        quads.append(ox.Quad(term(s), term(p), term(o), graph))
    _write_batch(store, list(names.values()), quads, set())
    store.flush()
    return len(quads)


def article_graphs(all_facts: Iterable[ArticleFacts], base: str = DEFAULT_BASE) -> Iterator[Graph]:
    """Each article's graph, named by its article IRI, one at a time.

    The same triples :func:`kg.graph.build_dataset` puts in that article's
    named graph, without ever holding the corpus in memory.
    """
    for facts in all_facts:
        graph = Graph(bind_namespaces="none", identifier=article_iri(facts.document.id, base))
        yield facts_to_graph(facts, base, graph)


def store_articles(
    store: ox.Store,
    all_facts: Iterable[ArticleFacts],
    base: str = DEFAULT_BASE,
    batch_quads: int = BATCH_QUADS,
) -> int:
    """Build each article's graph and write it to ``store``, replacing its earlier build."""
    return replace_graphs(store, article_graphs(all_facts, base), batch_quads)


# --- Reading back ----------------------------------------------------------------------


def graph_names(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs (the articles), sorted."""
    return sorted(str(name.value) for name in store.named_graphs())


def dump_nquads(store: ox.Store) -> bytes:
    """The whole store as N-Quads (named graphs and default graph), in store order."""
    return store.dump(format=ox.RdfFormat.N_QUADS)


def to_dataset(store: ox.Store, base: str = DEFAULT_BASE) -> Dataset:
    """The store as an rdflib Dataset (one named graph per article): for tests and exports.

    Oxigraph keeps an ``xsd:decimal`` as a number and writes it back in the
    XSD 1.1 canonical form ("150000000000"); the decimals are given back the
    lexical form :func:`kg.graph.decimal_literal` writes ("150000000000.0"), so
    the dataset is term for term the one ``kg build`` made in memory.

    Loads everything into memory: meant for stores that still fit, such as a
    check that the store holds what the in-memory build holds.
    """
    dataset = bind_prefixes(Dataset(), base)
    dataset.parse(data=dump_nquads(store), format="nquads")
    return kg_decimals(dataset)


def kg_decimals(graph: Graph) -> Graph:
    """``graph`` (a Graph or Dataset) with every ``xsd:decimal`` in kg's lexical form, in place.

    For graphs read back from Oxigraph, which writes "150000000000" where kg
    wrote "150000000000.0": the same number, but not the same RDF term.
    """
    if isinstance(graph, Dataset):
        found = [q for q in graph.quads((None, None, None, None)) if _is_decimal(q[2])]
    else:
        found = [t for t in graph if _is_decimal(t[2])]
    for old in found:
        kg_form = decimal_literal(Decimal(str(old[2])))
        if kg_form is not None and kg_form != old[2]:
            graph.remove(old)
            graph.add((old[0], old[1], kg_form, *old[3:]))
    return graph


def _is_decimal(term: object) -> bool:
    return isinstance(term, Literal) and term.datatype == XSD.decimal


def union_graph(store: ox.Store, base: str = DEFAULT_BASE) -> Graph:
    """The union of the store's graphs as one rdflib Graph (a set: repeats collapse)."""
    union = bind_prefixes(Graph(bind_namespaces="none"), base)
    for s, p, o, _ in to_dataset(store, base).quads((None, None, None, None)):
        union.add((s, p, o))
    return union
