"""Reported speech in US political news shapes (PolNeAR): descriptions of a speaker named
before, "told AUDIENCE he ..." without "that", a setting before "that".

The people are invented ("Kalle Tamm", "Aino Virtanen"); the sentences are paraphrases.
"""

from __future__ import annotations

TAMM = "person/kalle-tamm"
VIRTANEN = "person/aino-virtanen"


def statements(facts) -> list[tuple[str, str]]:
    return [(s.speaker, s.text) for s in facts.statements]


def test_description_with_a_party_word_points_back_to_the_person(extract):
    facts = extract(
        "Kalle Tamm, the Conservative nominee, toured the depot in Tapa. "
        "Later the Conservative nominee said that the army needs more engineers."
    )
    assert statements(facts) == [(TAMM, "that the army needs more engineers")]


def test_description_with_a_place_word_points_back_to_the_person(extract):
    facts = extract(
        "Tartu Gov. Kalle Tamm toured the depot in Tapa. "
        "The Tartu governor said that the army needs more engineers."
    )
    assert statements(facts) == [(TAMM, "that the army needs more engineers")]


def test_abbreviated_title_is_the_post_of_a_later_description(extract):
    """ "Gov." before the name is the post "governor": the description finds that person, not the
    one who spoke last."""
    facts = extract(
        "Tartu Gov. Kalle Tamm toured the depot in Tapa with Aino Virtanen. "
        "“The depot is too small,” Aino Virtanen said. "
        "The governor said that the army needs more engineers."
    )
    assert (TAMM, "that the army needs more engineers") in statements(facts)


def test_told_an_audience_then_a_clause_without_that(extract):
    facts = extract("Kalle Tamm told reporters on Friday he would not resign over the tender.")
    assert statements(facts) == [(TAMM, "he would not resign over the tender")]


def test_told_an_audience_and_nothing_more_is_no_statement(extract):
    assert extract("Kalle Tamm told reporters on Friday.").statements == []


def test_setting_between_the_verb_and_that(extract):
    facts = extract(
        "Aino Virtanen said during a visit to the Tapa base on Friday that the brigade would be "
        "ready by 2027."
    )
    assert statements(facts) == [(VIRTANEN, "that the brigade would be ready by 2027")]


def test_the_one_urged_is_part_of_what_was_asked(extract):
    """ "urged the allies to ...": who is urged belongs to the request, as with "called on"."""
    facts = extract("Kalle Tamm urged the allies to send more air defence before winter.")
    assert statements(facts) == [(TAMM, "the allies to send more air defence before winter")]


def test_told_aides_to(extract):
    facts = extract("Aino Virtanen told her aides to prepare a new tender for the howitzers.")
    assert statements(facts) == [(VIRTANEN, "her aides to prepare a new tender for the howitzers")]


def test_about_before_a_number_is_what_was_said(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm has said about 20 people have shown an interest in the post."
    )
    assert statements(facts) == [(TAMM, "about 20 people have shown an interest in the post")]


def test_the_one_asked_says_nothing(extract):
    """ "X was once asked how ...": a passive speech verb makes X the one spoken to."""
    facts = extract("Estonian Defence Minister Kalle Tamm was once asked how the war would end.")
    assert facts.statements == []


def test_what_someone_calls_stays_inside_the_content(extract):
    """ "... through what she calls “...”": a speech verb in a relative clause of the content does
    not end the content; the words she is quoted with are still hers."""
    facts = extract(
        "Kalle Tamm says he admired Aino Virtanen's courage through what she calls a "
        "“war of unpleasant words.”"
    )
    assert statements(facts) == [
        (TAMM, "he admired Aino Virtanen's courage through what she calls a “war of unpleasant words”"),
        (VIRTANEN, "a “war of unpleasant words”"),
    ]
