"""Fixed phrases found by dict lookups over a doc's token texts.

spaCy's ``PhraseMatcher`` wants one ``Doc`` per phrase, and building thousands
of them (tokenizing each name, creating a lexeme for each new word) was most
of the pipeline's start-up. A phrase here is a tuple of token texts, which can
be tokenized once and kept on disk (:mod:`kg.nlp.derived`); finding them costs
one dict probe per token of the doc, about what the ``PhraseMatcher`` costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

Value = TypeVar("Value")


class PhraseTable(Generic[Value]):
    """Token sequences, each with a value (a label, an entity key...)."""

    def __init__(self, phrases: Iterable[tuple[Sequence[str], Value]] = ()):
        self.values: dict[tuple[str, ...], Value] = {}
        self._lengths: dict[str, set[int]] = {}  # first token -> lengths of the phrases it starts
        for tokens, value in phrases:
            self.add(tokens, value)

    def add(self, tokens: Sequence[str], value: Value) -> None:
        """Add a phrase; a sequence added twice keeps its first value."""
        if tokens:
            self.values.setdefault(tuple(tokens), value)
            self._lengths.setdefault(tokens[0], set()).add(len(tokens))

    def find(self, words: Sequence[str]) -> list[tuple[int, int, Value]]:
        """(start, end, value) of every occurrence in ``words``, overlapping ones included."""
        found, values, lengths, size = [], self.values, self._lengths, len(words)
        for i in [i for i, word in enumerate(words) if word in lengths]:  # where a phrase may start
            for n in lengths[words[i]]:
                if i + n > size:  # cut short by the end, the words could spell a shorter phrase
                    continue
                value = values.get(tuple(words[i : i + n]))
                if value is not None:
                    found.append((i, i + n, value))
        return found


def longest_first(matches: Iterable[tuple[int, int, Value]]) -> list[tuple[int, int, Value]]:
    """The matches that do not overlap a longer one, or an as long one further left.

    What ``spacy.util.filter_spans`` and the ``EntityRuler`` keep (among equal
    spans, the first given), in that order: longest first, then leftmost.
    """
    kept, taken = [], set()
    for match in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        start, end = match[0], match[1]
        if start not in taken and end - 1 not in taken:
            kept.append(match)
            taken.update(range(start, end))
    return kept
