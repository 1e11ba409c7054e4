"""Amounts of money as news writes them: "£752 million", "$3bn", "150 billion euros".

Each amount keeps the text as written and, when it can be read, a normalised
``Decimal`` value and the ISO 4217 currency. Everything the reading knows about
how amounts are written lives in ``data/lexicons/``:

- ``currencies.tsv``: symbols, codes and names ("€", "DKK", "Danish kroner"); a
  name several currencies share ("kroner") keeps them all as ``currencies``
  and no ``currency``, for the funding's country to decide;
- ``money_scales.tsv``: "bn", "million", "crore";
- ``number_words.tsv``: numbers written out ("two billion euros", "half a billion");
- ``amount_qualifiers.tsv``: "more than", "about", "up to" before an amount,
  kept as its ``qualifier``.

A conversion in brackets right after an amount ("€2 billion ($2.1 billion)",
"one billion kroner (this is approximately €130 million)") only restates it:
it is skipped, so the article's own amount and currency come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from kg.nlp import lexicon

CURRENCIES = "currencies.tsv"


@dataclass(frozen=True)
class Amount:
    text: str
    start: int  # character offsets in the searched text
    end: int
    value: Decimal | None
    currency: str | None
    qualifier: str | None = None  # "more than", "about", "up to" ... (amount_qualifiers.tsv)
    currencies: tuple[str, ...] = ()  # the candidates of a shared name ("kroner"); currency is None then
    conversions: tuple[tuple[Decimal, str], ...] = ()  # (value, currency) of the bracket after it


@cache
def scales() -> dict[str, Decimal]:
    return {word: Decimal(row[0]) for word, row in lexicon.table("money_scales.tsv").items()}


@cache
def number_words() -> dict[str, Decimal]:
    return {word: Decimal(row[0]) for word, row in lexicon.table("number_words.tsv").items()}


@cache
def qualifiers() -> dict[str, str]:
    return {words: row[0] for words, row in lexicon.table("amount_qualifiers.tsv").items()}


def _codes(form: str) -> tuple[str, ...]:
    return tuple(lexicon.table(CURRENCIES)[form.casefold()][0].split("|"))


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


@cache
def _pattern() -> re.Pattern:
    table = lexicon.table(CURRENCIES)
    is_code = {
        form for form, row in table.items() if len(form) == 3 and form.isalpha() and row[0] == form.upper()
    }
    symbols = {form for form in table if not form.replace(" ", "").replace(".", "").isalpha()}
    before_words = {form for form, row in table.items() if "before" in row[1:]}
    names = {form for form in table if form not in symbols | is_code | before_words}
    codes = _alternation(f.upper() for f in is_code)
    prefixes = symbols | before_words
    lettered = _alternation(f for f in prefixes if f[:1].isalpha())  # "US$", "Rs": not inside a word
    before = rf"(?<![^\W\d_])(?:{lettered})|{_alternation(f for f in prefixes if not f[:1].isalpha())}"
    after = _alternation(names | symbols)
    scale = _alternation(scales())
    word_scale = _alternation(w for w, row in lexicon.table("money_scales.tsv").items() if "word" in row[1:])
    word_number = _alternation(number_words())
    number = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    adjective = r"(?-i:[A-Z][a-z]+)"
    many = r"(?:hundreds|tens|billions|millions|dozens)\s+of\s+(?:billions|millions)\s+of"
    vague = rf"{many}\s+(?:{adjective}\s+)?(?P<vname>{after})"
    return re.compile(
        rf"(?P<vague>{vague})\b"
        # "€40 million", "US$1.5bn", "Rs 7,628 crore", "DKK 1bn", "EUR 20 million"
        rf"|(?:(?P<pre>{before})|\b(?P<code>(?-i:{codes})))\s?(?P<num1>{number})(?:\s?(?P<scale1>{scale})\b)?"
        # "150 billion euros", "500 million-euro loan", "1bn DKK", "40 million Canadian dollars"
        rf"|\b(?P<num2>{number})(?:\s?(?P<scale2>{scale})\b)?[\s-]+(?:(?P<adj2>{adjective})\s+)?"
        rf"(?:(?P<name2>{after})(?![\w$])|(?P<code2>(?-i:{codes}))\b)"
        # "two billion euros", "one billion Danish kroner", "half a billion dollars"
        rf"|\b(?P<words>{word_number})\s+(?P<scale3>{word_scale})\s+(?:(?P<adj3>{adjective})\s+)?"
        rf"(?:(?P<name3>{after})(?![\w$])|(?P<code3>(?-i:{codes}))\b)",
        re.IGNORECASE,
    )


@cache
def _currency_words() -> frozenset[str]:
    return frozenset(form.split()[-1] for form in lexicon.table(CURRENCIES))


def may_hold_amounts(tokens) -> bool:
    """Whether some token (lowercase: "€", "us$", "dkk", "kroner") names a currency: a quick test
    before :func:`find_amounts` (the tokenizer splits a symbol from its number)."""
    return not _currency_words().isdisjoint(tokens)


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text``; conversions in brackets after one are skipped."""
    found: list[Amount] = []
    skip_to = -1
    for match in _pattern().finditer(text):
        if match.start() < skip_to:
            # "£752 million ($990m)": the bracket only converts; kept as the amount's conversion
            converted = _amount(match)
            if converted is not None and converted.value is not None and converted.currency and found:
                last = found[-1]
                found[-1] = replace(
                    last, conversions=(*last.conversions, (converted.value, converted.currency))
                )
            continue
        amount = _amount(match)
        if amount is None:
            continue
        amount = _with_qualifier(amount, text)
        found.append(amount)
        bracket = re.match(r"\s*\(", text[match.end() :])
        if bracket is not None:
            close = text.find(")", match.end() + bracket.end())
            skip_to = close if close >= 0 else len(text)
    return found


