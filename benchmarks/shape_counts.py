"""The counts ontology/shapes.ttl asks for, checked with SPARQL on a graph too big for pySHACL.

pySHACL takes minutes and gigabytes on the union of 10,000 articles; the
violations that only the union can hold are counts: the same node written by
two articles with two values (two ``dkg:roleOf`` on one post, two labels on
one entity). This script loads a file into an in-memory Oxigraph store and
asks, for every property shape of a node shape with an ``sh:targetClass``
whose path is a property or the inverse of one, for the focus nodes whose
count of distinct values is below its ``sh:minCount`` or above its
``sh:maxCount`` (and the ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount`` of
a qualified shape on ``rdf:type`` with an ``sh:in`` list, such as "one core
class"). The rest of the shapes are checked by ``kg validate`` on pieces of
the corpus (one article graph is valid on its own, and the pieces hold
the unions of their articles).

    python benchmarks/shape_counts.py GRAPH.nt|.ttl [--shapes ontology/shapes.ttl]

Prints one tab-separated line per violation (shape, class, focus node, count)
and exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class CountCheck:
    """One count a shape asks of the nodes of one class."""

    shape: str  # the property shape's sh:name
    target: str  # the class IRI
    pattern: str  # SPARQL triple pattern(s) binding ?v for focus node ?s
    least: int | None
    most: int | None

    def query(self) -> str:
        count = "COUNT(DISTINCT ?v)"
        bounds = [f"{count} < {self.least}"] if self.least else []
        bounds += [f"{count} > {self.most}"] if self.most is not None else []
        return (
            f"SELECT ?s ({count} AS ?n) WHERE {{ ?s a <{self.target}> . OPTIONAL {{ {self.pattern} }} }} "
            f"GROUP BY ?s HAVING ({' || '.join(bounds)})"
        )


def count_checks(shapes: Graph) -> Iterator[CountCheck]:
    """The count constraints of ``shapes`` this script can ask in SPARQL."""
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        targets = sorted(shapes.objects(shape, SH.targetClass))
        for prop in sorted(shapes.objects(shape, SH.property)):
            pattern, least, most = _pattern(shapes, prop)
            if pattern is None or (not least and most is None):
                continue
            name = str(shapes.value(prop, SH.name) or prop)
            for target in targets:
                yield CountCheck(name, str(target), pattern, least, most)


def _pattern(shapes: Graph, prop) -> tuple[str | None, int | None, int | None]:
    path = shapes.value(prop, SH.path)
    inverse = shapes.value(path, SH.inversePath) if path is not None else None
    if inverse is not None:
        pattern = f"?v <{inverse}> ?s"
    elif isinstance(path, URIRef):
        pattern = f"?s <{path}> ?v"
    else:
        return None, None, None
    qualified = shapes.value(prop, SH.qualifiedValueShape)
    if qualified is None:
        return pattern, _int(shapes.value(prop, SH.minCount)), _int(shapes.value(prop, SH.maxCount))
    members = shapes.value(qualified, SH["in"])
    if path != RDF.type or members is None:
        return None, None, None
    values = " ".join(f"<{m}>" for m in Collection(shapes, members))
    least, most = shapes.value(prop, SH.qualifiedMinCount), shapes.value(prop, SH.qualifiedMaxCount)
    return f"{pattern} . VALUES ?v {{ {values} }}", _int(least), _int(most)


def _int(value) -> int | None:
    return None if value is None else int(value)


def violations(store: ox.Store, checks: list[CountCheck]) -> Iterator[tuple[CountCheck, str, int]]:
    """(check, focus node IRI, count found) for each node whose count is out of bounds."""
    for check in checks:
        for row in store.query(check.query()):
            yield check, row["s"].value, int(row["n"].value)


def load(path: Path) -> ox.Store:
    store = ox.Store()
    rdf_format = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    store.bulk_load(path=str(path), format=rdf_format)
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--shapes", type=Path, default=SHAPES)
    args = parser.parse_args(argv)
    checks = list(count_checks(Graph().parse(args.shapes)))
    started = time.perf_counter()
    store = load(args.graph)
    found = 0
    for check, node, count in violations(store, checks):
        found += 1
        print(f"{check.shape}\t{check.target.rsplit('#', 1)[-1]}\t{node}\t{count}")
    seconds = time.perf_counter() - started
    print(
        f"{args.graph}: {len(store)} triples, {len(checks)} count checks, "
        f"{found} violations in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
