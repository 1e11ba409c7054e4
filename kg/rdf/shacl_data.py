"""The data side of kg's compiled SHACL engine: a graph as dictionaries of N-Triples terms.

Why not rdflib or a store: a build of 10,000 articles validates some two
million triples. Parsing them into rdflib takes longer than the build, and
each triple pattern through Oxigraph's Python API crosses into Rust. The
union a build writes is already N-Triples lines (:mod:`kg.rdf.union`), one
triple each, whose terms are their own canonical keys (:mod:`kg.rdf.terms`):
splitting the lines into ``predicate -> subject -> objects`` dictionaries
costs about a microsecond a triple, and every lookup the shapes need is then
a dictionary access in C.

Only the predicates the shapes look at are kept (:attr:`GraphIndex.wanted`):
the rest could never change a result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from kg.rdf.terms import Term

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

EMPTY: tuple[Term, ...] = ()
NOTHING: dict[Term, list[Term]] = {}  # never written to


@dataclass
class GraphIndex:
    """One graph's triples by predicate, forwards (and backwards on demand)."""

    forward: dict[Term, dict[Term, list[Term]]] = field(default_factory=dict)
    _backward: dict[Term, dict[Term, list[Term]]] = field(default_factory=dict)
    triples: int = 0  # every triple read, kept or not

    @classmethod
    def from_ntriples(cls, data: bytes, wanted: Collection[Term] | None = None) -> GraphIndex:
        """The index of N-Triples as Oxigraph and kg write them (``s p o .``, one a line)."""
        index = cls()
        index.add_lines(data.decode().splitlines(), wanted)
        return index

    def add_lines(self, lines: Iterable[str], wanted: Collection[Term] | None) -> None:
        forward = self.forward
        for line in lines:
            if not line or line[0] == "#":
                continue
            self.triples += 1
            s, p, rest = line.split(" ", 2)
            if wanted is not None and p not in wanted:
                continue
            subjects = forward.get(p)
            if subjects is None:
                subjects = forward[p] = {}
            objects = subjects.get(s)
            o = rest[:-2] if rest.endswith(" .") else rest.rstrip().removesuffix(" .")
            if objects is None:
                subjects[s] = [o]
            else:  # each line once: kg's union and Oxigraph's dumps hold a triple once
                objects.append(o)

    def objects(self, subject: Term, predicate: Term) -> list[Term] | tuple[Term, ...]:
        return self.forward.get(predicate, NOTHING).get(subject, EMPTY)

    def subjects(self, predicate: Term, obj: Term) -> list[Term] | tuple[Term, ...]:
        return self.backward(predicate).get(obj, EMPTY)

    def subjects_of(self, predicate: Term) -> Iterable[Term]:
        return self.forward.get(predicate, NOTHING).keys()

    def objects_of(self, predicate: Term) -> Iterable[Term]:
        return self.backward(predicate).keys()

    def backward(self, predicate: Term) -> dict[Term, list[Term]]:
        """``object -> subjects`` of one predicate, made the first time it is asked for."""
        found = self._backward.get(predicate)
        if found is None:
            found = {}
            for s, objects in self.forward.get(predicate, NOTHING).items():
                for o in objects:
                    found.setdefault(o, []).append(s)
            self._backward[predicate] = found
        return found

    def instances(self, cls: Term) -> set[Term]:
        """The nodes typed ``cls`` or a sub-class (``rdf:type/rdfs:subClassOf*``), as SHACL targets them."""
        found: set[Term] = set()
        for each in self.subclasses(cls):
            found.update(self.subjects(RDF_TYPE, each))
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        types = self.objects(node, RDF_TYPE)
        if not types:
            return False
        if SUBCLASS_OF not in self.forward:
            return cls in types
        wanted = self.subclasses(cls)
        return any(t in wanted for t in types)

    def subclasses(self, cls: Term) -> set[Term]:
        """``cls`` and every class below it through ``rdfs:subClassOf`` in the data."""
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(SUBCLASS_OF, todo.pop()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return found

    def ntriples(self, predicates: Collection[Term] | None, classes: Collection[Term] | None) -> bytes:
        """The triples of ``predicates`` (all when None) as N-Triples; rdf:type ones of ``classes`` only."""
        lines = [
            f"{s} {p} {o} .\n"
            for p, subjects in self.forward.items()
            if predicates is None or p in predicates
            for s, objects in subjects.items()
            for o in objects
            if classes is None or p != RDF_TYPE or o in classes
        ]
        return "".join(lines).encode()
