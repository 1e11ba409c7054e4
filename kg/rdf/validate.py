"""Check graphs against the SHACL shapes of ``ontology/shapes.ttl``.

Why this module exists, and is shaped the way it is:

* **The vocabulary is a contract; the shapes make it executable.** SPARQL
  users, the HTML view and the scorer rely on one label per entity, one
  speaker per statement, provenance on every fact... A graph that breaks one
  of these still parses, so only a validator notices.
* **Reports are for people.** pySHACL answers with an RDF results graph;
  :class:`Violation` turns each result into one line with compact IRIs, the
  focus node's label and the shape's own English message.
* **No inference.** ``kg`` types every node with its core class, so the shapes
  check what is written, and validation stays fast enough to run on every
  ``kg build``.
* **A dataset is validated one named graph at a time.** Each article's graph
  in a TriG or N-Quads file is self-contained, with that article's labels and
  counts; their raw union (what pySHACL would check) is not a graph ``kg``
  ever writes: the same entity would carry each article's label.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node
from rdflib.util import guess_format

from kg.facts import fact_kinds
from kg.rdf.export import named_graphs, ntriples_to_graph
from kg.rdf.formats import FORMATS, QUAD_FORMATS, by_name, rdf_from_path
from kg.rdf.namespaces import DEFAULT_BASE, DKG, PREFIXES
from kg.rdf.shacl_data import LABEL as GRAPH_LABEL
from kg.rdf.shacl_data import GraphIndex
from kg.rdf.shacl_engine import (
    Checker,
    CompiledShapes,
    Result,
    UnsupportedShapes,
    bnode_or_rdflib,
    compile_shapes,
)
from kg.rdf.vocab import SHAPES_FILE, kind_ontologies

SH = Namespace("http://www.w3.org/ns/shacl#")
DKGSH = Namespace("https://w3id.org/defense-kg/shapes#")

#: The shapes file as summaries name it.
SHAPES_NAME = "ontology/shapes.ttl"


MAX_VALUE = 60  # characters of a literal value shown in a line
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class GraphReadError(Exception):
    """A graph file that cannot be read or parsed; ``str()`` is one line naming it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, ready to print. IRIs are compact (``r:person/x``)."""

    graph: str  # the named graph it was found in; "" for a plain graph
    focus: str
    path: str  # "" when the shape constrains the node itself
    message: str
    value: str = ""
    label: str = ""  # the focus node's rdfs:label, when it has one
    severity: str = "Violation"
    shape: str = ""  # "dkgsh:StatementSpeaker", or "dkgsh:ArticleShape[title]" for an inline shape
    component: str = ""  # "sh:MinCountConstraintComponent"

    def line(self) -> str:
        """``Kubilius (r:person/andrius-kubilius)  rdfs:label  — Each entity has ...``."""
        node = f"{self.label} ({self.focus})" if self.label else self.focus
        where = "  ".join(part for part in (self.path, self.value) if part)
        head = f"{node}  {where}" if where else node
        prefix = f"{self.graph}: " if self.graph else ""
        level = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{level}{prefix}{head}  — {self.message}"


@dataclass
class ValidationReport:
    """The outcome of validating one graph: its violations and figures."""

    violations: list[Violation] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    shapes: str = SHAPES_NAME

    @property
    def conforms(self) -> bool:
        """True when nothing of severity Violation was found (warnings are allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    def lines(self) -> list[str]:
        return [v.line() for v in self.violations]

    def summary(self) -> str:
        """``474 triples, valid against ontology/shapes.ttl in 0.3 s``, or the count of violations."""
        if self.conforms:
            return f"{self.triples} triples, valid against {self.shapes} in {self.seconds:.1f} s"
        nodes = len({(v.graph, v.focus) for v in self.errors})
        return (
            f"{self.triples} triples, {_plural(len(self.errors), 'SHACL violation')} "
            f"on {_plural(nodes, 'node')} (against {self.shapes}, {self.seconds:.1f} s)"
        )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- Shapes -----------------------------------------------------------------


@cache
def _parsed_shapes(paths: tuple[str, ...], fact_classes: tuple[str, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    _allow_provenance_on(graph, fact_classes)
    return graph


def load_shapes(path: str | Path | None = None) -> Graph:
    """The shapes graph, parsed once per process.

    By default ``ontology/shapes.ttl`` with the shapes of the fact kinds that
    bring terms of their own (:func:`kg.rdf.vocab.kind_ontologies`).
    """
    targets = [Path(path)] if path is not None else [SHAPES_FILE, *kind_ontologies()]
    fact_classes = tuple(kind.rdf_class for kind in fact_kinds())
    try:
        return _parsed_shapes(tuple(str(target.resolve()) for target in targets), fact_classes)
    except (OSError, ValueError, SyntaxError) as exc:
        raise GraphReadError(str(targets[0]), f"cannot read the shapes: {_one_line(exc)}") from None


def _allow_provenance_on(shapes: Graph, fact_classes: tuple[str, ...]) -> None:
    """Add each fact kind's class to ``dkgsh:SourcedClass``, the classes that may carry provenance.

    That shape is a closed list (it catches a fact written without its type
    and provenance on an entity), so a kind registered besides the built-in
    ones, whose classes it already names, must be added to it.
    """
    members = shapes.value(DKGSH.SourcedClass, SH["in"])
    if members is None:
        return  # other shapes (--shapes FILE)
    listed = Collection(shapes, members)
    for name in fact_classes:
        if DKG[name] not in listed:
            listed.append(DKG[name])


def shapes_name(path: str | Path | None) -> str:
    return SHAPES_NAME if path is None else str(path)


# --- Validation -------------------------------------------------------------


#: The engines: kg's compiled one (:mod:`kg.rdf.shacl_engine`), which falls back to
#: pySHACL for shapes it cannot run, and pySHACL, the reference.
ENGINES = ("compiled", "pyshacl")


def validate(data: Graph, *, shapes: str | Path | None = None, engine: str = "compiled") -> ValidationReport:
    """Validate ``data`` (a graph, or a dataset graph by graph) against the shapes."""
    shapes_graph = load_shapes(shapes)
    started = time.perf_counter()
    report = ValidationReport(shapes=shapes_name(shapes))
    compiled = _compiled_or_none(shapes_graph, engine)
    for graph, name in _graphs(data):
        report.triples += len(graph)
        if compiled is None:
            report.violations.extend(_validate_one(graph, shapes_graph, name, report.shapes))
        else:
            index = GraphIndex.from_ntriples(_canonical_ntriples(graph), compiled.index_filter())
            report.violations.extend(
                _compiled_violations(compiled, index, shapes_graph, _namespaces(graph), name)
            )
    report.violations.sort()
    report.seconds = time.perf_counter() - started
    return report


def validate_ntriples(
    ntriples: bytes, *, base: str = DEFAULT_BASE, shapes: str | Path | None = None, engine: str = "compiled"
) -> ValidationReport:
    """Validate N-Triples as kg and Oxigraph write them (what a build wrote), without rdflib when it can."""
    shapes_graph = load_shapes(shapes)
    compiled = _compiled_or_none(shapes_graph, engine)
    if compiled is None:
        return validate(ntriples_to_graph(ntriples, base), shapes=shapes, engine="pyshacl")
    started = time.perf_counter()
    report = ValidationReport(shapes=shapes_name(shapes))
    with _no_garbage_collection():
        index = GraphIndex.from_ntriples(ntriples, compiled.index_filter())
        report.triples = index.triples
        report.violations = sorted(_compiled_violations(compiled, index, shapes_graph, _names_for(base), ""))
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """The index is millions of strings, lists and dicts, none in a cycle: without this, the
    collector walks every object of the build (its union too) again and again as they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_COMPILED: dict[int, tuple[Graph, CompiledShapes | None]] = {}


def _compiled_or_none(shapes_graph: Graph, engine: str) -> CompiledShapes | None:
    """The shapes compiled for kg's engine; None for pySHACL (asked for, or shapes it cannot run)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return None
    known = _COMPILED.get(id(shapes_graph))
    if known is None or known[0] is not shapes_graph:
        try:
            compiled: CompiledShapes | None = compile_shapes(shapes_graph)
        except UnsupportedShapes:
            compiled = None  # pySHACL runs them
        known = _COMPILED[id(shapes_graph)] = (shapes_graph, compiled)
    return known[1]


def _canonical_ntriples(graph: Graph) -> bytes:
    """An rdflib graph as Oxigraph's N-Triples, whose terms are the engine's keys."""
    written = graph.serialize(format="nt", encoding="utf-8")
    return (
        ox.serialize(ox.parse(written, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES) or b""
    )


def _compiled_violations(
    compiled: CompiledShapes, index: GraphIndex, shapes: Graph, names: Names, graph_name: str
) -> set[Violation]:
    """The engine's violations; pySHACL's when the data needs what it lacks (sh:lessThan on a blank node)."""
    try:
        results = Checker(compiled, index).run()
    except UnsupportedShapes:
        graph = ntriples_to_graph(index.ntriples(None, None), names_base(names))
        return set(_validate_one(graph, shapes, graph_name, SHAPES_NAME))
    return {_result_violation(r, index, shapes, names, graph_name) for r in results}


def names_base(names: Names) -> str:
    return next(namespace for namespace, prefix in names if prefix == "r")


def _result_violation(
    result: Result, data: GraphIndex, shapes: Graph, names: Names, graph_name: str
) -> Violation:
    focus = bnode_or_rdflib(result.focus)
    value = bnode_or_rdflib(result.value) if result.value is not None else None
    labels = sorted(str(bnode_or_rdflib(label)) for label in data.objects(result.focus, GRAPH_LABEL))
    return Violation(
        graph=graph_name,
        focus=_compact(focus, names),
        path=_path(shapes, result.path, names) if result.path is not None else "",
        message=result.message,
        value=_compact(value, names) if value is not None and value != focus else "",
        label=labels[0] if labels else "",
        severity=SEVERITIES.get(result.severity, str(result.severity)),
        shape=_shape(shapes, result.shape, names),
        component=_compact(result.component, names),
    )


def _graphs(data: Graph) -> list[tuple[Graph, str]]:
    """The graphs to validate, each with the name its violations are reported under."""
    if not isinstance(data, Dataset):
        return [(data, "")]
    names = _namespaces(data)
    default = data.default_graph.identifier
    return [
        (graph, "" if graph.identifier == default else _compact(graph.identifier, names))
        for graph in named_graphs(data)
    ]


def _validate_one(graph: Graph, shapes_graph: Graph, name: str, shapes_file: str) -> list[Violation]:
    # pySHACL takes half a second to import: only when something is validated.
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ReportableRuntimeError

    try:
        _, results, _ = shacl_validate(
            graph,
            shacl_graph=shapes_graph,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
        )
    except ReportableRuntimeError as exc:  # a shapes file that is not SHACL pySHACL can run
        raise GraphReadError(shapes_file, f"cannot be used as SHACL shapes: {_one_line(exc)}") from None
    names = _namespaces(graph)
    found = {_violation(results, result, graph, shapes_graph, names, name) for result in _results(results)}
    return sorted(found)


def _results(results: Graph) -> list[Node]:
    """The report's own results, not the nested ones pySHACL attaches as sh:detail."""
    return [
        result
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for result in results.objects(report, SH.result)
    ]


def _violation(
    results: Graph, result: Node, data: Graph, shapes: Graph, names: Names, graph_name: str
) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    return Violation(
        graph=graph_name,
        focus=_compact(focus, names),
        path=_path(results, path, names) if path is not None else "",
        message=_message(results, result),
        value=_compact(value, names) if value is not None and value != focus else "",
        label=_label(data, focus),
        severity=SEVERITIES.get(severity, str(severity)),
        shape=_shape(shapes, results.value(result, SH.sourceShape), names),
        component=_compact(results.value(result, SH.sourceConstraintComponent), names),
    )


def _message(results: Graph, result: Node) -> str:
    """The shape's own sh:message when it has one, else pySHACL's."""
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    return messages[0] if messages else "does not conform"


def _label(data: Graph, node: Node | None) -> str:
    labels = sorted(str(label) for label in data.objects(node, RDFS.label)) if node is not None else []
    return labels[0] if labels else ""


def _shape(shapes: Graph, shape: Node | None, names: Names) -> str:
    """A named shape's compact IRI; an inline one as ``<its node shape>[<its sh:name>]``."""
    if shape is None:
        return ""
    if not isinstance(shape, BNode):
        return _compact(shape, names)
    parent = shapes.value(predicate=SH.property, object=shape)
    name = shapes.value(shape, SH.name)
    owner = _compact(parent, names) if parent is not None else "_"
    return f"{owner}[{name}]" if name is not None else owner


# --- Printing terms ---------------------------------------------------------

Names = list[tuple[str, str]]  # (namespace, prefix), longest namespace first


def _namespaces(graph: Graph) -> Names:
    """The project's prefixes, "r" bound to the graph's own base, plus sh: and dkgsh:."""
    return _names_for(str(dict(graph.namespaces()).get("r") or DEFAULT_BASE))


def _names_for(base: str) -> Names:
    bound = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    bound["r"] = base
    bound.update(sh=str(SH), dkgsh=str(DKGSH))
    return sorted(((ns, prefix) for prefix, ns in bound.items()), key=lambda item: -len(item[0]))


def _compact(node: Node | None, names: Names) -> str:
    """``r:person/andrius-kubilius`` for a resource IRI (for reading, not for parsing back)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for namespace, prefix in names:
            if node.startswith(namespace) and len(node) > len(namespace):
                return f"{prefix}:{node[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        return _literal(node, names)
    return f"_:{node}"


def _literal(literal: Literal, names: Names) -> str:
    text = str(literal)
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    shown = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if literal.language:
        return f"{shown}@{literal.language}"
    if literal.datatype is not None:
        return f"{shown}^^{_compact(literal.datatype, names)}"
    return shown


def _path(results: Graph, path: Node, names: Names) -> str:
    """A SHACL property path in SPARQL syntax: ``^dkg:holdsRole``, ``dkg:speaker/rdf:type``."""
    if isinstance(path, URIRef):
        return _compact(path, names)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(results, inverse, names)
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(results, p, names) for p in Collection(results, alternatives)) + ")"
    for modifier, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = results.value(path, modifier)
        if inner is not None:
            return _path(results, inner, names) + mark
    if results.value(path, RDF.first) is not None:
        return "/".join(_path(results, p, names) for p in Collection(results, path))
    return _compact(path, names)


# --- Files ------------------------------------------------------------------


def parser_for(path: str | Path, format: str | None = None) -> str:
    """The rdflib parser for ``path``: ``format`` when given, else from the extension.

    kg's format names are rdflib's parser names (:mod:`kg.rdf.formats`); a file
    of another RDF syntax (``.rdf``, ``.n3``) is read as rdflib guesses it.
    """
    if format:
        return format
    suffix = Path(path).suffix.lower()
    known = rdf_from_path(path)
    found = known.name if known is not None else guess_format(str(path))
    if not found:
        raise GraphReadError(
            str(path), f"cannot tell the format from {suffix or 'no'} extension; pass --format"
        )
    return found


def read_graph(path: str | Path, format: str | None = None) -> Graph:
    """The graph in ``path`` (a Dataset for TriG and N-Quads), or a one-line GraphReadError."""
    source = Path(path)
    if not source.is_file():
        reason = "is a directory, not a graph file" if source.is_dir() else "no such file"
        raise GraphReadError(str(path), reason)
    parser = parser_for(path, format)
    data: Graph = Dataset() if parser in QUAD_FORMATS else Graph()
    try:
        data.parse(source, format=parser)
    except Exception as exc:  # noqa: BLE001 - any parser's failure is one bad file, reported in one line
        raise GraphReadError(str(path), f"cannot parse as {parser}: {_one_line(exc)}") from None
    return data


def validate_file(
    path: str | Path,
    *,
    format: str | None = None,
    shapes: str | Path | None = None,
    engine: str = "compiled",
) -> ValidationReport:
    """Read ``path`` and validate it; GraphReadError when it cannot be read.

    With the compiled engine, a file of a format Oxigraph reads is loaded into
    an in-memory store and each graph dumped as N-Triples for the engine:
    rdflib would take longer to parse a million triples than the check takes.
    """
    compiled = _compiled_or_none(load_shapes(shapes), engine)
    parser = parser_for(path, format) if Path(path).is_file() else ""
    known = by_name(parser).oxigraph if parser in FORMATS else None
    if compiled is None or known is None:
        return validate(read_graph(path, format), shapes=shapes, engine=engine)
    started = time.perf_counter()
    store = _oxigraph_store(Path(path), parser, known)
    names = _names_for(_bound_base(Path(path)))
    report = ValidationReport(shapes=shapes_name(shapes))
    shapes_graph = load_shapes(shapes)
    for graph, name in _store_graphs(store, names):
        with _no_garbage_collection():
            index = GraphIndex.from_ntriples(
                store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
            )
            report.triples += index.triples
            report.violations.extend(_compiled_violations(compiled, index, shapes_graph, names, name))
    report.violations.sort()
    report.seconds = time.perf_counter() - started
    return report


def _oxigraph_store(path: Path, parser: str, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphReadError(str(path), f"cannot parse as {parser}: {_one_line(exc)}") from None
    return store


def _store_graphs(store: ox.Store, names: Names) -> list[tuple[Any, str]]:
    """The non-empty graphs of a store, named as :func:`_graphs` names them."""
    found: list[tuple[Any, str]] = []
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        found.append((ox.DefaultGraph(), ""))
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        node = URIRef(graph.value) if isinstance(graph, ox.NamedNode) else BNode(graph.value)
        found.append((graph, _compact(node, names)))
    return found


_R_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+r:\s*<([^>]*)>", re.IGNORECASE)


def _bound_base(path: Path) -> str:
    """The namespace a Turtle or TriG file binds to ``r:`` (kg writes its base there), else kg's default."""
    with path.open("rb") as file:
        head = file.read(1 << 16).decode("utf-8", errors="replace")
    found = _R_PREFIX.search(head)
    return found.group(1) if found else DEFAULT_BASE


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = " ".join(lines) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"
