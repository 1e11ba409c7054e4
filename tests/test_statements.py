"""Statements: direct quotations and reported speech, with the speaker resolved.

The speakers are invented (Estonian defence minister "Kalle Tamm", Finnish
defence minister "Aino Virtanen", an MP "Mart Kuusk") so that the rules, not
the known-entity list, find them.
"""

from __future__ import annotations

import pytest

from kg.facts import ArticleFacts
from kg.kinds import Statement

TAMM = "person/kalle-tamm"
VIRTANEN = "person/aino-virtanen"
KUUSK = "person/mart-kuusk"
QUOTE_MARKS = set("“”\"«»‘’'„")


def only(facts: ArticleFacts) -> Statement:
    assert len(facts.statements) == 1, facts.statements
    return facts.statements[0]


def said_by(facts: ArticleFacts, speaker: str) -> list[Statement]:
    return [s for s in facts.statements if s.speaker == speaker]


def assert_clean(text: str) -> None:
    """A statement's text has no quote marks and no stray punctuation at its ends."""
    assert not QUOTE_MARKS & set(text), text
    assert text == text.strip() and text[:1] not in ",;:" and text[-1:] not in ",;:", text


# --- direct quotations -------------------------------------------------------------


def test_quote_before_said_and_apposition(extract):
    facts = extract(
        "“We must double our ammunition output by next spring,” said Kalle Tamm, Estonia’s defence minister."
    )
    statement = only(facts)
    assert statement.speaker == TAMM
    assert statement.direct is True
    assert statement.text == "We must double our ammunition output by next spring"
    assert "Kalle Tamm" in statement.evidence.text


def test_quote_after_said_with_colon(extract):
    statement = only(
        extract(
            "Estonian Defence Minister Kalle Tamm said: “Our stocks of artillery shells are running low.”"
        )
    )
    assert (statement.speaker, statement.direct) == (TAMM, True)
    assert statement.text == "Our stocks of artillery shells are running low"


def test_quote_before_inverted_attribution_with_time(extract):
    statement = only(
        extract(
            "“Our stocks of artillery shells are running low,” Estonian Defence Minister Kalle Tamm "
            "said on Monday."
        )
    )
    assert (statement.speaker, statement.direct) == (TAMM, True)
    assert statement.text == "Our stocks of artillery shells are running low"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("“", "”"),
        ('"', '"'),
        ("«", "»"),
        ("‘", "’"),
        ("'", "'"),
        ("„", "“"),
    ],
    ids=["curly-double", "straight-double", "guillemets", "curly-single", "straight-single", "german"],
)
@pytest.mark.parametrize("order", ["quote-first", "speaker-first"])
def test_every_quote_mark_style(extract, opening, closing, order):
    content = "The border is quiet but the threat is growing"
    if order == "quote-first":
        text = f"{opening}{content},{closing} said Estonian Defence Minister Kalle Tamm."
    else:
        text = f"Estonian Defence Minister Kalle Tamm said: {opening}{content}.{closing}"
    statement = only(extract(text))
    assert statement.speaker == TAMM
    assert statement.direct is True
    assert statement.text == content
    assert_clean(statement.text)


def test_quote_with_apostrophes_inside_straight_single_quotes(extract):
    statement = only(
        extract("Kalle Tamm said: 'Europe's factories aren't ready, and we can't wait for them.'")
    )
    assert (statement.speaker, statement.direct) == (TAMM, True)
    assert statement.text == "Europe's factories aren't ready, and we can't wait for them"


def test_two_quotes_around_a_full_stop_attribution(extract):
    """ "“A,” X said. “B.”": one run of quoted words around its attribution, one statement with
    the attribution left out, as PARC and PolNeAR mark it (one attribution, both quotations)."""
    facts = extract("“We will buy more drones,” Kalle Tamm said. “And we will build them at home.”")
    texts = [s.text for s in said_by(facts, TAMM)]
    assert texts == ["We will buy more drones, And we will build them at home"]
    assert all(s.direct for s in facts.statements)


def test_split_quote_with_speaker_before_verb(extract):
    facts = extract("“We will buy more drones,” Kalle Tamm said, “and we will build them at home.”")
    statements = said_by(facts, TAMM)
    assert statements and len(statements) == len(facts.statements)
    assert all(s.direct for s in statements)
    for s in statements:
        assert_clean(s.text)
    joined = " ".join(s.text for s in statements)
    assert "We will buy more drones" in joined and "build them at home" in joined


