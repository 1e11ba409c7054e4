"""Fundings: funder, recipient and the amount (text, Decimal value, ISO currency)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.facts import ArticleFacts
from kg.kinds import Funding


def only(facts: ArticleFacts) -> Funding:
    assert len(facts.fundings) == 1, facts.fundings
    return facts.fundings[0]


def test_double_object(extract):
    funding = only(extract("Lithuania sent Ukraine €40 million for air defence."))
    assert funding.funder == "country/lithuania"
    assert funding.recipient == "country/ukraine"
    assert funding.amount == "€40 million"
    assert funding.value == Decimal("40000000")
    assert isinstance(funding.value, Decimal)
    assert funding.currency == "EUR"


def test_to_recipient(extract):
    funding = only(extract("Estonia gave €25 million to Ukraine last month."))
    assert (funding.funder, funding.recipient) == ("country/estonia", "country/ukraine")
    assert funding.value == Decimal("25000000") and funding.currency == "EUR"


@pytest.mark.parametrize(
    ("sentence", "funder", "recipient", "amount", "value", "currency"),
    [
        (
            "Denmark will provide $3 billion to Ukraine for artillery.",
            "country/denmark",
            "country/ukraine",
            "$3 billion",
            Decimal("3000000000"),
            "USD",
        ),
        (
            "The United Kingdom pledged £1.2bn to Ukraine for long-range drones.",
            "country/united-kingdom",
            "country/ukraine",
            "£1.2bn",
            Decimal("1200000000"),
            "GBP",
        ),
        (
            "Norway will lend Moldova 150 million euros to modernise its army.",
            "country/norway",
            "country/moldova",
            "150 million euros",
            Decimal("150000000"),
            "EUR",
        ),
        (
            "Finland allocated EUR 20 million to Ukraine for demining equipment.",
            "country/finland",
            "country/ukraine",
            "EUR 20 million",
            Decimal("20000000"),
            "EUR",
        ),
        (
            "The United Kingdom gave £750 million ($950m) to Ukraine for air defence.",
            "country/united-kingdom",
            "country/ukraine",
            "£750 million",
            Decimal("750000000"),
            "GBP",
        ),
    ],
    ids=["usd-billion", "gbp-bn", "euros-word", "eur-code", "converted-in-brackets"],
)
def test_amount_forms(extract, sentence, funder, recipient, amount, value, currency):
    funding = only(extract(sentence))
    assert (funding.funder, funding.recipient) == (funder, recipient)
    assert funding.amount == amount
    assert funding.value == value
    assert funding.currency == currency


def test_programme_named_with_called_is_the_recipient(extract):
    funding = only(extract("Lithuania will pay €40 million into a new fund called Baltic Shield."))
    assert funding.funder == "country/lithuania"
    assert funding.recipient == "program/baltic-shield"
    assert funding.value == Decimal("40000000")


def test_programme_with_a_head_word_is_the_recipient(extract):
    funding = only(
        extract("Lithuania will pay €40 million into a new fund called the Baltic Shield Facility.")
    )
    assert funding.funder == "country/lithuania"
    assert funding.recipient == "program/baltic-shield-facility"


def test_passive_funded_by(extract):
    funding = only(
        extract("A new programme called Baltic Radar is funded by Kestrel Dynamics with €300 million.")
    )
    assert funding.funder == "organization/kestrel-dynamics"
    assert funding.recipient == "program/baltic-radar"
    assert funding.value == Decimal("300000000") and funding.currency == "EUR"


def test_passive_funded_by_with_recipient_before(extract):
    funding = only(extract("The €40 million loan to Ukraine was funded by Lithuania."))
    assert (funding.funder, funding.recipient) == ("country/lithuania", "country/ukraine")


def test_passive_funded_by_with_a_determiner(extract):
    funding = only(
        extract(
            "A new programme called Baltic Radar is funded by the Nordic Investment Bank with €300 million."
        )
    )
    assert funding.funder == "organization/nordic-investment-bank"
    assert funding.recipient == "program/baltic-radar"


def test_sale_to_reverses_the_roles(extract):
    funding = only(
        extract("Kestrel Dynamics announced the sale of 40 reconnaissance drones to Latvia for €12 million.")
    )
    assert funding.funder == "country/latvia"
    assert funding.recipient == "organization/kestrel-dynamics"
    assert funding.value == Decimal("12000000")


def test_pay_a_company(extract):
    funding = only(extract("Estonia will pay Kestrel Dynamics €36 million for 12 howitzers."))
    assert (funding.funder, funding.recipient) == ("country/estonia", "organization/kestrel-dynamics")
    assert funding.amount == "€36 million"


def test_currency_code_after_a_double_object_verb(extract):
    funding = only(
        extract("The Commission awarded EUR 20 million to Kestrel Dynamics for loitering munitions.")
    )
    assert funding.funder == "organization/european-commission"
    assert funding.recipient == "organization/kestrel-dynamics"
    assert funding.value == Decimal("20000000") and funding.currency == "EUR"


def test_bought_from(extract):
    funding = only(extract("Estonia bought 12 howitzers from Kestrel Dynamics for €36 million."))
    assert (funding.funder, funding.recipient) == ("country/estonia", "organization/kestrel-dynamics")


def test_received_from(extract):
    funding = only(extract("Ukraine received €40 million from Lithuania for air defence."))
    assert (funding.funder, funding.recipient) == ("country/lithuania", "country/ukraine")


def test_funder_carries_over_to_the_next_sentence(extract):
    facts = extract(
        "Lithuania sent Ukraine €40 million for air defence in March. "
        "A further €10 million was sent to Moldova in April."
    )
    assert [(f.funder, f.recipient, f.value) for f in facts.fundings] == [
        ("country/lithuania", "country/ukraine", Decimal("40000000")),
        ("country/lithuania", "country/moldova", Decimal("10000000")),
    ]


def test_amount_without_a_funding_word_is_not_a_funding(extract):
    facts = extract("Estonia's defence budget reached €1.6 billion in 2024, up from €1.3 billion.")
    assert facts.fundings == []


def test_funding_word_without_an_amount_is_not_a_funding(extract):
    facts = extract("Lithuania will send Ukraine more artillery shells next year.")
    assert facts.fundings == []
