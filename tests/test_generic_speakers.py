"""Generic speakers: "Officials said ...", "Critics argue ...", "Analysts warned ...".

A capitalised common noun for people at the start of a sentence sits before a
speech verb where a surname would ("Tamm said ..."), but it names no one: it
must give neither a Person nor a statement attributed to one. The sentences
are invented; the named speakers ("Kalle Tamm", "Aino Virtanen") too.
"""

from __future__ import annotations

import pytest

GENERIC = [
    "Officials said the new brigade would be ready by the autumn.",
    "Critics said the procurement budget was far too small.",
    "Analysts warned that the stocks of interceptors were running low.",
    "Diplomats told reporters the ceasefire talks had stalled.",
    "Experts say the cheap drones are changing the front line.",
    "Sources said the tank deal was close to being signed.",
    "Observers noted that the naval exercise was the largest in years.",
    "Lawmakers argued that the spending plan was wasteful.",
    "Residents said the explosions woke them before dawn.",
    "Spokesperson said the ministry would respond in writing.",
    "The minister said the army needs more armoured vehicles.",
    "A spokesperson said the ministry would respond in writing.",
    "Defence Analysts said the programme would run over budget.",
    "Senior Officials warned that the air defence gap was growing.",
    "“We need far more artillery shells this year,” Officials said.",
    "Critics, however, said the procurement budget was far too small.",
]


@pytest.mark.parametrize("text", GENERIC)
def test_generic_noun_is_no_person(extract, text):
    facts = extract(text)
    assert [e.key for e in facts.entities if e.type == "Person"] == []
    assert facts.statements == []


def test_generic_speaker_keeps_the_named_one_after_it(extract):
    facts = extract(
        "Kalle Tamm said the army needs more armoured vehicles. "
        "Critics said the procurement budget was far too small."
    )
    assert [e.key for e in facts.entities] == ["person/kalle-tamm"]
    assert [(s.speaker, s.text) for s in facts.statements] == [
        ("person/kalle-tamm", "the army needs more armoured vehicles")
    ]


@pytest.mark.parametrize(
    "text, speaker, content",
    [
        (
            "Kalle Tamm said the army needs more armoured vehicles.",
            "person/kalle-tamm",
            "the army needs more armoured vehicles",
        ),
        (
            "Aino Virtanen warned that the stocks of interceptors were running low.",
            "person/aino-virtanen",
            "that the stocks of interceptors were running low",
        ),
        (
            "Tamm said the army needs more armoured vehicles.",
            "person/tamm",
            "the army needs more armoured vehicles",
        ),
        (
            "Spokesperson Aino Virtanen said the ministry would respond in writing.",
            "person/aino-virtanen",
            "the ministry would respond in writing",
        ),
    ],
)
def test_named_speaker_still_gives_person_and_statement(extract, text, speaker, content):
    facts = extract(text)
    assert speaker in [e.key for e in facts.entities if e.type == "Person"]
    assert [(s.speaker, s.text) for s in facts.statements] == [(speaker, content)]


def test_given_name_before_a_generic_word_is_a_name(extract):
    facts = extract("Helen Planner said the army needs more armoured vehicles.")
    assert [e.key for e in facts.entities] == ["person/helen-planner"]
    assert [s.speaker for s in facts.statements] == ["person/helen-planner"]