def test_split_quote_with_verb_before_speaker(extract):
    facts = extract("“We will buy more drones,” said Mart Kuusk, “and we will build them at home.”")
    statements = said_by(facts, KUUSK)
    joined = " ".join(s.text for s in statements)
    assert "We will buy more drones" in joined and "build them at home" in joined
    assert all(s.direct for s in statements)


def test_quote_with_a_nested_quotation(extract):
    statement = only(
        extract(
            "Kalle Tamm said: “Our allies keep telling us ‘be patient’, but patience does not stop drones.”"
        )
    )
    assert statement.speaker == TAMM and statement.direct
    assert statement.text.startswith("Our allies keep telling us")
    assert statement.text.endswith("patience does not stop drones")


# --- reported speech -----------------------------------------------------------------


def test_according_to_a_titled_speaker(extract):
    statement = only(
        extract("According to Estonian Defence Minister Kalle Tamm, the new brigade will be ready by 2027.")
    )
    assert (statement.speaker, statement.direct) == (TAMM, False)
    assert statement.text == "the new brigade will be ready by 2027"


def test_according_to_a_state_body(extract):
    facts = extract(
        "The brigade is behind schedule. According to the Estonian defence ministry, the first "
        "battalion will be ready by 2027."
    )
    statement = only(facts)
    assert statement.speaker == "organization/ministry-of-defence-of-estonia"
    assert statement.text == "the first battalion will be ready by 2027"
    assert statement.direct is False


def test_according_to_an_unknown_name(extract):
    statement = only(extract("According to Kalle Tamm, the new brigade will be ready by 2027."))
    assert statement.speaker == TAMM


def test_told_reporters_that(extract):
    """The reported content keeps its complementizer: "that" opens the complement clause of the
    speech verb, and attribution corpora (PARC, PolNeAR) mark the content with it."""
    statement = only(
        extract("Mart Kuusk told reporters in Tallinn on Friday that the new brigade will be ready by 2027.")
    )
    assert (statement.speaker, statement.direct) == (KUUSK, False)
    assert statement.text == "that the new brigade will be ready by 2027"


def test_that_before_an_inserted_clause_is_kept(extract):
    """ "said that, if ..., ...": the complementizer stays even with a comma after it."""
    statement = only(
        extract("Mart Kuusk said that, if the budget passes, the brigade will be ready by 2027.")
    )
    assert (statement.speaker, statement.direct) == (KUUSK, False)
    assert statement.text == "that, if the budget passes, the brigade will be ready by 2027"


def test_that_before_a_quotation_is_not_part_of_it(extract):
    """ "said that “...”": the quoted words are the statement, direct, without the "that"."""
    statement = only(extract("Mart Kuusk said that “the brigade will be ready by 2027.”"))
    assert (statement.speaker, statement.direct) == (KUUSK, True)
    assert statement.text == "the brigade will be ready by 2027"


def test_told_journalists_with_a_quote(extract):
    statement = only(extract("Mart Kuusk told journalists: “The new brigade will be ready by 2027.”"))
    assert (statement.speaker, statement.direct) == (KUUSK, True)
    assert statement.text == "The new brigade will be ready by 2027"


def test_reported_speech_with_warned_that(extract):
    """ "warned that ...": the content is the whole complement clause, its "that" included."""
    statement = only(
        extract("Mart Kuusk warned that Russia could test NATO's eastern flank within five years.")
    )
    assert (statement.speaker, statement.direct) == (KUUSK, False)
    assert statement.text == "that Russia could test NATO's eastern flank within five years"


def test_reported_speech_after_the_content(extract):
    statement = only(
        extract(
            "Germany will meet the 2% target by 2026, Finnish Defence Minister Aino Virtanen said on Tuesday."
        )
    )
    assert statement.speaker == VIRTANEN
    assert statement.text == "Germany will meet the 2% target by 2026"
    assert statement.direct is False


def test_parenthetical_attribution_with_a_name(extract):
    statement = only(extract("Ukraine, Kalle Tamm added, has shown how cheap drones change the battlefield."))
    assert statement.speaker == TAMM
    assert statement.text == "Ukraine has shown how cheap drones change the battlefield"


def test_parenthetical_attribution_with_a_pronoun(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm said the purchase was urgent. "
        "Ukraine, he added, has shown how cheap drones change the battlefield."
    )
    statements = said_by(facts, TAMM)
    assert [s.text for s in statements] == [
        "the purchase was urgent",
        "Ukraine has shown how cheap drones change the battlefield",
    ]


def test_coordinated_speakers_give_one_statement_each(extract):
    facts = extract("Mart Kuusk and Aino Virtanen argued that the Baltic states need more air defence.")
    assert sorted(s.speaker for s in facts.statements) == [VIRTANEN, KUUSK]
    assert {s.text for s in facts.statements} == {"that the Baltic states need more air defence"}


