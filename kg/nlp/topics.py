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

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from ..vocab import Topic, topics


class TopicMatcher:
    """The ``kg_topics`` component: tags the statements and fundings in ``doc._.kg``."""

    def __init__(self, nlp: Language, concepts: dict[str, Topic]):
        self.any_case = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.as_written = PhraseMatcher(nlp.vocab, attr="ORTH")
        for key, topic in concepts.items():
            lower = sorted({label for label in topic.match_labels if label == label.lower()})
            cased = sorted({label for label in topic.match_labels if label != label.lower()})
            if lower:
                self.any_case.add(key, list(nlp.tokenizer.pipe(lower)))
            if cased:
                self.as_written.add(key, list(nlp.tokenizer.pipe(cased)))

    def matches(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start token, end token, concept key) of the labels in the text.

        Where labels overlap the longest wins: "artillery shells" is
        ammunition, not artillery too.
        """
        found = self.any_case(doc, as_spans=True) + self.as_written(doc, as_spans=True)
        return sorted((span.start, span.end, span.label_) for span in filter_spans(found))

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
    return TopicMatcher(nlp, topics())
