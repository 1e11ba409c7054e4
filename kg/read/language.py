"""Which language an article is in: kg's rules and word lists read English only.

German, French or Arabic text gives a few wrong entities and no fact worth
having, so a build warns, naming the file and the language, and skips it
(``--lang-any`` reads it anyway). py3langid (a small, maintained port of
langid.py, no model download) decides; a text too short to tell, or told
with little confidence, is taken as English, so a headline or a stub is
never refused on a guess.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["language_of", "not_english"]

MIN_WORDS = 20  # fewer: langid's guess is not worth a refusal
MIN_PROBABILITY = 0.95
SAMPLE_CHARS = 3000  # the start of a text tells its language as well as the whole


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _names() -> dict[str, str]:
    text = resources.files("kg").joinpath("data/read/languages.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {code: name for code, name in rows}


def language_of(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of the language of ``text`` and how sure py3langid is (0..1)."""
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return code, float(probability)


def not_english(text: str) -> str | None:
    """``"German (de)"`` when ``text`` is surely not English, else None."""
    if len(text.split()) < MIN_WORDS:
        return None
    code, probability = language_of(text)
    if code == "en" or probability < MIN_PROBABILITY:
        return None
    return f"{_names().get(code, code)} ({code})"