def test_organisation_as_speaker(extract):
    facts = extract(
        "The Baltic Ammunition Agency said on Monday that it had signed contracts for 90,000 shells."
    )
    statement = only(facts)
    assert statement.speaker == "organization/baltic-ammunition-agency"
    assert statement.text == "that it had signed contracts for 90,000 shells"


def test_organisation_with_its_acronym_as_speaker(extract):
    facts = extract(
        "The Baltic Ammunition Agency (BAA) said on Monday that it had signed contracts for 90,000 shells."
    )
    statement = only(facts)
    assert statement.speaker == "organization/baltic-ammunition-agency"
    assert statement.text == "that it had signed contracts for 90,000 shells"


# --- pronouns and unattributed quotations --------------------------------------------


def test_he_added_goes_to_the_last_speaker_not_the_last_person_named(extract):
    facts = extract(
        "“We will buy more drones,” said Estonian Defence Minister Kalle Tamm. "
        "Finnish Defence Minister Aino Virtanen attended the briefing. "
        "“The factories are already running,” he added."
    )
    assert [s.text for s in said_by(facts, TAMM)] == [
        "We will buy more drones",
        "The factories are already running",
    ]
    assert said_by(facts, VIRTANEN) == []


def test_he_added_after_a_meeting_sentence(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm said the purchase was urgent. "
        "He met Finnish Defence Minister Aino Virtanen in Helsinki on Tuesday. "
        "“The factories are already running,” he added."
    )
    statement = next(s for s in facts.statements if s.text == "The factories are already running")
    assert statement.speaker == TAMM
    assert statement.direct is True


def test_unattributed_quote_paragraph_goes_to_the_previous_speaker(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm spoke to students in Tartu on Monday. "
        "“We are buying time with every shell we send,” he said.\n"
        "“Ammunition production is the real front line of this war.”"
    )
    assert [(s.text, s.direct) for s in said_by(facts, TAMM)] == [
        ("We are buying time with every shell we send", True),
        ("Ammunition production is the real front line of this war", True),
    ]
    assert len(facts.statements) == 2


def test_unresolvable_speaker_gives_no_statement(extract):
    facts = extract("The new drone factory in Tartu will open next year, local media reported.")
    assert facts.statements == []


def test_quote_reported_by_unnamed_media_is_not_given_to_the_previous_speaker(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm said the brigade was ready.\n"
        "“The border units are still short of night-vision goggles,” local media reported."
    )
    assert [s.text for s in facts.statements] == ["the brigade was ready"]


def test_quote_attributed_to_an_anonymous_official_is_dropped(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited the depot.\n"
        "“This is a warning to all of us,” an official said."
    )
    assert facts.statements == []


def test_statement_evidence_points_into_the_text(extract):
    text = (
        "Estonia plans a new brigade. "
        "“We must double our ammunition output,” said Estonian Defence Minister Kalle Tamm."
    )
    facts = extract(text)
    statement = only(facts)
    evidence = statement.evidence
    assert facts.document.text[evidence.start : evidence.end].strip() == evidence.text
    assert evidence.text.startswith("“We must double")


# --- quotation marks and paragraphs ----------------------------------------------------


def test_straight_quote_after_another_sentence_of_the_paragraph(extract):
    facts = extract(
        'The depot in Tapa was inspected on Monday. "We will buy more drones," Kalle Tamm said. '
        '"And we will build them at home."'
    )
    assert [(s.text, s.direct) for s in said_by(facts, TAMM)] == [
        ("We will buy more drones, And we will build them at home", True),
    ]


def test_quotation_left_open_runs_on_over_paragraphs_as_one_statement(extract):
    """A quotation left open at the end of its paragraph goes on in the next: one statement."""
    facts = extract(
        "Kalle Tamm said: “The brigade is almost ready.\n\n“The last howitzers arrive in May.\n\n"
        "“Then the training starts.”\n\n“We also need more trucks,” Aino Virtanen said."
    )
    assert [(s.speaker, s.text, s.direct) for s in facts.statements] == [
        (
            TAMM,
            "The brigade is almost ready. The last howitzers arrive in May. Then the training starts",
            True,
        ),
        (VIRTANEN, "We also need more trucks", True),
    ]


