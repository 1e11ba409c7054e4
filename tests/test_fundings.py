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


# --- the constructions news uses (issue 20) ---------------------------------------------------


def pairs(facts: ArticleFacts) -> list[tuple[str, str, Decimal | None]]:
    return [(f.funder, f.recipient, f.value) for f in facts.fundings]


@pytest.mark.parametrize(
    ("sentence", "funder", "recipient", "value", "currency"),
    [
        (
            "Norway unveiled an aid package worth NOK 2 billion for Moldova.",
            "norway",
            "moldova",
            "2e9",
            "NOK",
        ),
        (
            "The Netherlands announced a €150 million package for Georgia.",
            "netherlands",
            "georgia",
            "1.5e8",
            "EUR",
        ),
        (
            "Portugal pledged €25 million in security assistance to Moldova.",
            "portugal",
            "moldova",
            "2.5e7",
            "EUR",
        ),
        (
            "Sweden has committed SEK 1 billion to Ukraine for mine clearance.",
            "sweden",
            "ukraine",
            "1e9",
            "SEK",
        ),
        ("Spain earmarked €40 million for Moldova's navy.", "spain", "moldova", "4e7", "EUR"),
        ("Japan will provide $30 million to Georgia for coastal radars.", "japan", "georgia", "3e7", "USD"),
    ],
    ids=["package-worth-for", "package-for", "pledged-to", "committed-to", "earmarked-for", "will-provide"],
)
def test_giving_words(extract, sentence, funder, recipient, value, currency):
    funding = only(extract(sentence))
    assert (funding.funder, funding.recipient) == (f"country/{funder}", f"country/{recipient}")
    assert funding.value == Decimal(value) and funding.currency == currency


def test_will_invest_in_a_company(extract):
    funding = only(extract("Canada will invest C$200 million in Kestrel Dynamics."))
    assert (funding.funder, funding.recipient) == ("country/canada", "organization/kestrel-dynamics")
    assert funding.currency == "CAD"


@pytest.mark.parametrize(
    ("sentence", "funder", "recipient"),
    [
        ("Moldova received €60 million from Norway.", "country/norway", "country/moldova"),
        ("Georgia will get $30 million from Japan for its navy.", "country/japan", "country/georgia"),
        (
            "Kestrel Dynamics secured €90 million from Finland to expand its radar plant.",
            "country/finland",
            "organization/kestrel-dynamics",
        ),
        (
            "Moldova received a second instalment of €20 million from Austria.",
            "country/austria",
            "country/moldova",
        ),
    ],
    ids=["received-from", "will-get-from", "secured-from", "instalment-from"],
)
def test_receiving_turns_the_roles_round(extract, sentence, funder, recipient):
    funding = only(extract(sentence))
    assert (funding.funder, funding.recipient) == (funder, recipient)


def test_receiving_without_a_donor_is_no_funding(extract):
    assert extract("Moldova has already received €50 million this year.").fundings == []


def test_a_fund_it_comes_from_is_never_the_recipient(extract):
    facts = extract("The EU Council allocated €500 million from the European Peace Facility to Moldova.")
    assert [f.recipient for f in facts.fundings] == ["country/moldova"]
    facts = extract(
        "Norway set up a new fund called Baltic Shield. "
        "€18 million will be allocated from the Baltic Shield to humanitarian projects."
    )
    assert all(f.recipient != "program/baltic-shield" for f in facts.fundings)


@pytest.mark.parametrize(
    ("sentence", "funder", "value"),
    [
        (
            "Latvia signed a contract worth €75 million with Kestrel Dynamics for coastal radars.",
            "latvia",
            "7.5e7",
        ),
        ("Estonia placed an order worth €30 million with Kestrel Dynamics.", "estonia", "3e7"),
        ("Finland awarded a €45 million contract to Kestrel Dynamics.", "finland", "4.5e7"),
        ("A €45 million contract has been awarded to Kestrel Dynamics by Finland.", "finland", "4.5e7"),
        ("Kestrel Dynamics won a €45 million contract from Finland.", "finland", "4.5e7"),
    ],
    ids=["signed-with", "placed-an-order-with", "awarded-to", "passive-by", "won-from"],
)
def test_the_buyer_of_a_contract_funds_the_supplier(extract, sentence, funder, value):
    funding = only(extract(sentence))
    assert (funding.funder, funding.recipient) == (f"country/{funder}", "organization/kestrel-dynamics")
    assert funding.value == Decimal(value)


def test_a_contract_without_an_amount_is_a_funding(extract):
    funding = only(extract("Lithuania signed a contract with Kestrel Dynamics for three radars."))
    assert (funding.funder, funding.recipient, funding.amount) == (
        "country/lithuania",
        "organization/kestrel-dynamics",
        None,
    )


