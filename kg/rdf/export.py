"""Write graphs to files: deterministic bytes, written atomically.

Why not just ``graph.serialize(...)``? Because rdflib's output order is not
always stable across processes: N-Triples and N-Quads come out in store order,
TriG lists named graphs in set (hash) order, and JSON-LD lists nodes in set
order. Builds must be reproducible (the same facts give byte-identical files
whatever PYTHONHASHSEED is), so each format is normalised here:

* turtle: Oxigraph's writer, triples sorted by subject, predicate, object;
* nt, nquads: lines sorted;
* trig: Oxigraph's writer, the named graphs sorted by name, each as Turtle;
* json-ld: rdflib's conversion with a context built from the project's
  prefixes, then nodes sorted by ``@id`` and value arrays sorted.

Turtle, N-Triples and JSON-LD hold one graph, the union of the articles (see
:func:`kg.rdf.mapping.merge_graphs`); TriG and N-Quads keep one named graph per article.
The formats and their extensions are listed once, in :mod:`kg.rdf.formats`; the
network formats there (GraphML, GEXF) are not RDF and are written by
:func:`kg.network.projection.write_network`, which this module does not import.
Files are replaced atomically, so a failed run never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.plugins.serializers.jsonld import from_rdf

from kg.rdf import terms
from kg.rdf.formats import QUAD_FORMATS, RDF_FORMATS
from kg.rdf.mapping import bind_prefixes, merge_graphs
from kg.rdf.namespaces import DEFAULT_BASE, PREFIXES
from kg.rdf.terms import NtTriple, Term

# --- Graph or dataset -------------------------------------------------------


def base_of(graph: Graph) -> str:
    """The resource base a graph was built with: the IRI bound to prefix "r"."""
    return str(dict(graph.namespaces()).get("r", DEFAULT_BASE))


def named_graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty graphs of a dataset, sorted by name (hash order otherwise)."""
    graphs = {g.identifier: g for g in dataset.graphs() if len(g)}
    return [graphs[name] for name in sorted(graphs, key=str)]


def union(data: Graph) -> Graph:
    """A dataset's graphs merged into one; a plain graph as it is."""
    if isinstance(data, Dataset):
        return merge_graphs(named_graphs(data), base_of(data))
    return data


def as_dataset(data: Graph) -> Dataset:
    """A dataset as it is; a plain graph as the default graph of a new dataset."""
    if isinstance(data, Dataset):
        return data
    dataset = bind_prefixes(Dataset(), base_of(data))
    for triple in data:
        dataset.default_graph.add(triple)
    return dataset


def count(data: Graph, fmt: str) -> int:
    """How many triples (quads for TriG and N-Quads) ``fmt`` writes for ``data``.

    For a network format, the triples of the union it is projected from.
    """
    if fmt in QUAD_FORMATS:
        return sum(len(g) for g in named_graphs(as_dataset(data)))
    return len(union(data))


# --- One writer per format --------------------------------------------------


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted({line for line in data.splitlines() if line.strip()})
    return b"".join(line + b"\n" for line in lines)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _triple_key(triple: ox.Triple) -> tuple:
    """Sort key of a triple: subject, predicate, then the object's text, datatype and language."""
    o = triple.object
    if isinstance(o, ox.Literal):
        datatype = "" if o.language or o.datatype.value == _XSD_STRING else o.datatype.value
        obj = (o.value, f"{datatype}@{o.language or ''}")
    else:
        obj = (o.value, "")
    return (triple.subject.value, triple.predicate.value, obj)


def _turtle_prefixes(base: str) -> dict[str, str]:
    """The prefixes Turtle and TriG abbreviate with: not the resources' own ("r").

    Resource keys hold a "/" ("person/boris-pistorius"), which a prefixed name
    must escape (``r:person\\/boris-pistorius``); some stores' parsers reject
    that, so resources are written as full IRIs, as rdflib writes them.
    """
    return {p: str(ns) for p, ns in sorted(PREFIXES.items()) if p != "r"}


