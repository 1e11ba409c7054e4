"""The union of article graphs: what a Turtle or N-Triples file and the store's default graph hold.

Every article graph is self-contained, so the same entity is described by
every article that mentions it. The union keeps each triple once, one
``rdfs:label`` per node (the one most articles use; the others become
``skos:altLabel``) and the sum of the ``dkg:mentionCount`` of each entity.
These rules never look beyond one subject, so the union can be made as
articles go by, in worker processes, and merged.

Triples are N-Triples terms (:mod:`kg.rdf.terms`): a triple written as a line is
its own canonical key, so the union bound for a file is a set of lines, merged
from workers without parsing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib.namespace import RDFS, SKOS, XSD

from kg.rdf import terms
from kg.rdf.namespaces import DKG
from kg.rdf.terms import NtTriple, Term

LABEL = terms.iri(str(RDFS.label))
ALT_LABEL = terms.iri(str(SKOS.altLabel))
MENTION_COUNT = terms.iri(str(DKG.mentionCount))
_INTEGER = str(XSD.integer)


def union_pairs(seen: dict[tuple[Term, Term], int], mentions: int | None) -> set[tuple[Term, Term]]:
    """What the union holds about one subject: (predicate, object) pairs.

    ``seen`` counts the article graphs holding each pair of the subject (the
    mention counts apart: ``mentions`` is their sum). The label most graphs
    hold wins, ties going to the smallest text.
    """
    wanted = set(seen)
    labels = [o for p, o in seen if p == LABEL]
    if len(labels) > 1:
        best = min(labels, key=lambda label: (-seen[(LABEL, label)], terms.literal_value(label), label))
        for label in labels:
            if label != best:
                wanted.discard((LABEL, label))
                wanted.add((ALT_LABEL, label))
        wanted.discard((ALT_LABEL, best))
    elif labels:
        wanted.discard((ALT_LABEL, labels[0]))
    if mentions is not None:
        wanted.add((MENTION_COUNT, terms.literal(str(mentions), _INTEGER)))
    return wanted


def mention_count(predicate: Term, value: Term) -> int | None:
    """The count of a ``dkg:mentionCount`` triple, else None."""
    return terms.integer_value(value) if predicate == MENTION_COUNT else None


class UnionTally:
    """The union of the articles one build writes, as they go by.

    The triples the union keeps as they are pass through (:meth:`copies`);
    labels and mention counts are tallied here and settled once every article is in.
    """

    def __init__(self) -> None:
        self.seen: dict[
            Term, dict[tuple[Term, Term], int]
        ] = {}  # subject -> {(label or altLabel, literal): graphs}
        self.mentions: dict[Term, int] = {}  # subject -> mentions summed

    def copies(self, triples: Iterable[NtTriple]) -> Iterator[NtTriple]:
        """The triples of one article graph the union keeps as they are; tally the others."""
        for triple in triples:
            s, p, o = triple
            if p in (LABEL, ALT_LABEL):
                pairs = self.seen.setdefault(s, {})
                pairs[(p, o)] = pairs.get((p, o), 0) + 1
            elif p == MENTION_COUNT and (count := terms.integer_value(o)) is not None:
                self.mentions[s] = self.mentions.get(s, 0) + count
            else:
                yield triple

    def merge(self, other: UnionTally) -> None:
        for subject, pairs in other.seen.items():
            mine = self.seen.setdefault(subject, {})
            for pair, graphs in pairs.items():
                mine[pair] = mine.get(pair, 0) + graphs
        for subject, mentions in other.mentions.items():
            self.mentions[subject] = self.mentions.get(subject, 0) + mentions

    def settled(self) -> list[NtTriple]:
        """The labels, alternative labels and mention counts of the union."""
        return [
            (subject, p, o)
            for subject in self.seen.keys() | self.mentions.keys()
            for p, o in union_pairs(self.seen.get(subject, {}), self.mentions.get(subject))
        ]


class FileUnion:
    """The union of the article graphs bound for one file.

    Articles come in as triples (:meth:`add`) or, from worker processes, as
    the N-Triples of their copies with the tally of their labels and counts
    (:meth:`merge`): see :func:`copies_ntriples`.
    """

    def __init__(self) -> None:
        self.lines: set[bytes] = set()
        #: The same lines in the order they came: sorted runs when they come from workers,
        #: which the final sort merges in half the time it takes to sort the set.
        self.runs: list[bytes] = []
        self.tally = UnionTally()

    def add(self, triples: Iterable[NtTriple]) -> None:
        """Add one article graph."""
        self._keep(terms.line(t).encode() for t in self.tally.copies(triples))

    def merge(self, ntriples: bytes, tally: UnionTally) -> None:
        """Add what :func:`copies_ntriples` made of some articles."""
        self._keep(ntriples.splitlines(keepends=True))
        self.tally.merge(tally)

    def _keep(self, lines: Iterable[bytes]) -> None:
        new = [line for line in dict.fromkeys(lines) if line not in self.lines]
        self.lines.update(new)
        self.runs.extend(new)

    def __len__(self) -> int:
        """The triples of the union (before it is settled: its labels and counts apart)."""
        return len(self.lines)

    def ntriples(self) -> bytes:
        """The union as N-Triples, one line per triple in byte order: the same triples, the same bytes."""
        settled = (terms.line(t).encode() for t in self.tally.settled())
        return b"".join(sorted(self.runs + [line for line in settled if line not in self.lines]))

    def triples(self) -> list[NtTriple]:
        """The union's triples, in the order of :meth:`ntriples`."""
        return [split_line(line.decode()) for line in self.ntriples().splitlines()]


def split_line(line: str) -> NtTriple:
    """The terms of an N-Triples line kg wrote (IRIs hold no spaces, so the first two spaces split)."""
    s, p, rest = line.split(" ", 2)
    return s, p, rest.rstrip().removesuffix(" .")


def copies_ntriples(articles: Iterable[Iterable[NtTriple]]) -> tuple[bytes, UnionTally]:
    """What the union keeps of ``articles`` as it is, and the tally of the rest.

    The lines come sorted, each once: :meth:`FileUnion.ntriples` merges sorted runs faster.
    """
    tally = UnionTally()
    kept = {terms.line(t) for triples in articles for t in tally.copies(triples)}
    return "".join(sorted(kept)).encode(), tally
