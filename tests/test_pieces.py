"""Articles longer than spaCy's max_length: run in pieces, nothing refused, offsets into the whole text."""

from __future__ import annotations

import pytest

from kg.facts import Document, Evidence
from kg.nlp.extract import extract
from kg.nlp.pieces import pieces
from kg.nlp.pipeline import load_pipeline

PARAGRAPHS = [
    '"We will buy more air defence systems this year," said Andrius Kubilius, the defence commissioner.',
    "The Commission will give 1.5 billion euros to the European Defence Fund, Kubilius said in Brussels.",
    '"Our soldiers are ready," said Mark Rutte, the NATO Secretary General, in Vilnius on Monday.',
    "Germany will send a brigade to Lithuania, Boris Pistorius, the German defence minister, said in Berlin.",
]


def test_pieces_are_cut_at_paragraph_boundaries_and_cover_the_text() -> None:
    text = "\n\n".join(PARAGRAPHS * 3)
    cut = list(pieces(text, 400))
    assert all(len(piece) <= 400 for _, piece in cut)
    assert all(text[start : start + len(piece)] == piece for start, piece in cut)
    assert all(piece.split("\n\n")[0] in PARAGRAPHS for _, piece in cut)  # each starts with a whole paragraph
    assert "".join(piece for _, piece in cut).replace("\n", "") == text.replace("\n", "")


def test_a_paragraph_longer_than_the_limit_is_cut_at_a_sentence_end() -> None:
    text = " ".join(["The ministers met in Brussels."] * 30)
    cut = list(pieces(text, 100))
    assert all(piece.endswith(".") and len(piece) <= 100 for _, piece in cut)


@pytest.fixture(scope="module")
def small_nlp():
    nlp = load_pipeline()
    nlp.max_length = 400
    return nlp


def _evidence(facts) -> list[Evidence]:
    return [
        fact.evidence
        for _, fact in facts.all_facts()
        if isinstance(getattr(fact, "evidence", None), Evidence)
    ]


def test_an_article_over_max_length_is_read_with_offsets_into_its_text(small_nlp) -> None:
    text = "\n\n".join(PARAGRAPHS * 3)
    assert len(text) > small_nlp.max_length
    errors: list[str] = []
    (facts,) = extract([Document(id="long", text=text, path="long.txt")], small_nlp, on_error=errors.append)
    assert errors == []
    evidence = _evidence(facts)
    assert len(evidence) >= 6 and max(ev.start for ev in evidence) > 2 * small_nlp.max_length
    for ev in evidence:
        assert text[ev.start : ev.end].strip() == ev.text
    speakers = {fact.speaker for fact in facts.statements}
    assert {"person/andrius-kubilius", "person/mark-rutte"} <= speakers
    kubilius = next(e for e in facts.entities if e.key == "person/andrius-kubilius")
    assert kubilius.mentions >= 6  # counted in every piece, one entity
    assert len({e.key for e in facts.entities}) == len(facts.entities)


def test_the_same_facts_as_each_piece_read_alone(small_nlp) -> None:
    """Pieces of independent paragraphs give what those paragraphs give, moved to their place."""
    text = "\n\n".join(PARAGRAPHS * 2)
    (whole,) = extract([Document(id="long", text=text, path="long.txt")], small_nlp)
    expected = []
    for start, piece in pieces(text, small_nlp.max_length):
        (part,) = extract([Document(id="long", text=piece, path="long.txt")], small_nlp)
        expected += [(ev.text, ev.start + start) for ev in _evidence(part)]
    assert sorted((ev.text, ev.start) for ev in _evidence(whole)) == sorted(expected)
