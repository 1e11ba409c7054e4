"""Amounts of money as news writes them (kg.nlp.money): the text as written, a Decimal value,
the ISO 4217 currency, and the qualifier before it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.nlp.money import find_amounts


def one(text: str):
    found = find_amounts(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "written", "value", "currency"),
    [
        ("it costs €40 million", "€40 million", "4e7", "EUR"),
        ("a $3bn loan", "$3bn", "3e9", "USD"),
        ("a £1.6bn order", "£1.6bn", "1.6e9", "GBP"),
        ("150 billion euros", "150 billion euros", "1.5e11", "EUR"),
        ("EUR 20 million", "EUR 20 million", "2e7", "EUR"),
        ("DKK 1bn", "DKK 1bn", "1e9", "DKK"),
        ("SEK 300m for drones", "SEK 300m", "3e8", "SEK"),
        ("two billion euros", "two billion euros", "2e9", "EUR"),
        ("half a billion dollars", "half a billion dollars", "5e8", "USD"),
        ("one billion Danish kroner", "one billion Danish kroner", "1e9", "DKK"),
        ("40 million Canadian dollars", "40 million Canadian dollars", "4e7", "CAD"),
        ("100 billion Polish zloty", "100 billion Polish zloty", "1e11", "PLN"),
        ("a 500 million-euro loan", "500 million-euro", "5e8", "EUR"),
        ("a new 4.2 billion euro tranche", "4.2 billion euro", "4.2e9", "EUR"),
        ("a EUR 130 million-worth contract", "EUR 130 million", "1.3e8", "EUR"),
        ("Rs 7,628.70 crore", "Rs 7,628.70 crore", "7.6287e10", "INR"),
        ("US$675 million", "US$675 million", "6.75e8", "USD"),
        ("€3B package", "€3B", "3e9", "EUR"),
        ("€ 500 million", "€ 500 million", "5e8", "EUR"),
    ],
)
def test_amounts_as_written(text, written, value, currency):
    amount = one(text)
    assert amount.text == written
    assert amount.value == Decimal(value)
    assert amount.currency == currency


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("more than €180 million", "more than"),
        ("over €180 million", "more than"),
        ("about $24 billion", "about"),
        ("approximately $24 billion", "about"),
        ("an estimated $12 billion", "about"),
        ("up to $400 million", "up to"),
        ("at least €5 million", "at least"),
        ("nearly EUR 1 billion", "nearly"),
        ("less than £2m", "less than"),
        ("€180 million", None),
    ],
)
def test_the_qualifier_before_an_amount(text, qualifier):
    assert one(text).qualifier == qualifier


def test_a_bracketed_conversion_never_replaces_the_amount():
    amount = one("€2 billion ($2.1 billion) for air defence")
    assert (amount.text, amount.currency) == ("€2 billion", "EUR")
    assert amount.conversions == ((Decimal("2.1e9"), "USD"),)
    amount = one("one billion Danish kroner (this is approximately €130 million) to Ukraine")
    assert (amount.value, amount.currency) == (Decimal("1e9"), "DKK")
    assert amount.conversions == ((Decimal("1.3e8"), "EUR"),)


def test_a_name_several_currencies_share_keeps_them_all():
    amount = one("3 billion kroner")
    assert amount.currency is None and amount.currencies == ("DKK", "NOK")


@pytest.mark.parametrize(
    "text",
    ["the year 2021", "5,000 missiles", "Its work covers 180 countries", "a billion-dollar deal", "20 eur"],
)
def test_no_amount(text):
    assert find_amounts(text) == []


def test_vague_amounts_keep_their_currency():
    amount = one("hundreds of millions of Czech crowns")
    assert (amount.value, amount.currency) == (None, "CZK")