def test_closed_quotation_in_the_next_paragraph_stays_apart(extract):
    """A paragraph whose quotation was closed ends the run: the next quotation is a statement of
    its own, still the same speaker's."""
    facts = extract("“The brigade is almost ready,” Kalle Tamm said.\n\n“The last howitzers arrive in May.”")
    assert [(s.speaker, s.text) for s in facts.statements] == [
        (TAMM, "The brigade is almost ready"),
        (TAMM, "The last howitzers arrive in May"),
    ]


def test_next_quotation_of_another_speaker_is_not_merged(extract):
    facts = extract(
        "“The brigade is almost ready,” Kalle Tamm said. “We also need more trucks,” Aino Virtanen said."
    )
    assert [(s.speaker, s.text) for s in facts.statements] == [
        (TAMM, "The brigade is almost ready"),
        (VIRTANEN, "We also need more trucks"),
    ]


def test_long_lead_in_before_a_colon_and_quotation_is_no_statement(extract):
    """ "In response to ..., X said: “...”": the quotation is what was said; the lead-in, however
    long, is its setting."""
    facts = extract(
        "In response to Kalle Tamm's call for all member states of the alliance to spend 5% of their "
        "GDP on defence, Aino Virtanen said: 'First, Finland already spends more than its neighbours.'"
    )
    assert [(s.speaker, s.text, s.direct) for s in said_by(facts, VIRTANEN)] == [
        (VIRTANEN, "First, Finland already spends more than its neighbours", True)
    ]


def test_typewriter_double_apostrophe_quotes(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited the depot. ''Our stocks are running low,'' he said."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text, statement.direct) == (
        TAMM,
        "Our stocks are running low",
        True,
    )


def test_stray_opening_mark_does_not_swallow_the_paragraph(extract):
    facts = extract(
        'Kalle Tamm said "the plant is ready. Finnish Defence Minister Aino Virtanen said that '
        "the order for 40 howitzers was placed."
    )
    assert [s.text for s in said_by(facts, VIRTANEN)] == ["that the order for 40 howitzers was placed"]
    for s in facts.statements:
        assert_clean(s.text)


def test_quotation_over_two_paragraphs_goes_to_the_speaker_named_at_its_end(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm spoke in Tartu on Monday.\n\n"
        "“We are short of shells. The factories cannot keep up with the front.\n\n"
        "“We need a second plant by next year,” said Finnish Defence Minister Aino Virtanen."
    )
    assert [(s.text, s.direct) for s in said_by(facts, VIRTANEN)] == [
        ("We are short of shells. The factories cannot keep up with the front", True),
        ("We need a second plant by next year", True),
    ]
    assert said_by(facts, TAMM) == []


def test_quote_inside_reported_speech_keeps_its_marks_and_nothing_stray(extract):
    facts = extract(
        "Kalle Tamm said the brigade was “ready for anything” after the winter exercise. "
        "Aino Virtanen said the plan was ''a mistake'' from the start."
    )
    assert [(s.speaker, s.text, s.direct) for s in facts.statements] == [
        (TAMM, "the brigade was “ready for anything” after the winter exercise", False),
        (VIRTANEN, 'the plan was "a mistake" from the start', False),
    ]


# --- descriptions -------------------------------------------------------------------


def test_the_minister_is_the_last_speaker_when_no_post_was_named(extract):
    facts = extract(
        "“We signed two contracts this week,” Kalle Tamm told a press conference on Friday.\n\n"
        "The minister said the first launchers would arrive by 2027."
    )
    assert [s.text for s in said_by(facts, TAMM)] == [
        "We signed two contracts this week",
        "the first launchers would arrive by 2027",
    ]


def test_the_president_is_not_the_last_speaker_if_that_one_holds_another_post(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm said the brigade was ready.\n\n"
        "The president said the budget would grow next year."
    )
    assert [s.text for s in facts.statements] == ["the brigade was ready"]


def test_the_post_after_the_verb_points_back_to_the_person_named_with_it(extract):
    facts = extract(
        "Finnish Defence Minister Aino Virtanen and MP Mart Kuusk visited the base in Tapa.\n\n"
        "“You keep watch over the whole alliance here,” said the defence minister."
    )
    statement = only(facts)
    assert (statement.speaker, statement.direct) == (VIRTANEN, True)
    assert statement.text == "You keep watch over the whole alliance here"


def test_a_nationality_in_the_description_picks_the_person(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm met Finnish Defence Minister Aino Virtanen in Tallinn.\n\n"
        "The Finnish minister said the joint air defence plan would be ready in May."
    )
    statement = only(facts)
    assert statement.speaker == VIRTANEN
    assert statement.text == "the joint air defence plan would be ready in May"


