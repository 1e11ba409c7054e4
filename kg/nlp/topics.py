"""Topics: what a statement or a funding is about (drones, air defence, sanctions).

The concepts and their words come from ``ontology/topics.ttl`` (a SKOS
concept scheme), so an analyst who adds a label there changes what ``kg``
finds without touching code. A statement is about every concept named in its
own text, not in the words around it ("Kallas said, at the drone summit,
that sanctions must stay" is about sanctions); a funding is about every
concept named in its sentence ("200 million euros for air defence").

Where labels overlap, the longest wins. Labels in lower case match whatever
the case ("Drones", "drones"); labels with capitals match only as written, so
"AI" is not "ai" and "Article 5" is not "article 5".
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp import derived
from kg.nlp.phrases import PhraseTable, longest_first
from kg.rdf import vocab

#: What the topic phrases are derived from: topics.ttl and the code that reads it.
DERIVED_FROM = (vocab.TOPICS_FILE, Path(vocab.__file__), Path(__file__))


def tokenized_labels(tokenizer) -> dict[str, list[list]]:
    """``[concept key, [token texts]]`` of every label, lower-case ones apart from cased ones.

    Parsing topics.ttl and tokenizing its labels is derived once per version of
    the files and the tokenizer's rules, and kept on disk (:mod:`kg.nlp.derived`).
    """

    def build() -> dict[str, list[list]]:
        rows: dict[str, list[list]] = {"any_case": [], "as_written": []}
        for key, topic in vocab.topics().items():
            lower = sorted({label for label in topic.match_labels if label == label.lower()})
            cased = sorted({label for label in topic.match_labels if label != label.lower()})
            for kind, labels in (("any_case", lower), ("as_written", cased)):
                rows[kind] += [[key, [t.text for t in doc]] for doc in tokenizer.pipe(labels)]
        return rows

    rules = hashlib.sha256(tokenizer.to_bytes(exclude=["vocab"])).hexdigest()
    return derived.load("topic-labels", DERIVED_FROM, build, salt=rules)


class TopicMatcher:
    """The ``kg_topics`` component: tags the statements and fundings in ``doc._.kg``."""

    def __init__(self, nlp: Language):
        labels = tokenized_labels(nlp.tokenizer)
        # Lower-case labels are matched on the tokens' lower-case forms, cased ones as written.
        self.any_case: PhraseTable[str] = PhraseTable((tokens, key) for key, tokens in labels["any_case"])
        self.as_written: PhraseTable[str] = PhraseTable((tokens, key) for key, tokens in labels["as_written"])

    def matches(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start token, end token, concept key) of the labels in the text.

        Where labels overlap the longest wins: "artillery shells" is
        ammunition, not artillery too.
        """
        state = doc._.kg
        found = self.any_case.find(state.lower) + self.as_written.find(state.text)
        return sorted(longest_first(found))

    def __call__(self, doc: Doc) -> Doc:
        state = doc._.kg
        found = self.matches(doc)
        for statement in state.statements:
            cut = statement.cut or (0, 0)
            statement.about = _keys(
                key
                for start, end, key in found
                if statement.start <= start and end <= statement.end and not (cut[0] <= start < cut[1])
            )
        for funding in state.fundings:
            first, last = funding.evidence
            funding.about = _keys(
                key for start, end, key in found if first <= doc[start].idx and doc[end - 1].idx < last
            )
        return doc


def _keys(keys) -> list[str]:
    return sorted(set(keys))


@Language.factory("kg_topics")
def make_topic_matcher(nlp: Language, name: str) -> TopicMatcher:
    return TopicMatcher(nlp)