def test_the_ministry_is_the_state_of_the_story(extract):
    facts = extract(
        "Lithuania buys more radars\n\n"
        "The ministry also signed a EUR 20 million contract with Kestrel Dynamics on Friday."
    )
    assert pairs(facts) == [("country/lithuania", "organization/kestrel-dynamics", Decimal("2e7"))]


def test_an_order_for_the_army_names_no_supplier(extract):
    assert extract("Estonia placed an order worth €30 million for the army's new radars.").fundings == []


def test_several_funders_each_their_own(extract):
    facts = extract("Finland, Estonia and Portugal pledged €10 million each to Moldova.")
    assert sorted(pairs(facts)) == [
        ("country/estonia", "country/moldova", Decimal("1e7")),
        ("country/finland", "country/moldova", Decimal("1e7")),
        ("country/portugal", "country/moldova", Decimal("1e7")),
    ]


def test_a_list_of_funders_with_their_amounts(extract):
    facts = extract(
        "Belgium (€200 million), Norway (€140 million) and Portugal (€100 million) contributed to Moldova."
    )
    assert sorted(pairs(facts)) == [
        ("country/belgium", "country/moldova", Decimal("2e8")),
        ("country/norway", "country/moldova", Decimal("1.4e8")),
        ("country/portugal", "country/moldova", Decimal("1e8")),
    ]


def test_a_second_clause_keeps_the_recipient(extract):
    facts = extract("Belgium gave €200 million to Moldova, while the Netherlands pledged €250 million.")
    assert pairs(facts) == [
        ("country/belgium", "country/moldova", Decimal("2e8")),
        ("country/netherlands", "country/moldova", Decimal("2.5e8")),
    ]


def test_amounts_and_recipients_in_order(extract):
    facts = extract("Austria gave €4 million to Georgia and €2 million to Moldova.")
    assert pairs(facts) == [
        ("country/austria", "country/georgia", Decimal("4e6")),
        ("country/austria", "country/moldova", Decimal("2e6")),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The European Investment Bank will lend €400 million to Kestrel Dynamics.",
        "The European Investment Bank is providing a €400 million loan to Kestrel Dynamics.",
        "Kestrel Dynamics took a €400 million loan from the European Investment Bank.",
        "Kestrel Dynamics signed a €400 million loan agreement with the European Investment Bank.",
    ],
    ids=["lend-to", "loan-to", "loan-from", "loan-agreement-with"],
)
def test_a_loan_from_a_bank(extract, sentence):
    funding = only(extract(sentence))
    assert (funding.funder, funding.recipient) == (
        "organization/european-investment-bank",
        "organization/kestrel-dynamics",
    )
    assert funding.value == Decimal("4e8")


@pytest.mark.parametrize(
    ("sentence", "amount", "value", "currency", "qualifier"),
    [
        ("Norway will give Moldova two billion euros.", "two billion euros", "2e9", "EUR", None),
        ("Denmark will give Moldova DKK 1bn.", "DKK 1bn", "1e9", "DKK", None),
        ("Denmark will give Moldova 3 billion kroner.", "3 billion kroner", "3e9", "DKK", None),
        ("Norway will give Moldova 3 billion kroner.", "3 billion kroner", "3e9", "NOK", None),
        ("Britain will give Moldova £1.6bn.", "£1.6bn", "1.6e9", "GBP", None),
        ("Germany will give Moldova €2 billion ($2.1 billion).", "€2 billion", "2e9", "EUR", None),
        (
            "Denmark will give Moldova one billion Danish kroner (this is approximately €130 million).",
            "one billion Danish kroner",
            "1e9",
            "DKK",
            None,
        ),
        ("Norway pledged more than €180 million to Moldova.", "€180 million", "1.8e8", "EUR", "more than"),
        ("Japan gave Moldova about $50 million.", "$50 million", "5e7", "USD", "about"),
        ("The United States approved up to $400 million for Moldova.", "$400 million", "4e8", "USD", "up to"),
    ],
    ids=[
        "words",
        "dkk-bn",
        "kroner-denmark",
        "kroner-norway",
        "gbp-bn",
        "conversion",
        "words-conversion",
        "more-than",
        "about",
        "up-to",
    ],
)
def test_amounts_as_written_and_normalised(extract, sentence, amount, value, currency, qualifier):
    funding = only(extract(sentence))
    assert funding.amount == amount
    assert funding.value == Decimal(value) and funding.currency == currency
    assert funding.qualifier == qualifier


def test_the_qualifier_is_written_to_the_graph(extract):
    from kg.rdf.mapping import article_triples  # noqa: PLC0415

    facts = extract("Norway pledged more than €180 million to Moldova.")
    triples = "\n".join(str(t) for t in article_triples(facts))
    assert "amountQualifier" in triples and '"more than"' in triples