def test_the_council_it_and_the_statement_point_back_to_the_body(extract):
    facts = extract(
        "The Nordic Defence Council on Tuesday adopted a joint procurement plan.\n\n"
        "The plan will pool orders for air defence missiles, the council said in a statement.\n\n"
        "“The aim is to buy faster and cheaper,” it added.\n\n"
        "“Partners outside the region may join later,” the statement said."
    )
    council = "organization/nordic-defence-council"
    assert [(s.speaker, s.text) for s in facts.statements] == [
        (council, "The plan will pool orders for air defence missiles"),
        (council, "The aim is to buy faster and cheaper"),
        (council, "Partners outside the region may join later"),
    ]


# --- speakers with appositions, brackets and times ---------------------------------------


def test_description_then_name_in_commas_before_the_verb(extract):
    facts = extract(
        "The Estonian president's top security adviser, Mart Kuusk, said on Tuesday that "
        "the two leaders also discussed the air defence of the Baltic states."
    )
    statement = only(facts)
    assert statement.speaker == KUUSK
    assert statement.text == "that the two leaders also discussed the air defence of the Baltic states"


def test_long_apposition_with_a_relative_clause_before_the_verb(extract):
    facts = extract(
        "Mart Kuusk, a retired colonel who served two tours in Afghanistan before entering parliament, "
        "said the army needed more engineers."
    )
    statement = only(facts)
    assert statement.speaker == KUUSK
    assert statement.text == "the army needed more engineers"


def test_politician_with_a_party_bracket(extract):
    facts = extract("“The reserves are too small,” Mart Kuusk (Isamaa) said.")
    statement = only(facts)
    assert (statement.speaker, statement.text) == (KUUSK, "The reserves are too small")


def test_time_between_the_speaker_and_told(extract):
    facts = extract(
        "Aino Virtanen on Friday told the broadcaster that Finland had won the support it sought."
    )
    statement = only(facts)
    assert statement.speaker == VIRTANEN
    assert statement.text == "that Finland had won the support it sought"


# --- according to, this, quoted as saying -------------------------------------------------


def test_according_to_at_the_end_of_the_sentence(extract):
    facts = extract(
        "The meeting in Helsinki was a success for Finland, according to Finnish Defence Minister "
        "Aino Virtanen."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (
        VIRTANEN,
        "The meeting in Helsinki was a success for Finland",
    )


def test_according_to_inside_the_sentence(extract):
    facts = extract("The new brigade, according to Kalle Tamm, will be ready by 2027.")
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "The new brigade will be ready by 2027")


def test_according_to_him_across_sentences(extract):
    facts = extract(
        "Kalle Tamm said the order was placed. According to him, the first howitzers will arrive in May."
    )
    assert [s.text for s in said_by(facts, TAMM)] == [
        "the order was placed",
        "the first howitzers will arrive in May",
    ]


def test_according_to_a_news_agency_is_no_speaker_when_the_sentence_has_one(extract):
    facts = extract("Kalle Tamm said the order for 40 howitzers was placed on Monday, according to Reuters.")
    statement = only(facts)
    assert statement.speaker == TAMM
    assert statement.text.startswith("the order for 40 howitzers was placed")