def _amount(match: re.Match) -> Amount | None:
    groups = match.groupdict()
    if groups["vague"]:
        codes = _codes(groups["vname"])
        return _make(match, None, codes)
    if groups["words"]:
        value = number_words()[groups["words"].casefold()] * scales()[groups["scale3"].casefold()]
        return _make(match, _normal(value), _unit(groups["adj3"], groups["name3"] or groups["code3"]))
    if groups["num1"]:
        unit = groups["pre"] or groups["code"]
        return _make(match, _value(groups["num1"], groups["scale1"]), _codes(unit))
    unit = _unit(groups["adj2"], groups["name2"] or groups["code2"])
    return _make(match, _value(groups["num2"], groups["scale2"]), unit)


def _unit(adjective: str | None, name: str) -> tuple[str, ...]:
    """The codes of "Danish kroner" (adjective and name) or of the name alone ("kroner")."""
    table = lexicon.table(CURRENCIES)
    if adjective and f"{adjective} {name}".casefold() in table:
        return _codes(f"{adjective} {name}")
    return _codes(name)


def _make(match: re.Match, value: Decimal | None, codes: tuple[str, ...]) -> Amount:
    text, start = match.group(), match.start()
    if len(codes) == 1:
        return Amount(text, start, match.end(), value, codes[0])
    return Amount(text, start, match.end(), value, None, currencies=codes)


def _with_qualifier(amount: Amount, text: str) -> Amount:
    before = text[max(0, amount.start - 24) : amount.start].casefold()
    words = re.findall(r"[\w.]+", before)
    for n in (3, 2, 1):
        phrase = " ".join(words[-n:]) if len(words) >= n else None
        if phrase and phrase in qualifiers() and before.rstrip().endswith(phrase):
            return replace(amount, qualifier=qualifiers()[phrase])
    return amount


def _value(number: str, scale: str | None) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if scale:
        value *= scales()[scale.casefold()]
    return _normal(value)


def _normal(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral() else value
