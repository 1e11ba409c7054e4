"""The union of article graphs, in Oxigraph terms: what a file and the store's default graph hold.

Every article graph is self-contained, so the same entity is described by
every article that mentions it. The union keeps each triple once, one
``rdfs:label`` per node (the one most articles use; the others become
``skos:altLabel``) and the sum of the ``dkg:mentionCount`` of each entity:
the rules of :class:`kg.graph.Union`, applied to one subject at a time (they
never look beyond it), so that the union can be made as articles go by, in
worker processes, and merged.

Why Oxigraph terms and N-Triples lines: rdflib's terms cost microseconds each
to make and compare, and a build of ten thousand articles merges millions of
them. A triple written as an N-Triples line is its own canonical key, so the
union bound for a file is a set of lines, merged from workers without parsing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib.namespace import RDFS, SKOS, XSD

from kg.graph import MENTION_COUNT

DEFAULT = ox.DefaultGraph()
_LABEL = ox.NamedNode(str(RDFS.label))
_ALT_LABEL = ox.NamedNode(str(SKOS.altLabel))
_MENTION_COUNT = ox.NamedNode(str(MENTION_COUNT))
_INTEGER = ox.NamedNode(str(XSD.integer))


def union_pairs(seen: dict[tuple, int], mentions: int | None) -> set[tuple]:
    """What the union holds about one subject: (predicate, object) pairs.

    ``seen`` counts the article graphs holding each pair of the subject (the
    mention counts apart: ``mentions`` is their sum). The rules are
    :class:`kg.graph.Union`'s applied to one subject: they never look beyond
    it, so the union can be kept subject by subject.
    """
    wanted = set(seen)
    labels = [o for p, o in seen if p == _LABEL]
    if labels:
        best = min(labels, key=lambda label: (-seen[(_LABEL, label)], label.value, str(label)))
        for label in labels:
            if label != best:
                wanted.discard((_LABEL, label))
                wanted.add((_ALT_LABEL, label))
        wanted.discard((_ALT_LABEL, best))
    if mentions is not None:
        wanted.add((_MENTION_COUNT, ox.Literal(str(mentions), datatype=_INTEGER)))
    return wanted


def is_mention_count(predicate: ox.NamedNode, value: object) -> bool:
    return predicate == _MENTION_COUNT and getattr(value, "datatype", None) == _INTEGER


class UnionTally:
    """The union of the articles one build writes, as they go by.

    The triples the union keeps as they are are copied to the default graph
    right away (the store keeps one of each); labels and mention counts are
    tallied here and settled once every article is in.
    """

    def __init__(self) -> None:
        self.seen: dict = {}  # subject -> {(label or altLabel, literal): article graphs}
        self.mentions: dict = {}  # subject -> mentions summed

    def copies(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """The default-graph copies of the article ``quads`` the union keeps as they are; tally the others."""
        for quad in quads:
            p, o = quad.predicate, quad.object
            if p in (_LABEL, _ALT_LABEL):
                pairs = self.seen.setdefault(quad.subject, {})
                pairs[(p, o)] = pairs.get((p, o), 0) + 1
            elif is_mention_count(p, o):
                self.mentions[quad.subject] = self.mentions.get(quad.subject, 0) + int(o.value)
            else:
                yield ox.Quad(quad.subject, p, o, DEFAULT)

    def merge(self, other: UnionTally) -> None:
        for subject, pairs in other.seen.items():
            mine = self.seen.setdefault(subject, {})
            for pair, graphs in pairs.items():
                mine[pair] = mine.get(pair, 0) + graphs
        for subject, mentions in other.mentions.items():
            self.mentions[subject] = self.mentions.get(subject, 0) + mentions

    def settled(self) -> list[ox.Quad]:
        """The labels, alternative labels and mention counts of the union, as default-graph quads."""
        return [
            ox.Quad(subject, p, o, DEFAULT)
            for subject in self.seen.keys() | self.mentions.keys()
            for p, o in union_pairs(self.seen.get(subject, {}), self.mentions.get(subject))
        ]


class FileUnion:
    """The union of the article graphs bound for one Turtle or N-Triples file.

    Articles come in as Oxigraph quads (:meth:`add`) or, from worker
    processes, as the N-Triples of their copies with the tally of their labels
    and counts (:meth:`merge`): see :func:`copies_ntriples`.
    """

    def __init__(self) -> None:
        self.lines: set[bytes] = set()
        self.tally = UnionTally()

    def add(self, quads: Iterable[ox.Quad]) -> None:
        data, tally = copies_ntriples([quads])
        self.merge(data, tally)

    def merge(self, ntriples: bytes, tally: UnionTally) -> None:
        self.lines.update(ntriples.splitlines())
        self.tally.merge(tally)

    def __len__(self) -> int:
        """The triples of the union (before it is settled: its labels and counts apart)."""
        return len(self.lines)

    def ntriples(self) -> bytes:
        """The union as N-Triples, one line per triple in byte order: the same triples, the same bytes."""
        settled = ox.serialize(self.tally.settled(), format=ox.RdfFormat.N_TRIPLES)
        lines = sorted(self.lines.union(settled.splitlines()))
        return b"".join(line + b"\n" for line in lines if line.strip())


def copies_ntriples(articles: Iterable[Iterable[ox.Quad]]) -> tuple[bytes, UnionTally]:
    """What the union keeps as it is of ``articles``, as N-Triples (each once); the tally of the rest."""
    tally = UnionTally()
    kept = {quad.triple for quads in articles for quad in tally.copies(quads)}
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES), tally
