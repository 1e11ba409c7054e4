"""A persistent graph store on disk: what ``kg build --store DIR`` writes and ``kg query`` reads.

Why a store at all: the files :mod:`kg.rdf.export` writes are built in memory, and a
corpus of many thousand articles outgrows it. An embedded Oxigraph store
(RocksDB underneath) keeps the graph on disk, answers SPARQL without loading
it, and takes new articles without rebuilding the old ones.

How the graph is laid out: one named graph per article, named by the article
IRI, exactly as :func:`kg.rdf.mapping.build_dataset` names them. Each article graph
is self-contained (it repeats the description of the entities it mentions), so
rebuilding an article replaces its graph and nothing else: building the same
article twice leaves the store as it was. Queries see the union of the named
graphs through the default graph, which holds their union (see below).

Why the default graph holds the union: queried as the bag of its named graphs
(pyoxigraph's ``use_default_graph_as_union``), a store answers once per article
repeating a triple. An entity's type and label sit in every article that
mentions it, so joins multiply by the thousand on a big corpus, and an entity
shows under every label some article gave it. So the default graph holds what
:class:`kg.rdf.mapping.Union` makes of the same articles for a file: each triple
once, one ``rdfs:label`` per node (the one most articles use; the others
become ``skos:altLabel``), ``dkg:mentionCount`` summed. Every build keeps it
so for the subjects its articles touch (:class:`UnionUpdate`); ``GRAPH ?g``
still reaches each article's own graph.

Why bulk writes of text: adding quads one by one through a transaction is
several times slower than Oxigraph's bulk loader, and making an Oxigraph quad
in Python costs microseconds. So articles are written as N-Quads lines
(:mod:`kg.rdf.terms`), in batches that Oxigraph's bulk loader parses. Bulk writes
are not transactional, so ``kg build --store`` writes them into a copy of the
store that it swaps in when it is complete (:mod:`kg.sparql.snapshots`): a
build killed at any point leaves the old state, and readers never see a half one.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDFS, SKOS, XSD

from kg.facts import ArticleFacts
from kg.rdf import terms
from kg.rdf.export import write_atomic
from kg.rdf.mapping import article_iri, bind_prefixes, decimal_literal, facts_to_graph
from kg.rdf.namespaces import DEFAULT_BASE, DKG
from kg.rdf.terms import NtTriple
from kg.rdf.union import UnionTally, mention_count, union_pairs
from kg.sparql.snapshots import LEGACY_KEYS_FILE, current_snapshot, database_directory, is_kg_file, keys_path

DEFAULT = ox.DefaultGraph()

#: Quads converted before each bulk write: large enough for the bulk loader to
#: pay off, small enough (about 100 MB of Python objects) to stay far from memory limits.
BATCH_QUADS = 100_000


# --- Opening -----------------------------------------------------------------


def is_store(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a directory holding an Oxigraph (RocksDB) store (snapshot or not)."""
    database = database_directory(path)
    return database.is_dir() and (database / "CURRENT").is_file() and (database / "IDENTITY").is_file()


def open_store(path: str | os.PathLike[str], read_only: bool = True) -> ox.Store:
    """The store in directory ``path``: read-only (for queries) or writable (for builds).

    A read-only open never creates anything and raises ``FileNotFoundError``
    when ``path`` holds no store. A writable open creates the directory when it
    does not exist, and refuses a non-empty directory that is not a store (so a
    mistyped ``--store ~/Documents`` does not litter a folder with database
    files). Oxigraph allows one writer per store: a second one gets an
    ``OSError``.

    A store ``kg build`` wrote keeps its state in a snapshot
    (:mod:`kg.sparql.snapshots`): both opens reach the current one. A
    writable open changes it in place, for tests and tools; a build writes a
    new snapshot instead, which is what makes reading during a build safe.
    """
    path = Path(path)
    if read_only:
        if not is_store(path):
            raise FileNotFoundError(errno.ENOENT, "no graph store in this directory", str(path))
        return ox.Store.read_only(str(database_directory(path)))
    if current_snapshot(path) is not None:
        return ox.Store(str(database_directory(path)))
    if path.exists():
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "a graph store is a directory, not a file", str(path))
        if any(not is_kg_file(entry.name) for entry in path.iterdir()) and not is_store(path):
            raise FileExistsError(errno.EEXIST, "directory is not empty and holds no graph store", str(path))
    return ox.Store(str(path))


# --- Writing --------------------------------------------------------------------------


