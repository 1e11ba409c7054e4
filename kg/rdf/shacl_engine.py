"""kg's compiled SHACL engine: the shapes kg uses, checked over a :class:`~kg.rdf.shacl_data.GraphIndex`.

Why an engine of our own: pySHACL took 33 s on the 199k triples of 1,000
benchmark articles that the build wrote in 4 s (issue 22), because it walks
every shape for every focus node through rdflib. The shapes of
``ontology/shapes.ttl`` use a small part of SHACL; compiled once into
:class:`Shape` objects, they run as dictionary lookups over N-Triples terms,
and the same focus and value nodes are found once per shape, not once per
constraint.

What it must never do is pass a graph pySHACL would reject: :func:`compile_shapes`
refuses (:class:`UnsupportedShapes`) any shape that uses a SHACL feature it
does not implement, any shape it would report without an ``sh:message`` (pySHACL's
generated messages are not reproduced), and the caller then falls back to
pySHACL. Each constraint follows pySHACL's reading of the specification (which
value is reported, how literals compare, when a datatype is ill-typed), and
``tests/test_validate_diff.py`` checks that both engines find the same violations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg.rdf import terms
from kg.rdf.shacl_data import LABEL, RDF_TYPE, SUBCLASS_OF, GraphIndex
from kg.rdf.terms import Term

SH = "http://www.w3.org/ns/shacl#"


def sh(name: str) -> URIRef:
    return URIRef(SH + name)


#: sh: properties a shape may carry that change no result (documentation, forms).
IGNORED = {sh(name) for name in ("name", "description", "order", "group", "defaultValue")}
TARGETS = {sh(name) for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
#: sh: properties the engine implements; a shape with any other one is refused.
KNOWN = (
    IGNORED
    | TARGETS
    | {
        sh(name)
        for name in [
            "property",
            "path",
            "message",
            "severity",
            "minCount",
            "maxCount",
            "class",
            "datatype",
            "nodeKind",
            "pattern",
            "in",
            "hasValue",
            "minInclusive",
            "or",
            "node",
            "qualifiedValueShape",
            "qualifiedMinCount",
            "qualifiedMaxCount",
            "disjoint",
            "lessThan",
            "uniqueLang",
            "sparql",
        ]
    }
)
VIOLATION = sh("Violation")


class UnsupportedShapes(Exception):
    """The shapes use SHACL this engine does not implement: validate with pySHACL instead."""


@dataclass(frozen=True)
class Result:
    """One violation found: the terms are N-Triples text, the shape parts rdflib nodes of the shapes graph."""

    focus: Term
    path: Node | None  # the shape's sh:path node, for printing
    value: Term | None
    shape: Node
    component: URIRef
    message: str
    severity: URIRef


# --- Paths --------------------------------------------------------------------

#: A compiled path: the distinct values of a focus node.
PathFn = Callable[[GraphIndex, Term], list[Term]]


def _compile_path(shapes: Graph, path: Node, wanted: set[Term]) -> PathFn:
    if isinstance(path, URIRef):
        predicate = terms.iri(str(path))
        wanted.add(predicate)
        return lambda data, focus: data.objects(focus, predicate)  # type: ignore[return-value]
    inverse = shapes.value(path, sh("inversePath"))
    if isinstance(inverse, URIRef):
        predicate = terms.iri(str(inverse))
        wanted.add(predicate)
        return lambda data, focus: data.subjects(predicate, focus)  # type: ignore[return-value]
    alternatives = shapes.value(path, sh("alternativePath"))
    if alternatives is not None:
        parts = [_compile_path(shapes, p, wanted) for p in Collection(shapes, alternatives)]
        return lambda data, focus: _distinct(v for part in parts for v in part(data, focus))
    if shapes.value(path, RDF.first) is not None and len(set(shapes.predicate_objects(path))) == 2:
        steps = [_compile_path(shapes, p, wanted) for p in Collection(shapes, path)]
        return lambda data, focus: _sequence(steps, data, focus)
    raise UnsupportedShapes(f"the path {path} (only predicates, inverse, alternative and sequence paths)")


def _distinct(values: Iterable[Term]) -> list[Term]:
    return list(dict.fromkeys(values))


def _sequence(steps: list[PathFn], data: GraphIndex, focus: Term) -> list[Term]:
    nodes = [focus]
    for step in steps:
        nodes = _distinct(v for node in nodes for v in step(data, node))
    return nodes


# --- Constraints -----------------------------------------------------------------

#: What a constraint says of one focus node and its value nodes: the values reported
#: (None for a result without sh:value).
Failures = Iterator[Term | None]


@dataclass
class Constraint:
    component: URIRef

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        raise NotImplementedError


@dataclass
class MinCount(Constraint):
    count: int

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        if len(values) < self.count:
            yield None


@dataclass
class MaxCount(Constraint):
    count: int

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        if len(values) > self.count:
            yield None


@dataclass
class ValueTest(Constraint):
    """A constraint on each value node alone: reports the values that fail ``test``."""

    test: Callable[[Checker, Term], bool]

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        for value in values:
            if not self.test(engine, value):
                yield value


@dataclass
class HasValue(Constraint):
    wanted: Term

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        if self.wanted not in values:
            yield None


@dataclass
class Qualified(Constraint):
    shape: Shape
    low: int | None
    high: int | None

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        count = sum(1 for value in values if engine.conforms(self.shape, value))
        if (self.low is not None and count < self.low) or (self.high is not None and count > self.high):
            yield None


@dataclass
class Disjoint(Constraint):
    predicate: Term

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        others = engine.data.objects(focus, self.predicate)
        for value in values:
            if value in others:
                yield value


@dataclass
class LessThan(Constraint):
    predicate: Term

    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        others = engine.data.objects(focus, self.predicate)
        for value in values:
            for other in others:
                if not _less_than(value, other):
                    yield value


@dataclass
class UniqueLang(Constraint):
    def failures(self, engine: Checker, focus: Term, values: list[Term]) -> Failures:
        seen: set[str] = set()
        for value in values:
            lang = _suffix(value)[1:].lower() if value[0] == '"' and _suffix(value).startswith("@") else ""
            if lang and lang in seen:
                yield None
                return
            seen.add(lang)


# --- Shapes ---------------------------------------------------------------------


@dataclass
class SparqlConstraint:
    """An ``sh:sparql`` SELECT on a node shape, run once by Oxigraph with ``$this`` free.

    Over the triples it reads only (a store of all two million triples takes
    seconds to load), and its NOT EXISTS as MINUS where they agree (:func:`as_minus`).
    """

    query: str
    message: str
    predicates: set[Term] | None  # the predicates it reads; None: any
    classes: set[Term] | None  # the classes of its rdf:type patterns; None: any


@dataclass(eq=False)
class Shape:
    node: Node
    path: PathFn | None = None  # None for a node shape
    path_node: Node | None = None
    message: str = ""
    severity: URIRef = VIOLATION
    targets: list[tuple[URIRef, Term]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)


@dataclass
class CompiledShapes:
    shapes: list[Shape]  # those with targets
    wanted: set[Term]  # the predicates they read; the index keeps only these
    sparql_predicates: set[Term] | None  # what the SPARQL constraints read (None: everything)

    @property
    def keeps_everything(self) -> bool:
        return self.sparql_predicates is None and any(s.sparql for s in self.all_shapes())

    def all_shapes(self) -> Iterator[Shape]:
        seen: set[int] = set()
        todo = list(self.shapes)
        while todo:
            shape = todo.pop()
            if id(shape) not in seen:
                seen.add(id(shape))
                yield shape
                todo.extend(shape.properties)

    def index_filter(self) -> set[Term] | None:
        return None if self.keeps_everything else self.wanted


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes with targets, compiled; UnsupportedShapes when any needs what this engine lacks."""
    compiler = _Compiler(shapes)
    roots = sorted({s for p in (*TARGETS, sh("target")) for s in shapes.subjects(p, None)}, key=str)
    for node in shapes.subjects(RDF.type, sh("NodeShape")):
        if (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, URIRef(str(RDFS) + "Class")) in shapes:
            raise UnsupportedShapes(f"{node} is a class and a shape (implicit class target)")
    compiled = [compiler.shape(node, reported=True) for node in roots]
    return CompiledShapes(compiled, compiler.wanted, compiler.sparql_predicates)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.done: dict[tuple[Node, bool], Shape] = {}
        self.wanted: set[Term] = {RDF_TYPE, SUBCLASS_OF, LABEL}
        self.sparql_predicates: set[Term] | None = set()

    def shape(self, node: Node, reported: bool) -> Shape:
        key = (node, reported)
        if key in self.done:
            return self.done[key]
        g = self.graph
        shape = self.done[key] = Shape(node)
        unknown = {p for p in g.predicates(node, None) if str(p).startswith(SH) and p not in KNOWN}
        if unknown:
            raise UnsupportedShapes(f"{node} uses {', '.join(sorted(map(str, unknown)))}")
        if (node, sh("deactivated"), None) in g:
            raise UnsupportedShapes(f"{node} uses sh:deactivated")
        messages = sorted(str(m) for m in g.objects(node, sh("message")))
        if reported and not messages:
            raise UnsupportedShapes(f"{node} has no sh:message")
        shape.message = messages[0] if messages else ""
        if "{$" in shape.message or "{?" in shape.message:
            raise UnsupportedShapes(f"{node} has a message template")
        shape.severity = g.value(node, sh("severity")) or VIOLATION  # type: ignore[assignment]
        path = g.value(node, sh("path"))
        if path is not None:
            shape.path, shape.path_node = _compile_path(g, path, self.wanted), path
        shape.targets = self.targets(node)
        shape.constraints = self.constraints(node)
        shape.properties = [self.shape(p, reported) for p in sorted(g.objects(node, sh("property")), key=str)]
        shape.sparql = [self.sparql(c, path is not None) for c in g.objects(node, sh("sparql"))]
        return shape

    def targets(self, node: Node) -> list[tuple[URIRef, Term]]:
        if (node, sh("target"), None) in self.graph:
            raise UnsupportedShapes(f"{node} uses sh:target (SPARQL-based targets)")
        found = []
        for kind in sorted(TARGETS):
            for value in self.graph.objects(node, kind):
                term = terms.from_rdflib(value)
                found.append((kind, term))
                if kind in (sh("targetSubjectsOf"), sh("targetObjectsOf")):
                    self.wanted.add(term)
        return found

    def one(self, node: Node, name: str) -> Node | None:
        values = list(self.graph.objects(node, sh(name)))
        if len(values) > 1:
            raise UnsupportedShapes(f"{node} has several sh:{name}")
        return values[0] if values else None

    def constraints(self, node: Node) -> list[Constraint]:  # noqa: C901, PLR0912 - one branch a component
        g, found = self.graph, []
        for name, cls in (("minCount", MinCount), ("maxCount", MaxCount)):
            count = self.one(node, name)
            if count is not None:
                found.append(cls(sh(name[0].upper() + name[1:] + "ConstraintComponent"), _integer(count)))
        for cls_node in g.objects(node, sh("class")):
            found.append(ValueTest(sh("ClassConstraintComponent"), _class_test(terms.from_rdflib(cls_node))))
        datatype = self.one(node, "datatype")
        if datatype is not None:
            found.append(ValueTest(sh("DatatypeConstraintComponent"), _datatype_test(str(datatype))))
        kind = self.one(node, "nodeKind")
        if kind is not None:
            found.append(ValueTest(sh("NodeKindConstraintComponent"), _node_kind_test(kind)))
        for pattern in g.objects(node, sh("pattern")):
            if (node, sh("flags"), None) in g:
                raise UnsupportedShapes(f"{node} uses sh:flags")
            found.append(ValueTest(sh("PatternConstraintComponent"), _pattern_test(str(pattern))))
        members = self.one(node, "in")
        if members is not None:
            allowed = frozenset(terms.from_rdflib(m) for m in Collection(g, members))
            found.append(ValueTest(sh("InConstraintComponent"), lambda _e, v: v in allowed))
        for value in g.objects(node, sh("hasValue")):
            found.append(HasValue(sh("HasValueConstraintComponent"), terms.from_rdflib(value)))
        for low in g.objects(node, sh("minInclusive")):
            found.append(ValueTest(sh("MinInclusiveConstraintComponent"), _min_inclusive_test(low)))
        for choices in g.objects(node, sh("or")):
            options = [self.shape(s, reported=False) for s in Collection(g, choices)]
            found.append(
                ValueTest(
                    sh("OrConstraintComponent"), lambda e, v, o=options: any(e.conforms(s, v) for s in o)
                )
            )
        for other in g.objects(node, sh("node")):
            inner = self.shape(other, reported=False)
            found.append(ValueTest(sh("NodeConstraintComponent"), lambda e, v, s=inner: e.conforms(s, v)))
        found.extend(self.qualified(node))
        for name, cls2 in (("disjoint", Disjoint), ("lessThan", LessThan)):
            for predicate in g.objects(node, sh(name)):
                if not isinstance(predicate, URIRef):
                    raise UnsupportedShapes(f"{node} has sh:{name} of a path")
                term = terms.iri(str(predicate))
                self.wanted.add(term)
                found.append(cls2(sh(name[0].upper() + name[1:] + "ConstraintComponent"), term))
        unique = self.one(node, "uniqueLang")
        if unique is not None and unique.toPython() is True:  # type: ignore[union-attr]
            found.append(UniqueLang(sh("UniqueLangConstraintComponent")))
        return found

    def qualified(self, node: Node) -> list[Constraint]:
        value_shape = self.one(node, "qualifiedValueShape")
        low, high = self.one(node, "qualifiedMinCount"), self.one(node, "qualifiedMaxCount")
        if value_shape is None:
            if low is not None or high is not None:
                raise UnsupportedShapes(f"{node} has a qualified count without a shape")
            return []
        if (node, sh("qualifiedValueShapesDisjoint"), None) in self.graph:
            raise UnsupportedShapes(f"{node} uses sh:qualifiedValueShapesDisjoint")
        inner = self.shape(value_shape, reported=False)
        found: list[Constraint] = []
        if low is not None:
            found.append(Qualified(sh("QualifiedMinCountConstraintComponent"), inner, _integer(low), None))
        if high is not None:
            found.append(Qualified(sh("QualifiedMaxCountConstraintComponent"), inner, None, _integer(high)))
        return found

    def sparql(self, constraint: Node, on_property: bool) -> SparqlConstraint:
        g = self.graph
        if on_property:
            raise UnsupportedShapes("sh:sparql on a property shape")
        select = g.value(constraint, sh("select"))
        unknown = {
            p
            for p in g.predicates(constraint, None)
            if str(p).startswith(SH)
            and p not in {sh("select"), sh("message"), sh("prefixes"), sh("severity")}
        }
        messages = sorted(str(m) for m in g.objects(constraint, sh("message")))
        if select is None or unknown or not messages or g.value(constraint, sh("severity")) is not None:
            raise UnsupportedShapes(f"the SPARQL constraint {constraint} (SELECT and sh:message only)")
        text = str(select)
        if any(name in text for name in ("$PATH", "$currentShape", "$shapesGraph", "$value", "{$", "{?")):
            raise UnsupportedShapes("a SPARQL constraint with pre-bound variables other than $this")
        if "{$" in messages[0] or "{?" in messages[0]:
            raise UnsupportedShapes("a SPARQL constraint with a message template")
        query = self.prefixes(constraint) + text.replace("$this", "?this")
        predicates, classes = _query_reads(query)
        if predicates is None or self.sparql_predicates is None:
            self.sparql_predicates = None
        else:
            self.sparql_predicates |= predicates
            self.wanted |= predicates
        return SparqlConstraint(as_minus(query), messages[0], predicates, classes)

    def prefixes(self, constraint: Node) -> str:
        lines = []
        for source in self.graph.objects(constraint, sh("prefixes")):
            for declaration in self.graph.objects(source, sh("declare")):
                prefix = self.graph.value(declaration, sh("prefix"))
                namespace = self.graph.value(declaration, sh("namespace"))
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(lines))


