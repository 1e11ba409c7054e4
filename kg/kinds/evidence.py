"""Reading a fact's words and sentence off the Doc: what every kind's ``read`` needs."""

from __future__ import annotations

from kg.facts import Evidence


def evidence(text: str, start_char: int, end_char: int) -> Evidence:
    """The sentence at ``start_char..end_char`` of the article ``text``.

    ``text`` is the document's text: ``Doc.text`` would rebuild it from the tokens each time.
    """
    return Evidence(text[start_char:end_char].strip(), start_char, end_char)


def words(state, start: int, end: int, cut: tuple[int, int] | None = None) -> str:
    """The text of tokens ``start..end``, without the ``cut`` ones, on one line."""
    if cut is None:
        return " ".join(state.span_text(start, end).split())
    return " ".join((state.span_text(start, cut[0]) + " " + state.span_text(cut[1], end)).split())
