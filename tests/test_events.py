"""Events: meetings, forums, summits, visits and signings, with participants, place and date."""

from __future__ import annotations

import pytest

from kg.facts import ArticleFacts
from kg.kinds import Event

TAMM = "person/kalle-tamm"
VIRTANEN = "person/aino-virtanen"
FORUM = "organization/nordic-defence-procurement-forum"


def only(facts: ArticleFacts) -> Event:
    assert len(facts.events) == 1, facts.events
    return facts.events[0]


def test_people_met_in_a_place_on_a_day(extract):
    event = only(
        extract(
            "Kalle Tamm, Estonia's defence minister, and Aino Virtanen, Finland's defence minister, "
            "met in Helsinki on 14 March."
        )
    )
    assert event.kind == "meeting"
    assert {TAMM, VIRTANEN} <= set(event.participants)
    assert event.place == "place/helsinki"
    assert event.date == "14 March"
    assert "Helsinki" in event.label


def test_met_someone_in_a_place(extract):
    event = only(extract("Estonian Defence Minister Kalle Tamm met Aino Virtanen in Helsinki on Tuesday."))
    assert event.kind == "meeting"
    assert set(event.participants) == {TAMM, VIRTANEN}
    assert event.place == "place/helsinki"
    assert event.date == "Tuesday"


def test_met_a_titled_person(extract):
    event = only(
        extract(
            "Estonian Defence Minister Kalle Tamm met Finnish Defence Minister Aino Virtanen "
            "in Helsinki on Tuesday."
        )
    )
    assert set(event.participants) == {TAMM, VIRTANEN}
    assert event.place == "place/helsinki"


def test_countries_met_in_a_capital_with_full_date(extract):
    event = only(
        extract("Defence ministers from Estonia, Latvia and Lithuania met in Riga on March 3, 2025.")
    )
    assert event.participants == ("country/estonia", "country/latvia", "country/lithuania")
    assert event.place == "place/riga"  # a capital after "in" is the city, not Latvia
    assert event.date == "March 3, 2025"


def test_named_forum_with_place_and_date(extract):
    event = only(extract("The Nordic Defence Procurement Forum will take place in Tartu on 12 May."))
    assert event.kind == "forum"
    assert event.label == "Nordic Defence Procurement Forum"
    assert FORUM in event.participants
    assert event.place == "place/tartu"
    assert event.date == "12 May"


def test_the_same_forum_refers_back(extract):
    facts = extract(
        "The Nordic Defence Procurement Forum opened in Oslo on Monday. "
        "At the same forum, Finland pledged to join the joint ammunition scheme."
    )
    event = only(facts)
    assert event.label == "Nordic Defence Procurement Forum"
    assert event.place == "place/oslo"
    assert "country/finland" in event.participants


def test_the_same_forum_refers_back_to_a_gathering(extract):
    facts = extract(
        "Defence officials gathered in Tartu for the Nordic Defence Procurement Forum on Thursday. "
        "Estonia presented a plan for joint shell orders. "
        "At the same forum, Latvia and Lithuania agreed to buy radars together."
    )
    event = only(facts)
    assert event.place == "place/tartu"
    assert {"country/latvia", "country/lithuania"} <= set(event.participants)


def test_summit_in_a_capital(extract):
    event = only(extract("Leaders will gather at the NATO summit in Vilnius next week."))
    assert event.kind == "summit"
    assert "organization/nato" in event.participants
    assert event.place == "place/vilnius"
    assert event.date == "next week"


def test_signing(extract):
    event = only(extract("Poland and Estonia signed a memorandum on air defence in Tallinn on Wednesday."))
    assert event.kind == "signing"
    assert event.participants == ("country/poland", "country/estonia")
    assert event.place == "place/tallinn"
    assert event.date == "Wednesday"


def test_capital_as_signatory_is_its_state(extract):
    event = only(extract("Warsaw signed the air-defence agreement on Tuesday."))
    assert event.kind == "signing"
    assert event.participants == ("country/poland",)
    assert event.place is None


def test_visited_capital_is_the_place(extract):
    event = only(extract("Estonian Defence Minister Kalle Tamm visited Kyiv on Friday."))
    assert event.kind == "visit"
    assert event.participants == (TAMM,)
    assert event.place == "place/kyiv"
    assert event.date == "Friday"


@pytest.mark.parametrize(
    "sentence",
    [
        "Mart Kuusk told reporters that Poland and Estonia signed the memorandum in Tallinn on Monday.",
        "Poland and Estonia signed the memorandum in Tallinn on Monday, Mart Kuusk said.",
    ],
    ids=["speaker-first", "speaker-last"],
)
def test_speaker_of_reported_event_is_not_a_participant(extract, sentence):
    event = only(extract(sentence))
    assert event.kind == "signing"
    assert event.participants == ("country/poland", "country/estonia")
    assert event.place == "place/tallinn"