@pytest.mark.parametrize(
    "sentence",
    [
        "The two leaders discussed a €2 billion aid package.",
        "Poland's defence budget will grow to €40 billion next year.",
        "Germany will spend €100 billion on its own armed forces.",
        "Norway sent Moldova €40 million in March. Norway will also invest €2 billion in its own army.",
    ],
    ids=["nobody-pays", "a-budget-level", "own-forces", "own-army-after-a-funding"],
)
def test_no_funding_where_the_text_does_not_say_who_pays_whom(extract, sentence):
    facts = extract(sentence)
    assert all(value != Decimal("2e9") and value != Decimal("1e11") for _, _, value in pairs(facts))
    assert all(f.recipient != "country/germany" for f in facts.fundings)
    if "March" not in sentence:
        assert facts.fundings == []


def test_a_purpose_names_no_recipient(extract):
    facts = extract(
        "The Commission announced €500 million in awards to European companies to get more shells to Ukraine."
    )
    assert facts.fundings == []


def test_a_pledge_reported_as_speech_is_a_statement_and_a_funding(extract):
    facts = extract("Defence Minister Kari Lindqvist said Norway would provide €120 million to Moldova.")
    assert pairs(facts) == [("country/norway", "country/moldova", Decimal("1.2e8"))]
    assert [s.speaker for s in facts.statements] == ["person/kari-lindqvist"]


def test_a_minister_stands_for_the_state_of_the_title(extract):
    funding = only(
        extract("Finnish Defence Minister Aino Virtanen announced a €30 million package for Moldova.")
    )
    assert (funding.funder, funding.recipient) == ("country/finland", "country/moldova")


def test_a_capital_stands_for_its_state(extract):
    funding = only(extract("Washington has provided more than $15 billion in military assistance to Kyiv."))
    assert (funding.funder, funding.recipient) == ("country/united-states", "country/ukraine")


def test_a_programme_the_money_goes_through_is_funded_too(extract):
    facts = extract("Moldova will receive €20 million from Norway under the Baltic Shield Facility.")
    assert sorted((f.funder, f.recipient) for f in facts.fundings) == [
        ("country/norway", "country/moldova"),
        ("country/norway", "program/baltic-shield-facility"),
    ]


def test_the_owner_named_in_an_apposition_funds_the_programme(extract):
    facts = extract("The Baltic Shield Facility, the EU's new loan instrument, opened on Monday.")
    assert [(f.funder, f.recipient, f.amount) for f in facts.fundings] == [
        ("organization/european-union", "program/baltic-shield-facility", None)
    ]


def test_a_restated_amount_keeps_its_funding(extract):
    facts = extract(
        "Norway allocated €90 million to Moldova for air defence. "
        "The €90 million will pay for radars and training in Chisinau."
    )
    assert {(f.funder, f.recipient) for f in facts.fundings} == {("country/norway", "country/moldova")}


def test_the_donor_of_a_recipient_carries_over(extract):
    facts = extract(
        "Britain sent Moldova £50 million yesterday. The Group of Seven agreed a lending package in October. "
        "Yesterday's payment to Moldova is the second of three instalments totalling £150 million."
    )
    assert ("country/united-kingdom", "country/moldova", Decimal("1.5e8")) in pairs(facts)


def test_a_programme_written_with_its_size_is_funded_with_it(extract):
    facts = extract(
        "Moldova is the largest beneficiary of the €20 billion Baltic Shield Facility (BSF). "
        "The Baltic Shield Facility, the EU's new loan instrument, opened on Monday."
    )
    assert [(f.funder, f.recipient, f.value, f.currency) for f in facts.fundings] == [
        ("organization/european-union", "program/baltic-shield-facility", Decimal("2e10"), "EUR")
    ]


def test_a_headline_in_another_currency_is_the_same_funding(extract):
    facts = extract(
        "Denmark will allocate €130 million to Moldova\n\n"
        "Denmark will allocate one billion Danish kroner (this is approximately €130 million) to Moldova."
    )
    assert [(f.amount, f.currency) for f in facts.fundings] == [("one billion Danish kroner", "DKK")]


def test_a_pledge_quoted_with_both_ends_named(extract):
    facts = extract("“Norway will provide another €50 million to Moldova,” Kari Lindqvist told reporters.")
    assert pairs(facts) == [("country/norway", "country/moldova", Decimal("5e7"))]
    assert [s.speaker for s in facts.statements] == ["person/kari-lindqvist"]


def test_a_quoted_we_names_no_funder(extract):
    facts = extract(
        "Norway sent Moldova €40 million in March. “We will give another €50 million,” Kari Lindqvist said."
    )
    assert pairs(facts) == [("country/norway", "country/moldova", Decimal("4e7"))]