def test_speaker_said_this_about_the_sentence_before(extract):
    facts = extract(
        "Estonia will spend 5% of its GDP on defence next year. "
        "Kalle Tamm said this during a briefing in Tallinn on Monday."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (
        TAMM,
        "Estonia will spend 5% of its GDP on defence next year",
    )


def test_outlet_quoted_a_person_as_saying(extract):
    facts = extract(
        "The Baltic News Agency quoted Estonian Defence Minister Kalle Tamm as saying that the brigade "
        "would be ready by 2027."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "that the brigade would be ready by 2027")


def test_outlet_quoted_an_unnamed_statement_as_saying(extract):
    facts = extract(
        "The ministry will spend 1.2 billion euros on drones, the Baltic News Agency quoted an official "
        "statement as saying on Wednesday."
    )
    statement = only(facts)
    assert statement.speaker == "organization/baltic-news-agency"
    assert statement.text == "The ministry will spend 1.2 billion euros on drones"


# --- speech acts on an object ---------------------------------------------------------------


@pytest.mark.parametrize(
    "verb_phrase",
    [
        "accused the Kremlin of lying about the drones",
        "thanked the soldiers for their service on the border",
        "dismissed claims that the air defences had failed",
        "denied that the budget would be cut",
    ],
)
def test_speech_act_keeps_its_verb(extract, verb_phrase):
    facts = extract(f"Estonian Defence Minister Kalle Tamm {verb_phrase}.")
    statement = only(facts)
    assert (statement.speaker, statement.text, statement.direct) == (TAMM, verb_phrase, False)


# --- headlines ---------------------------------------------------------------------------------


def test_headline_with_a_post_and_says(extract):
    facts = extract(
        "Russia is testing the alliance, foreign minister says\n\n"
        "Estonian Foreign Minister Kalle Tamm spoke to reporters in Tallinn on Monday."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "Russia is testing the alliance")


def test_headline_opening_with_a_post_and_says(extract):
    facts = extract(
        "Defence chief says Europe needs more air defence\n\n"
        "Finnish defence chief Aino Virtanen spoke at a conference in Helsinki on Monday."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (VIRTANEN, "Europe needs more air defence")


def test_headline_with_the_speaker_first(extract):
    facts = extract(
        "Virtanen: the summit was a success for Finland\n\n"
        "Finnish Defence Minister Aino Virtanen spoke to reporters in Helsinki."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (VIRTANEN, "the summit was a success for Finland")


def test_headline_without_a_speaker_is_no_statement(extract):
    facts = extract(
        "Estonia will double its artillery stocks\n\n"
        "Estonian Defence Minister Kalle Tamm visited the depot in Tapa on Monday."
    )
    assert facts.statements == []


def test_described_this_as_keeps_its_own_content(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm listed the topics of the meeting. "
        "He described this as a “central task.”"
    )
    assert [s.text for s in said_by(facts, TAMM)] == ["this as a “central task”"]


def test_numbers_after_saying_are_content_not_a_date(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm rejected the claim, saying 19 drone incursions in one night "
        "were no accident."
    )
    texts = [s.text for s in said_by(facts, TAMM)]
    assert "19 drone incursions in one night were no accident" in texts


def test_said_to_an_outlet_is_no_content(extract):
    facts = extract("“Sometimes old diplomats need a rest!” Aino Virtanen said to Helsingin Sanomat.")
    statement = only(facts)
    assert (statement.speaker, statement.text) == (VIRTANEN, "Sometimes old diplomats need a rest")


def test_remarked_upon_a_topic_is_no_statement(extract):
    facts = extract("Estonian Defence Minister Kalle Tamm remarked upon a recent report in a local paper.")
    assert facts.statements == []


def test_the_nato_chief_points_to_the_secretary_general(extract):
    facts = extract(
        "NATO Secretary General Kalle Tamm met the Finnish president on Tuesday.\n\n"
        "The NATO chief wrote afterwards: “Good talks on the air defence of the north.”"
    )
    statement = only(facts)
    assert (statement.speaker, statement.text, statement.direct) == (
        TAMM,
        "Good talks on the air defence of the north",
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Estonian Defence Minister Kalle Tamm revealed the details.",
        "The ministry's claims were rejected by the court.",
        "Finland and Estonia concluded a number of agreements on ammunition.",
    ],
)
def test_no_claim_in_a_bare_object_or_a_noun(extract, text):
    assert extract(text).statements == []


def test_question_in_a_quote_keeps_its_attribution(extract):
    facts = extract(
        "Finnish Defence Minister Aino Virtanen visited the border.\n\n"
        "“Why should we wait for the next incursion?” Virtanen asked."
    )
    statement = only(facts)
    assert (statement.speaker, statement.direct) == (VIRTANEN, True)
    assert statement.text == "Why should we wait for the next incursion"


def test_title_case_headline_with_says(extract):
    facts = extract(
        "Tamm Says Estonia Will Double Its Artillery Stocks\n\n"
        "Estonian Defence Minister Kalle Tamm spoke in Tallinn on Monday."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "Estonia Will Double Its Artillery Stocks")


def test_second_speech_verb_of_the_sentence_subject(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited the troops in Tapa and thanked them for "
        "guarding the eastern flank."
    )
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "thanked them for guarding the eastern flank")


def test_called_on_allies_to(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm called on the allies to “send more air defence before winter.”"
    )
    statement = only(facts)
    assert statement.speaker == TAMM
    assert statement.text == "the allies to “send more air defence before winter”"


# --- interviews ------------------------------------------------------------------------------


def test_interview_answers_go_to_the_one_answering(extract):
    facts = extract(
        "Estonia's defence chief on shells and drones\n\n"
        "The broadcaster interviewed Estonian Defence Minister Kalle Tamm on Sunday.\n\n"
        "Q: Are the stocks of shells enough for a long war?\n\n"
        "TAMM: No. We need to double the output of the plant in Tartu by next spring.\n\n"
        "Q: And the drones?\n\n"
        "A: We will buy more of them, and we will build them at home."
    )
    assert [(s.speaker, s.text, s.direct) for s in facts.statements] == [
        (TAMM, "No. We need to double the output of the plant in Tartu by next spring", True),
        (TAMM, "We will buy more of them, and we will build them at home", True),
    ]


def test_a_capitalised_label_that_names_no_one_is_no_speaker(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited the depot.\n\n"
        "UPDATE: The depot will reopen on Monday after the inspection."
    )
    assert facts.statements == []


# --- long descriptors before a name ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "“We are watching the border closely,” Baltic Security Council strategic communications "
        "coordinator Mart Kuusk said.",
        "“We are watching the border closely,” said Baltic Security Council strategic communications "
        "coordinator Mart Kuusk.",
        "We are watching the border closely, Baltic Security Council press secretary Mart Kuusk "
        "told reporters.",
    ],
)
def test_long_descriptor_before_the_speaker(extract, text):
    statement = only(extract(text))
    assert (statement.speaker, statement.text) == (KUUSK, "We are watching the border closely")