def _integer(node: Node) -> int:
    value = node.toPython() if isinstance(node, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnsupportedShapes(f"a count that is not an integer: {node}")
    return value


def _query_reads(query: str) -> tuple[set[Term] | None, set[Term] | None]:
    """What a SPARQL query reads: the IRIs in predicate position (None when one is a variable
    or a path), and the classes its ``rdf:type`` patterns name (None when one is a variable)."""
    from rdflib.plugins.sparql import prepareQuery  # noqa: PLC0415 - only for shapes with SPARQL

    predicates: set[Term] | None = set()
    classes: set[Term] | None = set()
    todo: list[Any] = [prepareQuery(query).algebra]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key != "triples":
                    todo.append(value)
                    continue
                flat = list(_flatten(value))
                for predicate, obj in zip(flat[1::3], flat[2::3], strict=True):
                    if not isinstance(predicate, URIRef):
                        return None, None
                    predicates.add(terms.iri(str(predicate)))  # type: ignore[union-attr]
                    if predicate == RDF.type and classes is not None:
                        classes = classes | {terms.iri(str(obj))} if isinstance(obj, URIRef) else None
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return predicates, classes


#: ``... WHERE { outer FILTER NOT EXISTS { inner } }``, nothing around or inside but patterns.
SIMPLE_NOT_EXISTS = re.compile(
    r"\A(?P<head>[^{}]*\bWHERE\s*\{)(?P<outer>[^{}]*)FILTER\s+NOT\s+EXISTS\s*\{(?P<inner>[^{}]*)\}\s*\}\s*\Z",
    re.IGNORECASE | re.DOTALL,
)
#: What would make the outer part more than a BGP, or the inner one hold a filter.
NOT_A_BGP = re.compile(
    r"\b(FILTER|OPTIONAL|BIND|VALUES|UNION|MINUS|GRAPH|SERVICE|EXISTS|SELECT)\b|[()\"']", re.IGNORECASE
)
VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")


def as_minus(query: str) -> str:
    """``{ BGP FILTER NOT EXISTS { BGP' } }`` as ``{ BGP MINUS { BGP' } }``, else the query as it is.

    Oxigraph evaluates NOT EXISTS once per row without the row's bindings:
    14 s for the 196 ``dkg:memberOf`` links of the 10k benchmark corpus, where
    MINUS, an anti-join, takes 30 ms. The two agree when both parts are basic
    graph patterns (every variable of the outer one is bound in every row, and
    the inner one has no filter) that share a variable; any other query is
    left alone, only slower.
    """
    found = SIMPLE_NOT_EXISTS.match(query)
    if found is None or NOT_A_BGP.search(found["outer"]) or NOT_A_BGP.search(found["inner"]):
        return query
    if NOT_A_BGP.search(found["head"].rsplit("SELECT", 1)[-1].upper().replace("WHERE", "")):
        return query
    if not set(VARIABLE.findall(found["outer"])) & set(VARIABLE.findall(found["inner"])):
        return query
    return f"{found['head']}{found['outer']}MINUS {{{found['inner']}}}\n}}\n"


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


# --- Value tests, as pySHACL reads the specification -----------------------------------

XSD_STRING = str(XSD.string)
LANG_STRING = str(RDF.langString)
RDFS_LITERAL = str(RDFS.Literal)
RDFS_DATATYPE = str(RDFS.Datatype)
INTEGER = re.compile(r"[+-]?[0-9]+\Z")
INTEGER_SUFFIX = f'"^^<{XSD.integer}>'


def _suffix(term: Term) -> str:
    """What follows a literal's closing quote: ``""``, ``"@en"`` or ``"^^<...>"``."""
    return term[term.rindex('"') + 1 :]


def _is_literal(term: Term) -> bool:
    return term[0] == '"'


def _class_test(cls: Term) -> Callable[[Checker, Term], bool]:
    return lambda engine, value: not _is_literal(value) and engine.data.is_instance(value, cls)


def _node_kind_test(kind: Node) -> Callable[[Checker, Term], bool]:
    names = {
        sh("IRI"): "<",
        sh("BlankNode"): "_",
        sh("Literal"): '"',
        sh("BlankNodeOrIRI"): "_<",
        sh("BlankNodeOrLiteral"): '_"',
        sh("IRIOrLiteral"): '<"',
    }
    if kind not in names:
        raise UnsupportedShapes(f"the node kind {kind}")
    starts = names[kind]  # type: ignore[index]
    return lambda _engine, value: value[0] in starts


def _pattern_test(pattern: str) -> Callable[[Checker, Term], bool]:
    matcher = re.compile(pattern)

    def test(_engine: Checker, value: Term) -> bool:
        if value.startswith("_:"):
            return False
        text = value[1:-1] if value[0] == "<" else _lexical(value)
        return matcher.search(text) is not None

    return test


def _lexical(term: Term) -> str:
    """A literal's lexical form; Oxigraph escapes as JSON does, and most literals hold no escape."""
    end = term.rindex('"')
    raw = term[1:end]
    return raw if "\\" not in raw else json.loads(term[: end + 1])


def _datatype_test(datatype: str) -> Callable[[Checker, Term], bool]:
    verdicts: dict[Term, bool] = {}

    def test(_engine: Checker, value: Term) -> bool:
        if not _is_literal(value):
            return False
        suffix = _suffix(value)
        if not suffix:  # a plain string, datatype None in rdflib
            return datatype in (XSD_STRING, RDFS_LITERAL)
        if suffix[0] == "@":
            return datatype in (LANG_STRING, RDFS_LITERAL)
        if suffix[3:-1] != datatype:
            return datatype in (RDFS_LITERAL, RDFS_DATATYPE)
        if datatype == str(XSD.integer) and INTEGER.match(_lexical(value)):
            return True
        verdict = verdicts.get(value)
        if verdict is None:
            verdict = verdicts[value] = _pyshacl_datatype(value, datatype)
        return verdict

    return test


def _pyshacl_datatype(value: Term, datatype: str) -> bool:
    """pySHACL's check of a literal of the datatype wanted: well-typed, its value of the right type."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent  # noqa: PLC0415

    literal = terms.to_rdflib(value)
    if getattr(literal, "ill_typed", None) is True:
        return False
    return DatatypeConstraintComponent._assert_actual_datatype(None, literal, URIRef(datatype))  # type: ignore[arg-type]


def _min_inclusive_test(low: Node) -> Callable[[Checker, Term], bool]:
    if not isinstance(low, Literal):
        raise UnsupportedShapes("sh:minInclusive of a non-literal")
    low_int = low.value if low.datatype == XSD.integer and isinstance(low.value, int) else None

    def test(_engine: Checker, value: Term) -> bool:
        if not _is_literal(value):
            return False
        if low_int is not None and _suffix(value) == f"^^<{XSD.integer}>":
            lexical = _lexical(value)
            if INTEGER.match(lexical):
                return int(lexical) >= low_int
        return _pyshacl_min_inclusive(terms.to_rdflib(value), low)

    return test


def _pyshacl_min_inclusive(value: Literal, low: Literal) -> bool:
    from pyshacl.rdfutil.compare import compare_literal  # noqa: PLC0415

    if isinstance(low.value, str) != isinstance(value.value, str):
        return False
    try:
        return compare_literal(value, low) >= 0
    except (TypeError, NotImplementedError):
        return False


def _less_than(value: Term, other: Term) -> bool:
    """pySHACL's ``value < other`` for sh:lessThan: strings with strings, else rdflib's order."""
    if value.endswith(INTEGER_SUFFIX) and other.endswith(INTEGER_SUFFIX):  # the usual case, offsets
        left_text, right_text = _lexical(value), _lexical(other)
        if INTEGER.match(left_text) and INTEGER.match(right_text):
            return int(left_text) < int(right_text)
    (left_is_text, left), (right_is_text, right) = _comparable(value), _comparable(other)
    if left_is_text != right_is_text:
        return False
    try:
        return bool(left < right)
    except TypeError:
        return False


def _comparable(term: Term) -> tuple[bool, Any]:
    """Whether pySHACL compares the term as text (an IRI, a string literal), and what it compares.

    (An rdflib Literal is a ``str`` itself, hence the flag.)
    """
    if term[0] == "<":
        return True, term[1:-1]
    if term.startswith("_:"):
        raise UnsupportedShapes("sh:lessThan on a blank node")  # pySHACL stops there too
    literal = terms.to_rdflib(term)
    return (True, literal.value) if isinstance(literal.value, str) else (False, literal)


# --- Checking ----------------------------------------------------------------------


class Checker:
    """The compiled shapes run over one graph."""

    def __init__(self, compiled: CompiledShapes, data: GraphIndex) -> None:
        self.compiled, self.data = compiled, data
        self.memo: dict[tuple[int, Term], bool] = {}

    def run(self) -> list[Result]:
        found: list[Result] = []
        for shape in self.compiled.shapes:
            focus = self.focus_nodes(shape)
            if focus:
                found.extend(self.check(shape, focus))
        return found

    def focus_nodes(self, shape: Shape) -> list[Term]:
        data, nodes = self.data, set()
        for kind, term in shape.targets:
            if kind == sh("targetClass"):
                nodes |= data.instances(term)
            elif kind == sh("targetNode"):
                nodes.add(term)
            elif kind == sh("targetSubjectsOf"):
                nodes.update(data.subjects_of(term))
            else:
                nodes.update(data.objects_of(term))
        return sorted(nodes)

    def check(self, shape: Shape, focus: list[Term]) -> Iterator[Result]:
        """The results of ``shape`` on each of ``focus``, its property shapes' included."""
        data = self.data
        path = shape.path
        values_of = [[f] for f in focus] if path is None else [path(data, f) for f in focus]
        for constraint in shape.constraints:
            for node, values in zip(focus, values_of, strict=True):
                for value in constraint.failures(self, node, values):
                    yield Result(
                        node,
                        shape.path_node,
                        value,
                        shape.node,
                        constraint.component,
                        shape.message,
                        shape.severity,
                    )
        if shape.properties:
            inner = focus if path is None else _distinct(v for values in values_of for v in values)
            for prop in shape.properties:
                yield from self.check(prop, inner)
        for constraint in shape.sparql:
            yield from self.sparql(shape, constraint, set(focus))

    def conforms(self, shape: Shape, node: Term) -> bool:
        key = (id(shape), node)
        verdict = self.memo.get(key)
        if verdict is None:
            verdict = self.memo[key] = next(iter(self.check(shape, [node])), None) is None
        return verdict

    def sparql(self, shape: Shape, constraint: SparqlConstraint, focus: set[Term]) -> Iterator[Result]:
        store = ox.Store()
        store.bulk_load(
            self.data.ntriples(constraint.predicates, constraint.classes), format=ox.RdfFormat.N_TRIPLES
        )
        component = sh("SPARQLConstraintComponent")
        for row in store.query(constraint.query):
            this = _binding(row, "this")
            if this is None or str(this) not in focus:
                continue
            value = _binding(row, "value")
            yield Result(
                str(this),
                shape.path_node,
                str(value) if value is not None else str(this),
                shape.node,
                component,
                min(constraint.message, shape.message) if shape.message else constraint.message,
                shape.severity,
            )


def _binding(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, AttributeError):
        return None


def bnode_or_rdflib(term: Term) -> Node:
    """The rdflib node of a term, blank nodes included (for reports)."""
    if term.startswith("_:"):
        return BNode(term[2:])
    return terms.to_rdflib(term)