def _write_batch(store: ox.Store, names: list[str | None], lines: list[str], replaced: set) -> None:
    """Drop the graphs of ``names`` this call has not written yet (None: the default); load ``lines``."""
    for name in names:
        if name not in replaced:
            replaced.add(name)
            if name is None:
                store.clear_graph(DEFAULT)
            else:
                store.remove_graph(ox.NamedNode(name))
    if lines:
        store.bulk_load(input="".join(lines).encode(), format=ox.RdfFormat.N_QUADS)


def replace_articles(
    store: ox.Store,
    articles: Iterable[tuple[str | None, list[NtTriple]]],
    batch_quads: int = BATCH_QUADS,
    union: UnionUpdate | None = None,
) -> int:
    """Write each article's triples (``kg.rdf.mapping.article_triples``) as the named graph of its IRI.

    What the store held under that name is replaced; every other graph is
    left alone. ``articles`` may be a generator: only one batch of quads is in
    memory at a time, as N-Quads lines that Oxigraph parses. Two graphs with
    the same name in one call are both kept (added together), as
    :func:`kg.rdf.mapping.build_dataset` would. A name of None is the default graph.

    Returns the article quads written. With ``union``, their union is kept in
    the default graph too (see :class:`UnionUpdate`).
    """
    replaced: set = set()
    names: list[str | None] = []
    lines: list[str] = []
    written = 0
    for iri, triples in articles:
        name = None if iri is None else str(iri)
        names.append(name)
        if name is None:
            lines.extend(map(terms.line, triples))
        else:
            graph = terms.iri(name)
            lines.extend(terms.quad_line(t, graph) for t in triples)
        written += len(triples)
        if union is not None and name is not None:
            union.note([name])
            lines.extend(
                map(terms.line, union.tally.copies(triples))
            )  # a line without a graph: the default graph
        if len(lines) >= batch_quads:
            _write_batch(store, names, lines, replaced)
            names, lines = [], []
    _write_batch(store, names, lines, replaced)
    store.flush()
    return written


def replace_graphs(store: ox.Store, graphs: Iterable[Graph], batch_quads: int = BATCH_QUADS) -> int:
    """:func:`replace_articles` for rdflib graphs: each is written as the named graph ``graph.identifier``."""
    return replace_articles(store, map(_named_triples, graphs), batch_quads)


def _named_triples(graph: Graph) -> tuple[str | None, list[NtTriple]]:
    nt, name = terms.from_rdflib, graph.identifier
    default = name is None or name == DATASET_DEFAULT_GRAPH_ID or isinstance(name, BNode)
    return None if default else str(name), [(nt(s), nt(p), nt(o)) for s, p, o in graph]


#: Quads a build must write before the store is compacted at its end (see :func:`compact`).
COMPACT_AFTER_QUADS = BATCH_QUADS


def compact(store: ox.Store, written: int) -> bool:
    """Compact the store after a build that bulk-loaded ``written`` quads; return whether it did.

    Why: every bulk load adds files that RocksDB reads side by side until it
    merges them, and a store loaded in many batches answers queries about half
    as fast as the same store compacted (a 10,000-article store: 10.1 s against
    4.9 s for most-quoted). Compacting rewrites the whole store, about 12 to 16 s
    at 10,000 articles, so a rebuild that writes less than ``COMPACT_AFTER_QUADS``
    (about 400 articles) skips it; the next big build compacts what they added.
    """
    if written < COMPACT_AFTER_QUADS:
        return False
    store.optimize()
    return True


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


# --- The union in the default graph ------------------------------------------------------

#: One subject's triples over the article graphs, with the graphs holding each:
#: grouped inside Oxigraph, so a subject that a thousand articles describe the
#: same way costs one row per distinct triple, not one Python object per quad.
_SUBJECT_PAIRS = "SELECT ?s ?p ?o (COUNT(?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o"
_S = ox.Variable("s")


def refresh_union(store: ox.Store, subjects: Iterable[ox.NamedNode | ox.BlankNode]) -> int:
    """Make the default graph hold the articles' union for ``subjects``; return the quads changed."""
    added: list[str] = []
    changed = 0
    for subject in subjects:
        seen: dict[tuple[str, str], int] = {}
        mentions: int | None = None
        for _, p, o, graphs in store.query(_SUBJECT_PAIRS, substitutions={_S: subject}):
            p, o = str(p), str(o)
            count = mention_count(p, o)
            if count is not None:
                mentions = (mentions or 0) + count * int(graphs.value)
            else:
                seen[(p, o)] = int(graphs.value)
        wanted = union_pairs(seen, mentions)
        held = {
            (str(q.predicate), str(q.object)): q
            for q in store.quads_for_pattern(subject, None, None, DEFAULT)
        }
        for pair in held.keys() - wanted:
            store.remove(held[pair])
            changed += 1
        node = str(subject)
        added.extend(terms.line((node, p, o)) for p, o in wanted - held.keys())
        if len(added) >= BATCH_QUADS:
            changed += _load(store, added)
    return changed + _load(store, added)