def test_headline_post_then_another_speaker(extract):
    facts = extract(
        "Nato chief says allies must spend more after Trump suggests leaving laggards alone\n\n"
        "US President Donald Trump spoke at a rally on Saturday.\n\n"
        "“Europe is doing more,” Nato Secretary General Kalle Tamm said on Monday."
    )
    assert [(s.speaker, s.text) for s in facts.statements] == [
        (TAMM, "allies must spend more"),
        ("person/donald-trump", "leaving laggards alone"),
        (TAMM, "Europe is doing more"),
    ]


def test_a_setting_before_the_attribution_is_no_content(extract):
    facts = extract(
        "Speaking in Tartu on Wednesday evening, Estonian Defence Minister Kalle Tamm said: "
        "“The factories are running day and night.”"
    )
    statement = only(facts)
    assert (statement.speaker, statement.text, statement.direct) == (
        TAMM,
        "The factories are running day and night",
        True,
    )


def test_speech_act_keeps_its_auxiliary(extract):
    facts = extract("Estonia has denied sending air defence systems to the front.")
    statement = only(facts)
    assert (statement.speaker, statement.text) == (
        "country/estonia",
        "has denied sending air defence systems to the front",
    )


def test_made_an_appeal_is_a_statement_of_its_subject(extract):
    facts = extract(
        "General Kalle Tamm, the head of Estonia's army, made a similar appeal to his countrymen to "
        "prepare themselves for war."
    )
    statement = only(facts)
    assert statement.speaker == TAMM
    assert statement.text == "a similar appeal to his countrymen to prepare themselves for war"


def test_a_suggestion_by_someone_that(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm rejected a suggestion by Finnish Defence Minister "
        "Aino Virtanen that the border could be closed."
    )
    assert [(s.speaker, s.text) for s in facts.statements] == [
        (
            TAMM,
            "rejected a suggestion by Finnish Defence Minister Aino Virtanen that the border could be closed",
        ),
        (VIRTANEN, "that the border could be closed"),
    ]


def test_a_connective_before_a_reported_clause_is_kept(extract):
    facts = extract(
        "At the same time, European industries can learn from Ukraine's combat experience, "
        "Estonian Defence Minister Kalle Tamm stressed."
    )
    statement = only(facts)
    assert (
        statement.text == "At the same time, European industries can learn from Ukraine's combat experience"
    )


def test_he_after_a_nested_source_is_still_the_main_speaker(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm rejected a suggestion by Finnish Defence Minister "
        "Aino Virtanen that the border could be closed.\n\n"
        "He said, “Closing the border would only help the smugglers.”"
    )
    assert said_by(facts, TAMM)[-1].text == "Closing the border would only help the smugglers"


def test_an_unclosed_mark_opening_the_last_paragraph_keeps_its_facts(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited Tapa.\n\n"
        "“Finnish Defence Minister Aino Virtanen said the order for 40 howitzers was placed."
    )
    assert [(s.speaker, s.text) for s in said_by(facts, VIRTANEN)] == [
        (VIRTANEN, "the order for 40 howitzers was placed")
    ]


def test_mixed_quote_marks_still_close(extract):
    facts = extract(
        '“We have to learn to live with danger again," Estonian Defence Minister Kalle Tamm warned.'
    )
    statement = only(facts)
    assert (statement.speaker, statement.text, statement.direct) == (
        TAMM,
        "We have to learn to live with danger again",
        True,
    )


def test_no_break_spaces_between_words(extract):
    facts = extract("“We are ready,” Estonian Defence Minister Kalle\u00a0Tamm\u00a0said on\u00a0Monday.")
    statement = only(facts)
    assert (statement.speaker, statement.text) == (TAMM, "We are ready")


