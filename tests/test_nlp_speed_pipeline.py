"""The per-token lists the components read instead of spaCy Token objects.

The rules look at tokens hundreds of thousands of times per corpus, so the
segmenter reads each token's text, lower-case form and flags once from the
doc's attribute arrays (``doc._.kg``); these tests check that the lists say
exactly what the Token attributes say. Texts are invented.
"""

from __future__ import annotations

import pytest

from kg.nlp.entities import Mention, mentions_by_sentence, mentions_in
from kg.nlp.segments import token_arrays, within

TEXTS = [
    "Kalle Tamm said: “We need 155mm shells — now!” The minister's aides (MoD) agreed.\n\n"
    "ÉLYSÉE\tsources, in Paris, said it's the U.S.-led plan's $3.5bn 'second phase'…  Really?",
    "  Leading spaces, İstanbul and ΣΊΣΥΦΟΣ in Greek; x.y@z.org and https://example.org/a(b).\n",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_token_arrays_say_what_the_tokens_say(nlp, text):
    doc = nlp.make_doc(text)
    arrays = token_arrays(doc)
    assert arrays["text"] == [t.text for t in doc]
    assert arrays["lower"] == [t.lower_ for t in doc]
    assert arrays["space_after"] == [bool(t.whitespace_) for t in doc]
    assert arrays["is_punct"] == [t.is_punct for t in doc]


@pytest.mark.parametrize("text", TEXTS[:2])
def test_span_text_is_the_span_text(nlp, text):
    doc = nlp(text)
    state = doc._.kg
    for start in range(len(doc) + 1):
        for end in range(max(0, start - 1), start + 9):  # empty, reversed and past-the-end ranges too
            assert state.span_text(start, end) == doc[start:end].text, (start, end)


def test_within_takes_the_positions_in_a_range():
    positions = [1, 4, 4, 7, 9]
    assert within(positions, 4, 9) == [4, 4, 7]
    assert within(positions, 0, 1) == []
    assert within(positions, 9, 10) == [9]


def test_mentions_by_sentence_are_the_mentions_in_each_sentence(nlp):
    doc = nlp(
        "Kalle Tamm met Aino Virtanen in Tallinn. Nothing here. "
        "The Nordic Defence Procurement Forum met in Oslo, Tamm said."
    )
    state = doc._.kg
    by_sentence = mentions_by_sentence(state.mentions, state.sentences)
    assert len(state.sentences) == 3
    for s in state.sentences:
        assert by_sentence[s.start] == mentions_in(state.mentions, s)
        assert by_sentence[s.start] == [m for m in state.mentions if s.start <= m.start < s.end]
    assert by_sentence[state.sentences[1].start] == []
    assert mentions_in([Mention(0, 1, "Person", "X")], state.sentences[1]) == []
