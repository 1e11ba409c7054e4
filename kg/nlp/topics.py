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

from bisect import bisect_left
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp import derived, saved
from kg.nlp.phrases import PhraseTable, longest_first
from kg.nlp.segments import doc_state
from kg.rdf import vocab

#: What the topic phrases are derived from: topics.ttl and the code that reads it.
DERIVED_FROM = (vocab.TOPICS_FILE, Path(vocab.__file__), Path(__file__))


def tokenized_labels(tokenizer, rules: str | None = None) -> dict[str, list[list]]:
    """``[concept key, [token texts]]`` of every label, lower-case ones apart from cased ones.

    Parsing topics.ttl and tokenizing its labels is derived once per version of
    the files and the tokenizer's rules, and kept on disk (:mod:`kg.nlp.derived`).
    ``rules`` is :func:`kg.nlp.derived.tokenizer_rules` of ``tokenizer``, when known.
    """

    def build() -> dict[str, list[list]]:
        rows: dict[str, list[list]] = {"any_case": [], "as_written": []}
        for key, topic in vocab.topics().items():
            lower = sorted({label for label in topic.match_labels if label == label.lower()})
            cased = sorted({label for label in topic.match_labels if label != label.lower()})
            for kind, labels in (("any_case", lower), ("as_written", cased)):
                rows[kind] += [[key, [t.text for t in doc]] for doc in tokenizer.pipe(labels)]
        return rows

    return derived.load("topic-labels", DERIVED_FROM, build, salt=rules or derived.tokenizer_rules(tokenizer))


class TopicMatcher:
    """The ``kg_topics`` component: tags the statements and fundings in ``doc._.kg``.

    The labels are derived from topics.ttl for the pipeline's tokenizer
    (:meth:`initialize`), when the component is made and again when a saved
    pipeline is loaded; a saved pipeline keeps only a stamp of the data
    (:mod:`kg.nlp.saved`).
    """

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.initialize()

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Derive the labels from topics.ttl, tokenized as the pipeline's tokenizer splits them."""
        self.nlp = nlp or self.nlp
        self.tokenizer_rules = derived.tokenizer_rules(self.nlp.tokenizer)
        labels = tokenized_labels(self.nlp.tokenizer, self.tokenizer_rules)
        # Lower-case labels are matched on the tokens' lower-case forms, cased ones as written.
        self.any_case: PhraseTable[str] = PhraseTable((tokens, key) for key, tokens in labels["any_case"])
        self.as_written: PhraseTable[str] = PhraseTable((tokens, key) for key, tokens in labels["as_written"])

    def _tokenizer_loaded(self) -> None:
        """A saved pipeline's own tokenizer was loaded after this was made: derive the labels for it."""
        if derived.tokenizer_rules(self.nlp.tokenizer) != self.tokenizer_rules:
            self.initialize()

    def to_disk(self, path, *, exclude=()) -> None:
        saved.write_stamp(path)

    def from_disk(self, path, *, exclude=()) -> TopicMatcher:
        saved.check_stamp(path, "kg_topics")
        self._tokenizer_loaded()
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        return saved.stamp_bytes()

    def from_bytes(self, data: bytes, *, exclude=()) -> TopicMatcher:
        saved.check_stamp_bytes(data, "kg_topics")
        self._tokenizer_loaded()
        return self

    def matches(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start token, end token, concept key) of the labels in the text.

        Where labels overlap the longest wins: "artillery shells" is
        ammunition, not artillery too.
        """
        state = doc._.kg
        found = self.any_case.find(state.lower) + self.as_written.find(state.text)
        return sorted(longest_first(found))

    def __call__(self, doc: Doc) -> Doc:
        state = doc_state(doc, "kg_topics")
        found = self.matches(doc)  # sorted by start, never overlapping
        starts = [start for start, _, _ in found]
        char_starts = [doc[start].idx for start in starts]
        for statement in state.statements:
            cut = statement.cut or (0, 0)
            statement.about = _keys(
                key
                for start, end, key in _from(found, starts, statement.start, statement.end)
                if end <= statement.end and not (cut[0] <= start < cut[1])
            )
        for funding in state.fundings:
            first, last = funding.evidence
            funding.about = _keys(
                key for _, end, key in _from(found, char_starts, first, last) if doc[end - 1].idx < last
            )
        return doc


def _from(found: list[tuple[int, int, str]], starts: list[int], low: int, high: int):
    """The matches whose start (in ``starts``' unit) is in ``[low, high)``: found by bisection.

    Looking only there keeps the component linear in the article's length: a
    scan of every match for every statement grew with their product.
    """
    for index in range(bisect_left(starts, low), bisect_left(starts, high)):
        yield found[index]


def _keys(keys) -> list[str]:
    return sorted(set(keys))


@Language.factory("kg_topics", requires=["doc._.kg"], assigns=["doc._.kg"])
def make_topic_matcher(nlp: Language, name: str) -> TopicMatcher:
    return TopicMatcher(nlp)