@pytest.mark.parametrize(
    "text, content",
    [
        (
            "“The plant is ready,” Estonian Defence Minister Kalle Tamm said calmly into the microphone.",
            "The plant is ready",
        ),
        (
            "Estonian Defence Minister Kalle Tamm went on to say the brigade would be ready in May.",
            "the brigade would be ready in May",
        ),
        (
            "The brigade will be ready in May, Estonian Defence Minister Kalle Tamm said Wednesday on "
            "ERR's “Morning Show.”",
            "The brigade will be ready in May",
        ),
    ],
)
def test_how_and_where_it_was_said_is_no_content(extract, text, content):
    statement = only(extract(text))
    assert (statement.speaker, statement.text) == (TAMM, content)


def test_he_opening_the_sentence_speaks_through_saying(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm called the plan a mistake on Monday. "
        "He apologized the next day, saying it was wrong to call names."
    )
    assert said_by(facts, TAMM)[-1].text == "it was wrong to call names"


def test_verbs_inside_the_content_open_no_statement(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm said a ministry memo saying the depot was empty "
        "had been leaked."
    )
    statement = only(facts)
    assert statement.text == "a ministry memo saying the depot was empty had been leaked"


def test_opening_connective_before_the_subject(extract):
    facts = extract(
        "But Estonian Defence Minister Kalle Tamm stood beside his Finnish counterpart and described "
        "the plan as a “necessary step.”"
    )
    statement = only(facts)
    assert statement.speaker == TAMM
    assert statement.text == "the plan as a “necessary step”"


def test_orphan_quote_goes_to_the_speaker_before_it_not_after(extract):
    paragraphs = [
        "Estonian Defence Minister Kalle Tamm spoke in Tapa.",
        "“We are ready,” he said. “And the plant runs day and night.”",
    ]
    paragraphs += [
        f"“Shell number {n} is ready,” Finnish Defence Minister Aino Virtanen said." for n in range(12)
    ]
    facts = extract("\n\n".join(paragraphs))
    assert [s.text for s in said_by(facts, TAMM)] == ["We are ready, And the plant runs day and night"]


def test_an_elided_century_is_no_quote_mark(extract):
    statement = only(
        extract(
            "“I come from the '90s, a long time ago,\" Finnish Defence Minister Aino Virtanen told "
            "the moderator."
        )
    )
    assert (statement.speaker, statement.text, statement.direct) == (
        VIRTANEN,
        "I come from the '90s, a long time ago",
        True,
    )


# --- staying linear ------------------------------------------------------------------------


def test_nested_attributions_keep_the_output_linear(nlp):
    """ "X said Y said X said ...": each content may hold a few attributions, not all the rest."""
    text = "Estonian Defence Minister Kalle Tamm and Finnish Defence Minister Aino Virtanen met. "
    text += "Tamm said Virtanen said " * 1500 + "the border is quiet."
    doc = nlp(text)
    found = doc._.kg.statements
    assert found
    assert sum(f.end - f.start for f in found) <= 10 * len(doc)


def test_many_intros_and_verbs_in_one_sentence(nlp):
    text = "Estonian Defence Minister Kalle Tamm spoke. " + "according to him, said " * 3000 + "the end."
    doc = nlp(text)
    assert sum(f.end - f.start for f in doc._.kg.statements) <= 10 * len(doc)


@pytest.mark.parametrize(
    "text",
    [
        "The first battalion will move to Tapa in May, the state-run Baltic News Agency reported.",
        "Baltic News Agency (BNA) covers the army.\n\n"
        "The first battalion will move to Tapa in May, BNA reported on Friday.",
    ],
)
def test_news_agency_as_the_source(extract, text):
    statement = [s for s in extract(text).statements if s.text.startswith("The first")]
    assert [(s.speaker, s.text) for s in statement] == [
        ("organization/baltic-news-agency", "The first battalion will move to Tapa in May")
    ]


@pytest.mark.parametrize(
    "text, content",
    [
        (
            "A spokesman for the Baltic Ammunition Agency said the first shells would arrive in May.",
            "the first shells would arrive in May",
        ),
        (
            "“The first shells will arrive in May,” officials at the Baltic Ammunition Agency said.",
            "The first shells will arrive in May",
        ),
    ],
)
def test_someone_unnamed_speaking_for_a_body(extract, text, content):
    statement = only(extract(text))
    assert (statement.speaker, statement.text) == ("organization/baltic-ammunition-agency", content)