_PLAIN_TRIPLES = """
    CONSTRUCT { ?s ?p ?o } WHERE {
      GRAPH ?g { ?s ?p ?o }
      FILTER (?p != rdfs:label && ?p != skos:altLabel
              && (?p != dkg:mentionCount || DATATYPE(?o) != xsd:integer))
    }"""
_LABELS = """
    SELECT ?s ?p ?o (COUNT(?g) AS ?graphs) WHERE {
      VALUES ?p { rdfs:label skos:altLabel }
      GRAPH ?g { ?s ?p ?o }
    } GROUP BY ?s ?p ?o"""
_MENTIONS = """
    SELECT ?s (SUM(?n) AS ?mentions) WHERE {
      GRAPH ?g { ?s dkg:mentionCount ?n }
      FILTER (DATATYPE(?n) = xsd:integer)
    } GROUP BY ?s"""


def rebuild_union(store: ox.Store) -> int:
    """Recompute the whole default graph from the article graphs; return the quads it holds.

    For a store written by a kg that kept no union. It reads every quad back
    (some 20 µs each from disk), which a build avoids by copying each
    article's triples to the union as it writes them (:class:`UnionTally`).
    """
    prefixes = {"rdfs": str(RDFS), "skos": str(SKOS), "dkg": str(DKG), "xsd": str(XSD)}
    store.clear_graph(DEFAULT)
    plain = store.query(_PLAIN_TRIPLES, prefixes=prefixes).serialize(format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(input=plain, format=ox.RdfFormat.N_TRIPLES, to_graph=DEFAULT)
    tally = UnionTally()
    for s, p, o, graphs in store.query(_LABELS, prefixes=prefixes):
        tally.seen.setdefault(str(s), {})[(str(p), str(o))] = int(graphs.value)
    tally.mentions = {str(s): int(n.value) for s, n in store.query(_MENTIONS, prefixes=prefixes)}
    _load(store, [terms.line(t) for t in tally.settled()])
    store.flush()
    return sum(1 for _ in store.quads_for_pattern(None, None, None, DEFAULT))


def _load(store: ox.Store, lines: list[str]) -> int:
    """Write N-Triples ``lines`` to the default graph and empty the list.

    In bulk for many; for a few, a transaction (a bulk write costs some 0.1 s whatever its size).
    """
    count = len(lines)
    if lines:
        data = "".join(lines).encode()
        if count > 1000:
            store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=DEFAULT)
        else:
            store.load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=DEFAULT)
    lines.clear()
    return count


def graph_subjects(store: ox.Store, names: Iterable[ox.NamedNode]) -> set:
    """The subjects of the named graphs ``names`` (the missing ones have none)."""
    subjects: set = set()
    for name in names:
        subjects.update(quad.subject for quad in store.quads_for_pattern(None, None, None, name))
    return subjects


def has_union(store: ox.Store) -> bool:
    """Whether the default graph holds anything: in a kg store, the union of the article graphs."""
    return next(iter(store.quads_for_pattern(None, None, None, DEFAULT)), None) is not None


class UnionUpdate:
    """Keeps the default graph the union of the article graphs across one build.

    The writers tell it of each article graph before they replace or remove
    it (``note``), and feed the quads they write through ``tally.copies``.
    ``finish()`` then settles the union one of three ways:

    - every graph of the store was written by this build (a new store, a full
      rebuild): the default graph was emptied at the start and takes the
      copies and the tally's labels and counts, reading nothing back;
    - some articles changed: the subjects of their old and new graphs are
      recomputed from the store (:func:`refresh_union`), the rest is untouched;
    - the store comes from a kg that kept no union: all of it is recomputed
      (:func:`rebuild_union`, slow on big stores, once).
    """

    def __init__(self, store: ox.Store, changing: Iterable[str] | None = None) -> None:
        self.store, self.tally = store, UnionTally()
        existing = set(graph_names(store))
        self.names: set[str] = set()
        self.subjects: set = set()
        if not existing or (changing is not None and existing <= set(changing)):
            self.mode = "new"
            store.clear_graph(DEFAULT)
        else:
            self.mode = "update" if has_union(store) else "legacy"
            self.note(changing or ())

    def note(self, iris: Iterable[str]) -> None:
        """Remember what the article graphs ``iris`` hold now: they are about to change."""
        new = sorted(set(iris) - self.names)
        self.names.update(new)
        if self.mode == "update":
            self.subjects |= graph_subjects(self.store, [ox.NamedNode(iri) for iri in new])

    def finish(self) -> int:
        """Bring the union up to date; return the quads of the default graph written or removed."""
        store = self.store
        if self.mode == "legacy":
            return rebuild_union(store)
        if self.mode == "new":
            changed = _load(store, [terms.line(t) for t in self.tally.settled()])
            # Graphs this build did not write (an article it could not read) are merged in.
            kept = [ox.NamedNode(iri) for iri in graph_names(store) if iri not in self.names]
            changed += refresh_union(store, sorted(graph_subjects(store, kept), key=str)) if kept else 0
        else:
            names = [ox.NamedNode(iri) for iri in sorted(self.names)]
            changed = refresh_union(store, sorted(self.subjects | graph_subjects(store, names), key=str))
        store.flush()
        return changed