def ntriples_bytes_as(ntriples: bytes, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Sorted N-Triples (:meth:`kg.rdf.union.FileUnion.ntriples`) in format ``fmt``.

    Turtle is written by Oxigraph (many times faster than rdflib) in the
    order of the lines: sorted N-Triples keep each subject's triples together
    (an IRI holds no space or ">", so "<a> " sorts before "<a/b>"), which is
    all Turtle needs to group them, and the same lines give the same bytes.
    """
    if fmt == "nt":
        return ntriples
    if fmt == "turtle":
        triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_turtle_prefixes(base))
    return serialize(ntriples_to_graph(ntriples, base), fmt)


def ntriples_to_graph(ntriples: bytes, base: str = DEFAULT_BASE) -> Graph:
    """An rdflib graph of N-Triples, with the project's prefixes: for rdflib-only writers and SHACL."""
    graph = bind_prefixes(Graph(bind_namespaces="none"), base)
    return graph.parse(data=ntriples, format="nt")


def quads_bytes(
    graphs: Iterable[tuple[Term | None, Iterable[NtTriple]]], fmt: str, base: str = DEFAULT_BASE
) -> bytes:
    """Named graphs ``(name, triples)`` as N-Quads or TriG, sorted; a name of None is the default graph."""
    lines = [
        terms.line(triple) if name is None else terms.quad_line(triple, name)
        for name, triples in graphs
        for triple in triples
    ]
    return nquads_bytes_as("".join(lines).encode(), fmt, base)


def nquads_bytes_as(nquads: bytes, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """N-Quads lines in any order (:func:`kg.rdf.terms.quad_line`) as sorted N-Quads or TriG.

    What :func:`quads_bytes` writes, for quads that come as text: from worker
    processes, which map their articles to RDF themselves.
    """
    if fmt == "nquads":
        return _sorted_lines(nquads)
    if fmt == "trig":
        # The default graph first, then the named graphs by name, each sorted as Turtle is.
        quads = sorted(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), key=_quad_key)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_turtle_prefixes(base))
    raise ValueError(f"{fmt!r} is not a quad format written by Oxigraph")


def _quad_key(quad: ox.Quad) -> tuple:
    name = quad.graph_name
    return (not isinstance(name, ox.DefaultGraph), getattr(name, "value", ""), _triple_key(quad))


def _ntriples_of(graph: Graph) -> bytes:
    """An rdflib graph's triples as sorted N-Triples."""
    nt = terms.from_rdflib
    return _sorted_lines("".join(terms.line((nt(s), nt(p), nt(o))) for s, p, o in graph).encode())


def _graphs_of(dataset: Dataset) -> list[tuple[Term | None, list[NtTriple]]]:
    default, nt = dataset.default_graph.identifier, terms.from_rdflib
    return [
        (None if g.identifier == default else nt(g.identifier), [(nt(s), nt(p), nt(o)) for s, p, o in g])
        for g in named_graphs(dataset)
    ]


def _turtle(data: Graph) -> bytes:
    return ntriples_bytes_as(_ntriples_of(union(data)), "turtle", base_of(data))


def _nt(data: Graph) -> bytes:
    return _ntriples_of(union(data))


def _nquads(data: Graph) -> bytes:
    return quads_bytes(_graphs_of(as_dataset(data)), "nquads", base_of(data))


def _trig(data: Graph) -> bytes:
    return quads_bytes(_graphs_of(as_dataset(data)), "trig", base_of(data))


def jsonld_context(base: str) -> dict[str, str]:
    """The JSON-LD @context: the project's prefixes, "r" bound to ``base``."""
    return {p: (base if p == "r" else str(ns)) for p, ns in sorted(PREFIXES.items())}


def _canonical(value: Any) -> Any:
    """Sort every array (RDF values are sets): nodes by @id, others by their JSON."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _canonical(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=_sort_key)
    return value


def _sort_key(item: Any) -> tuple[str, str]:
    node_id = item.get("@id", "") if isinstance(item, dict) else ""
    return (str(node_id), json.dumps(item, sort_keys=True, ensure_ascii=False))


def _jsonld(data: Graph) -> bytes:
    graph = union(data)
    document = from_rdf(graph, context_data=jsonld_context(base_of(graph)))
    text = json.dumps(_canonical(document), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


_WRITERS: dict[str, Callable[[Graph], bytes]] = {
    "turtle": _turtle,
    "nt": _nt,
    "json-ld": _jsonld,
    "trig": _trig,
    "nquads": _nquads,
}


# --- Public API -------------------------------------------------------------


def serialize(dataset_or_graph: Graph, fmt: str) -> bytes:
    """``dataset_or_graph`` in RDF format ``fmt`` (see :mod:`kg.rdf.formats`), as stable bytes."""
    _check_format(fmt)
    return _WRITERS[fmt](dataset_or_graph)


def _check_format(fmt: str) -> None:
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: the old file survives any failure.

    The bytes go to a temporary file in the same directory (so the final rename
    stays on one file system), are flushed to disk, then replace ``path``.
    """
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable, where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_graph(path: str | os.PathLike[str], dataset: Graph, fmt: str = "turtle") -> int:
    """Serialize ``dataset`` to ``path`` atomically; return the triples (or quads) written.

    turtle, nt and json-ld write the union of the graphs; trig and nquads keep
    the named graphs.
    """
    _check_format(fmt)
    target = as_dataset(dataset) if fmt in QUAD_FORMATS else union(dataset)
    write_atomic(path, serialize(target, fmt))
    return count(target, fmt)
