"""Amounts of money as news writes them: "£752 million", "$3bn", "150 billion euros".

Each amount keeps the text as written and, when it can be read, a normalised
``Decimal`` value and the ISO 4217 currency (symbols and words come from
``data/lexicons/currencies.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from kg.nlp import lexicon

SCALES = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}


@dataclass(frozen=True)
class Amount:
    text: str
    start: int  # character offsets in the searched text
    end: int
    value: Decimal | None
    currency: str | None


@cache
def _pattern() -> re.Pattern:
    currencies = lexicon.table("currencies.tsv")
    symbols = sorted((c for c in currencies if not c.isalpha()), key=len, reverse=True)
    names = sorted((c for c in currencies if c.isalpha()), key=len, reverse=True)
    symbol = "|".join(re.escape(s) for s in symbols)
    name = "|".join(re.escape(n) for n in names)
    scale = "|".join(sorted(SCALES, key=len, reverse=True))
    number = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    vague = rf"(?:hundreds|tens|billions|millions|dozens)\s+of\s+(?:billions|millions)\s+of\s+(?:{name})"
    return re.compile(
        rf"(?P<vague>{vague})"
        rf"|(?P<symbol>{symbol})\s?(?P<num1>{number})(?:\s?(?P<scale1>{scale})\b)?"
        rf"|\b(?P<code>EUR|USD|GBP|UAH|PLN)\s?(?P<num3>{number})(?:\s?(?P<scale3>{scale})\b)?"
        rf"|\b(?P<num2>{number})\s?(?P<scale2>{scale})?\s+(?:[A-Z][a-z]+\s+)?(?P<name>{name})\b",
        re.IGNORECASE,
    )


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text``; conversions in brackets after one are skipped."""
    currencies = lexicon.table("currencies.tsv")
    found: list[Amount] = []
    for match in _pattern().finditer(text):
        if found and text[found[-1].end : match.start()].strip() == "(":
            continue  # "£752 million ($990m)": the bracket only converts
        groups = match.groupdict()
        if groups["vague"]:
            word = groups["vague"].split()[-1].casefold()
            found.append(Amount(match.group(), match.start(), match.end(), None, currencies[word][0]))
            continue
        number = groups["num1"] or groups["num2"] or groups["num3"]
        scale = groups["scale1"] or groups["scale2"] or groups["scale3"]
        unit = (groups["symbol"] or groups["name"] or groups["code"] or "").casefold()
        found.append(
            Amount(
                match.group(),
                match.start(),
                match.end(),
                _value(number, scale),
                currencies.get(unit, (None,))[0],
            )
        )
    return found


def _value(number: str, scale: str | None) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if scale:
        value *= SCALES[scale.casefold()]
    return value.normalize() if value == value.to_integral() else value