# --- Which build each article graph comes from ------------------------------------------
#
# A store rebuild skips the articles whose text and pipeline have not changed:
# the store directory keeps, beside the database, the cache key
# (:func:`kg.builder.cache.article_key`) of the build of each article graph. It is
# kept in the snapshot of the graphs they describe, written last, after the
# graphs are flushed, and swapped in with them (:mod:`kg.sparql.snapshots`):
# keys never describe graphs the store does not hold.

ARTICLE_KEYS_FILE = LEGACY_KEYS_FILE


def article_keys(path: str | os.PathLike[str]) -> dict[str, str]:
    """Article IRI -> cache key of its graph in the store at ``path`` (empty when unknown)."""
    return read_article_keys(keys_path(path))


def read_article_keys(file: Path) -> dict[str, str]:
    """The article keys saved in ``file`` (empty when missing or unreadable)."""
    try:
        keys = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def save_article_keys(file: str | os.PathLike[str], keys: dict[str, str]) -> None:
    """Write the article keys to ``file`` atomically (a temporary file renamed)."""
    data = json.dumps(dict(sorted(keys.items())), indent=0, ensure_ascii=False)
    write_atomic(Path(file), data.encode("utf-8"))


def write_dataset(store: ox.Store, dataset: Dataset) -> int:
    """Every non-empty graph of ``dataset`` replaces the store's graph of that name.

    The quads are read in one pass over the dataset (rdflib reads a Dataset's
    graphs one by one several times slower), so the dataset is written as one
    batch: it is in memory anyway.
    """
    nt = terms.from_rdflib
    graphs: dict[str | None, list[NtTriple]] = {}
    for s, p, o, name in dataset.quads((None, None, None, None)):
        name = getattr(name, "identifier", name)  # a Graph or its name, by rdflib version
        default = name is None or name == DATASET_DEFAULT_GRAPH_ID
        graphs.setdefault(None if default else str(name), []).append((nt(s), nt(p), nt(o)))
    return replace_articles(store, graphs.items(), batch_quads=sum(map(len, graphs.values())) + 1)


def article_graphs(all_facts: Iterable[ArticleFacts], base: str = DEFAULT_BASE) -> Iterator[Graph]:
    """Each article's graph, named by its article IRI, one at a time.

    The same triples :func:`kg.rdf.mapping.build_dataset` puts in that article's
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
    """The store's article graphs as an rdflib Dataset (one named graph each): for tests and exports.

    Oxigraph keeps an ``xsd:decimal`` as a number and writes it back in the
    XSD 1.1 canonical form ("150000000000"); the decimals are given back the
    lexical form :func:`kg.rdf.mapping.decimal_literal` writes ("150000000000.0"), so
    the dataset is term for term the one ``kg build`` made in memory.

    Loads everything into memory: meant for stores that still fit, such as a
    check that the store holds what the in-memory build holds.
    """
    dataset = bind_prefixes(Dataset(), base)
    articles = (quad for quad in store if quad.graph_name != DEFAULT)
    dataset.parse(data=ox.serialize(articles, format=ox.RdfFormat.N_QUADS), format="nquads")
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
        kg_form = terms.to_rdflib(kg_form) if kg_form is not None else None
        if kg_form is not None and kg_form != old[2]:
            graph.remove(old)
            graph.add((old[0], old[1], kg_form, *old[3:]))
    return graph


def _is_decimal(term: object) -> bool:
    return isinstance(term, Literal) and term.datatype == XSD.decimal


def union_graph(store: ox.Store, base: str = DEFAULT_BASE) -> Graph:
    """The union of the store's article graphs as one rdflib Graph: the default graph, when it holds it."""
    union = bind_prefixes(Graph(bind_namespaces="none"), base)
    if has_union(store):
        union.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DEFAULT), format="nt")
        return kg_decimals(union)
    for s, p, o, _ in to_dataset(store, base).quads((None, None, None, None)):
        union.add((s, p, o))
    return union
