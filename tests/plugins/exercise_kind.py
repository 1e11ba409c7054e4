"""A toy fact kind, to prove that a new kind is one module and its ontology terms.

Military exercises ("the Iron Wolf exercise"), with the states or bodies
named in the same sentence as the ones that drill. Importing this module
registers the kind; nothing else in kg is edited. ``tests/test_fact_kinds.py``
then sees it extracted, cached, written, validated and drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kg.facts import Evidence, FactKind, register
from kg.kinds.evidence import evidence
from kg.rdf.terms import DKG, TYPE

#: Its classes, properties and shapes.
ONTOLOGY = Path(__file__).with_suffix(".ttl")
#: "the Iron Wolf exercise", "the Steadfast Defender drills".
PATTERN = [
    {"LOWER": "the"},
    {"IS_TITLE": True, "OP": "+"},
    {"LOWER": {"IN": ["exercise", "exercises", "drill", "drills"]}},
]
DRILLING_TYPES = {"Country", "Organization"}

if not Doc.has_extension("kg_exercises"):
    Doc.set_extension("kg_exercises", default=None)


@dataclass(frozen=True)
class Exercise:
    name: str
    evidence: Evidence
    drilling: tuple[str, ...] = ()  # keys of the countries and bodies named in its sentence


@Language.factory("kg_exercises")
def make_exercise_finder(nlp: Language, name: str) -> ExerciseFinder:
    return ExerciseFinder(nlp)


class ExerciseFinder:
    """Puts ``(name, sentence span, keys drilling)`` records in ``doc._.kg_exercises``."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("EXERCISE", [PATTERN], greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        state = doc._.kg
        found = []
        for _, start, end in sorted(self.matcher(doc), key=lambda match: match[1]):
            sentence = next(s for s in state.sentences if s.start <= start < s.end)
            keys = sorted(
                {m.key for m in state.mentions if sentence.start <= m.start < sentence.end and m.key}
                & {key for key, info in state.entities.items() if info.type in DRILLING_TYPES}
            )
            found.append((doc[start + 1 : end - 1].text, sentence, tuple(keys)))
        doc._.kg_exercises = found
        return doc


def read(doc: Doc, text: str) -> list[Exercise]:
    return [
        Exercise(name, evidence(text, sentence.start_char, sentence.end_char), keys)
        for name, sentence, keys in doc._.kg_exercises or []
    ]


def to_rdf(triples, exercise: Exercise) -> None:
    ev = exercise.evidence
    node = triples.fact_node("exercise", triples.doc_id, exercise.name, str(ev.start))
    triples.add(node, TYPE, DKG.Exercise)
    triples.label(node, exercise.name)
    for key in exercise.drilling:
        triples.add(node, DKG.drilling, triples.node(key))
    triples.provenance(node, ev)


def draw(net) -> None:
    for exercise in net.typed("Exercise"):
        node = net.fact_node(exercise, "Exercise", net.label(exercise))
        for who in net.objects(exercise, "drilling"):
            net.edge(net.entity(who), node, "drills in", "drills in", "drills in")


KIND = register(
    FactKind(
        name="exercises",
        type=Exercise,
        component="kg_exercises",
        rdf_class="Exercise",
        read=read,
        to_rdf=to_rdf,
        draw=draw,
        entities=lambda exercise: exercise.drilling,
        node=True,
        ontology=ONTOLOGY,
    )
)