def test_several_funders_chipped_in(extract):
    facts = extract("Finland, Estonia and Portugal chipped in €5 million each for Moldova's demining.")
    assert sorted(f.funder for f in facts.fundings) == [
        "country/estonia",
        "country/finland",
        "country/portugal",
    ]
    assert {f.recipient for f in facts.fundings} == {"country/moldova"}


def test_a_list_of_contributors_with_their_amounts(extract):
    facts = extract(
        "Norway gave Moldova €10 million in May. The contributors include Sweden with $9.5 million, "
        "Germany with $12.7 million and Norway with $3.8 million."
    )
    assert set(pairs(facts)) == {
        ("country/norway", "country/moldova", Decimal("1e7")),
        ("country/sweden", "country/moldova", Decimal("9.5e6")),
        ("country/germany", "country/moldova", Decimal("1.27e7")),
        ("country/norway", "country/moldova", Decimal("3.8e6")),
    }


def test_support_a_recipient_with_an_amount(extract):
    funding = only(extract("Norway will support Moldova with $50 million."))
    assert (funding.funder, funding.recipient) == ("country/norway", "country/moldova")


def test_a_nationality_before_the_sum_names_its_funder(extract):
    funding = only(extract("The corridor opens a route for Finnish military aid to Moldova."))
    assert (funding.funder, funding.recipient) == ("country/finland", "country/moldova")


def test_a_relative_clause_names_its_own_ends(extract):
    facts = extract(
        "Norway sent Moldova €40 million in March. "
        "The minister praised the Baltic Shield Facility that paid €5 million for the radar."
    )
    assert pairs(facts) == [("country/norway", "country/moldova", Decimal("4e7"))]


def test_what_is_given_in_exchange_is_no_recipient(extract):
    facts = extract("Norway will give €5 million to Moldova in exchange for Georgia's support.")
    assert pairs(facts) == [("country/norway", "country/moldova", Decimal("5e6"))]


def test_a_contract_to_buy_from_a_seller(extract):
    funding = only(extract("Latvia signed a contract to import 40 radars from Kestrel Dynamics."))
    assert (funding.funder, funding.recipient) == ("country/latvia", "organization/kestrel-dynamics")


def test_it_is_the_state_the_sentence_named(extract):
    funding = only(
        extract("The Netherlands announced that it was allocating an additional €3.5 billion to Moldova.")
    )
    assert (funding.funder, funding.recipient) == ("country/netherlands", "country/moldova")


def test_his_country_is_the_state_of_the_story(extract):
    facts = extract(
        "Norway sent Moldova €10 million in May. "
        "Prime Minister Kari Lindqvist stated that his country is investing €700 million "
        "in radars for Moldova."
    )
    assert ("country/norway", "country/moldova", Decimal("7e8")) in pairs(facts)


def test_a_loan_agreement_between_two_states_says_not_who_lends(extract):
    assert extract("Japan signed a $300 million loan agreement with Moldova.").fundings == []
    facts = extract(
        "Moldova received $100 million from Japan in May. "
        "Moldova signed a $300 million loan agreement with Japan."
    )
    assert ("country/japan", "country/moldova", Decimal("3e8")) in pairs(facts)


def test_a_company_that_contracts_with_a_state_sells_to_it(extract):
    funding = only(
        extract("Kestrel Dynamics signed a €300 million contract with Lithuania for artillery shells.")
    )
    assert (funding.funder, funding.recipient) == ("country/lithuania", "organization/kestrel-dynamics")


def test_a_bank_that_signs_a_loan_agreement_lends(extract):
    funding = only(
        extract("The European Investment Bank signed a €500 million loan agreement with Kestrel Dynamics.")
    )
    assert (funding.funder, funding.recipient) == (
        "organization/european-investment-bank",
        "organization/kestrel-dynamics",
    )


# --- a person named as the recipient (issue 22: a recipient is a programme, an organisation or a state)


def test_money_to_a_titled_minister_goes_to_the_state_his_title_names(extract):
    facts = extract("Norway transferred 5 million euros to Ukrainian Defence Minister Kalle Tamm for drones.")
    funding = only(facts)
    assert (funding.funder, funding.recipient) == ("country/norway", "country/ukraine")


def test_money_toward_a_persons_campaign_funds_nobody(extract):
    """ "which gave $2 million toward Tamm's campaign": a person is no recipient."""
    facts = extract(
        "Kalle Tamm, the mayor of Tartu, flew to Riga on Monday. He will speak at a meeting of the "
        "European People's Party, which gave about $2 million toward Tamm’s 2023 election campaign."
    )
    assert [f for f in facts.fundings if f.recipient.startswith("person/")] == []