@pytest.mark.parametrize(
    "sentence",
    [
        "Estonia and Latvia will meet the 2% target next year.",
        "Berlin will meet the 2% target by 2026, Finnish Defence Minister Aino Virtanen said.",
        "Lithuania expects to meet its spending goal before the summer.",
    ],
)
def test_meeting_a_target_is_not_an_event(extract, sentence):
    facts = extract(sentence)
    assert facts.events == []


def test_berlin_meeting_a_target_is_germany(extract):
    facts = extract("Berlin will meet the 2% target by 2026, Finnish Defence Minister Aino Virtanen said.")
    keys = {e.key for e in facts.entities}
    assert "country/germany" in keys
    assert "place/berlin" not in keys


def test_sentence_without_actors_or_place_gives_no_event(extract):
    facts = extract("The meeting was postponed because of the weather.")
    assert facts.events == []


def test_event_evidence_is_its_sentence(extract):
    text = "Estonia ordered more shells. Poland and Estonia signed a memorandum in Tallinn on Wednesday."
    facts = extract(text)
    event = only(facts)
    assert event.evidence.text == "Poland and Estonia signed a memorandum in Tallinn on Wednesday."
    assert facts.document.text[event.evidence.start : event.evidence.end] == event.evidence.text


# --- labels, places and participants (issue 20) -----------------------------------------


def test_label_is_the_meeting_phrase_never_a_fragment(extract):
    facts = extract(
        "The Valdorian president will travel to discuss the NATO summit with his ministers. "
        "Kalle Tamm told reporters that talks with Latvia went well."
    )
    labels = sorted(e.label for e in facts.events)
    assert labels == ["NATO summit", "talks"]


def test_label_takes_the_words_after_of(extract):
    event = only(
        extract("The meeting of NATO defence ministers in Brussels on 13 June was a success for Estonia.")
    )
    assert event.label == "meeting of NATO defence ministers in Brussels"
    assert event.place == "place/brussels"


def test_city_hosting_a_meeting_is_its_place_not_a_participant(extract):
    for text in (
        "The Vilnius summit, attended by Estonia and Latvia, ended on Friday.",
        "Vilnius will host the NATO summit next week, with Estonia and Latvia attending.",
    ):
        event = only(extract(text))
        assert event.place == "place/vilnius", text
        assert "country/lithuania" not in event.participants, text


def test_country_only_discussed_is_no_participant(extract):
    event = only(
        extract(
            "Defence ministers met in Riga to discuss support for Valdoria and Ukraine's air defence "
            "with Finland's defence minister Aino Virtanen."
        )
    )
    assert event.place == "place/riga"
    assert set(event.participants) == {"country/finland", VIRTANEN}


def test_topic_after_on_and_a_possessive_war(extract):
    event = only(extract("Estonia and Latvia held talks on Russia's war and on Belarus in Tallinn."))
    assert event.participants == ("country/estonia", "country/latvia")


def test_the_same_summit_named_twice_is_one_event(extract):
    facts = extract(
        "Estonia prepares the NATO summit. On Monday, the Estonian president discussed the NATO summit "
        "with Finland."
    )
    event = only(facts)
    assert {"organization/nato", "country/finland"} <= set(event.participants)


def test_agreements_concluded_are_a_signing(extract):
    event = only(extract("On 11 November, Denmark and Ukraine concluded a number of agreements on drones."))
    assert event.kind == "signing"
    assert event.participants == ("country/denmark", "country/ukraine")


def test_concluding_that_is_no_event(extract):
    assert extract("Estonia concluded that the threat had grown.").events == []


def test_a_contract_signed_with_a_company(extract):
    event = only(extract("The ministry also signed a contract with Kestrel Dynamics on drones."))
    assert event.kind == "signing"
    assert event.participants == ("organization/kestrel-dynamics",)


def test_a_briefing_is_an_event(extract):
    event = only(
        extract(
            "Kalle Tamm announced the aid during a briefing with Valdorian President Aino Virtanen in Kyiv."
        )
    )
    assert set(event.participants) == {TAMM, VIRTANEN}
    assert event.place == "place/kyiv"


def test_a_working_group_named_with_two_states_meets(extract):
    event = only(
        extract("An Estonia-Finland working group on drones will meet for the first time on Monday.")
    )
    assert event.participants == ("organization/estonia-finland-working-group",)


def test_the_speaker_takes_part_in_the_event_he_speaks_at(extract):
    event = only(
        extract(
            "Defence Minister Kalle Tamm said at a news conference in Tallinn that Estonia and Latvia "
            "would buy radars together."
        )
    )
    assert event.label == "news conference in Tallinn"
    assert event.participants == (TAMM,)
