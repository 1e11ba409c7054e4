"""Entity recognition and resolution, on invented defence-news sentences.

Most names are invented (an Estonian minister "Kalle Tamm", a "Baltic
Ammunition Agency", a drone maker "Kestrel Dynamics"), so the tests exercise
the general rules rather than ontology/entities.ttl; a few use well-known
entities (NATO, Poland, the Commission) to check the known-entity list and
capital metonymy.
"""

from __future__ import annotations

from kg.facts import ArticleFacts, Entity


def by_key(facts: ArticleFacts) -> dict[str, Entity]:
    return {e.key: e for e in facts.entities}


def labels(facts: ArticleFacts) -> set[str]:
    return {e.label.casefold() for e in facts.entities} | {
        a.casefold() for e in facts.entities for a in e.aliases
    }


# --- people -------------------------------------------------------------------


def test_title_before_an_unknown_name_makes_a_person(extract):
    facts = extract("Estonian Defence Minister Kalle Tamm inspected the new ammunition depot near Tapa.")
    entities = by_key(facts)
    assert "person/kalle-tamm" in entities
    tamm = entities["person/kalle-tamm"]
    assert tamm.type == "Person"
    assert tamm.label == "Kalle Tamm"
    # the title is not part of the name
    assert not any("minister" in e.key for e in facts.entities)


def test_known_given_name_is_evidence_for_a_person(extract):
    facts = extract("Mart Kuusk, who chairs the procurement committee, toured the depot on Monday.")
    entities = by_key(facts)
    assert entities["person/mart-kuusk"].type == "Person"


def test_speech_verb_is_evidence_for_a_person(extract):
    facts = extract("Kalle Tamm said the artillery stocks would be refilled by spring.")
    assert by_key(facts)["person/kalle-tamm"].type == "Person"


def test_apposition_with_a_title_is_evidence_for_a_person(extract):
    facts = extract("Kalle Tamm, Estonia's defence minister, opened the depot.")
    entities = by_key(facts)
    assert entities["person/kalle-tamm"].type == "Person"
    assert entities["country/estonia"].type == "Country"


def test_honorific_and_military_rank_before_names(extract):
    facts = extract("Colonel Arvo Saar commands the new brigade. Dr. Liisa Mets leads the research team.")
    entities = by_key(facts)
    assert entities["person/arvo-saar"].label == "Arvo Saar"
    assert entities["person/liisa-mets"].label == "Liisa Mets"


def test_surname_alone_is_merged_with_the_full_name(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm visited the depot on Monday. "
        "Tamm said the stocks would be refilled. Later, Tamm flew back to Tallinn."
    )
    entities = by_key(facts)
    assert "person/tamm" not in entities
    tamm = entities["person/kalle-tamm"]
    assert "Tamm" in tamm.aliases
    assert tamm.mentions == 3


def test_a_plural_common_noun_before_a_speech_verb_is_not_a_person(extract):
    facts = extract("Analysts say the ammunition plan is too slow, local media reported.")
    assert not any(e.type == "Person" for e in facts.entities), facts.entities


def test_according_to_is_evidence_for_a_person(extract):
    facts = extract("According to Kalle Tamm, the new brigade will be ready by 2027.")
    assert by_key(facts)["person/kalle-tamm"].type == "Person"


# --- organisations ----------------------------------------------------------------


def test_named_forum_is_an_organisation_of_kind_forum(extract):
    facts = extract("The Nordic Defence Procurement Forum met for the first time in Oslo.")
    forum = by_key(facts)["organization/nordic-defence-procurement-forum"]
    assert forum.type == "Organization"
    assert forum.kind == "Forum"
    assert forum.label == "Nordic Defence Procurement Forum"


def test_company_head_word_and_based_prefix(extract):
    facts = extract("Tallinn-based Kestrel Dynamics will build the drones.")
    entities = by_key(facts)
    assert entities["organization/kestrel-dynamics"].kind == "DefenceCompany"
    assert entities["place/tallinn"].type == "Place"


def test_unknown_acronym_is_an_organisation(extract):
    facts = extract("Officials from the NDPA arrived in Pärnu on Monday.")
    entities = by_key(facts)
    assert entities["organization/ndpa"].type == "Organization"
    assert entities["place/parnu"].label == "Pärnu"


def test_acronym_in_brackets_is_merged_with_its_expansion(extract):
    facts = extract(
        "The Baltic Ammunition Agency (BAA) will manage the joint orders. "
        "The BAA has a staff of forty and an office in Riga."
    )
    entities = by_key(facts)
    assert "organization/baa" not in entities
    agency = entities["organization/baltic-ammunition-agency"]
    assert agency.label == "Baltic Ammunition Agency"
    assert "BAA" in agency.aliases
    assert agency.mentions == 3


def test_the_commission_is_the_european_commission(extract):
    facts = extract("The Commission proposed a new ammunition package on Tuesday.")
    commission = by_key(facts)["organization/european-commission"]
    assert commission.label == "European Commission"
    assert "Commission" in commission.aliases


def test_country_adjective_and_government_is_a_state_body(extract):
    facts = extract(
        "The Ukrainian government asked for more shells. The Estonian defence ministry agreed to help."
    )
    entities = by_key(facts)
    government = entities["organization/government-of-ukraine"]
    assert government.label == "Government of Ukraine"
    assert government.kind == "Government"
    ministry = entities["organization/ministry-of-defence-of-estonia"]
    assert ministry.label == "Ministry of Defence of Estonia"
    assert ministry.kind == "Ministry"


def test_lowercase_expanded_acronym_is_not_an_entity(extract):
    facts = extract(
        "Kestrel Dynamics will build the loitering munitions (LMs) in Tartu. "
        "The first LMs will be delivered to the army next year."
    )
    assert not any("lm" in e.key.split("/")[1].split("-") for e in facts.entities), facts.entities
    assert "organization/kestrel-dynamics" in by_key(facts)


def test_currency_code_is_not_an_organisation(extract):
    facts = extract("Finland allocated EUR 20 million to Ukraine for demining equipment.")
    assert "organization/eur" not in by_key(facts)


def test_organisation_before_a_title_is_kept(extract):
    facts = extract("Kestrel Dynamics CEO Henrik Dahl said orders had tripled since January.")
    entities = by_key(facts)
    assert entities["person/henrik-dahl"].type == "Person"
    assert entities["organization/kestrel-dynamics"].type == "Organization"


# --- programmes -------------------------------------------------------------------


def test_programme_named_after_called(extract):
    facts = extract("Lithuania gave €40 million to a new programme called Baltic Shield.")
    assert by_key(facts)["program/baltic-shield"].type == "Program"


def test_name_ending_in_a_programme_head_is_a_programme(extract):
    facts = extract("Lithuania will pay €40 million into a new fund called the Baltic Shield Facility.")
    entities = by_key(facts)
    assert "program/baltic-shield-facility" in entities, sorted(entities)
    assert entities["program/baltic-shield-facility"].type == "Program"


# --- not entities -------------------------------------------------------------


def test_months_and_cold_war_are_not_entities(extract):
    facts = extract(
        "The stockpiling plan dates back to the Cold War. In January, the ministry approved it. "
        "In May the first shells arrived."
    )
    found = labels(facts)
    for word in ("cold war", "january", "may", "in january", "in may"):
        assert word not in found
    assert facts.entities == []


def test_sentence_opening_words_are_not_part_of_names(extract):
    facts = extract("In Narva, the border guards counted forty drones.")
    assert [e.key for e in facts.entities] == ["place/narva"]


# --- known entities and metonymy --------------------------------------------------


def test_known_organisations_and_their_variants(extract):
    facts = extract(
        "NATO and the European Union discussed the plan in Brussels. Nato allies agreed "
        "that the Alliance must move faster."
    )
    entities = by_key(facts)
    nato = entities["organization/nato"]
    assert nato.kind == "Alliance"
    assert {"Nato", "Alliance"} <= set(nato.aliases)
    assert entities["organization/european-union"].type == "Organization"
    assert entities["place/brussels"].type == "Place"


def test_capital_as_actor_stands_for_its_state(extract):
    facts = extract("Warsaw signed the air-defence agreement on Tuesday.")
    entities = by_key(facts)
    assert "country/poland" in entities
    assert "Warsaw" in entities["country/poland"].aliases
    assert "place/warsaw" not in entities


def test_capital_after_a_locative_preposition_is_a_place(extract):
    facts = extract("The defence ministers met in Warsaw on Tuesday.")
    entities = by_key(facts)
    assert entities["place/warsaw"].type == "Place"
    assert "country/poland" not in entities


def test_capital_in_a_dateline_is_a_place(extract):
    facts = extract("TALLINN – Estonia will double its ammunition budget next year.")
    entities = by_key(facts)
    assert entities["place/tallinn"].type == "Place"
    assert entities["country/estonia"].type == "Country"


def test_capital_used_both_ways_in_one_article(extract):
    facts = extract("Warsaw signed the agreement on Tuesday. The ministers had met in Warsaw a week earlier.")
    entities = by_key(facts)
    assert {"country/poland", "place/warsaw"} <= set(entities)


def test_entity_keys_are_ascii_slugs(extract):
    facts = extract("Mart Kuusk met Jürgen Õun in Pärnu, and they later drove on to a base near Võru.")
    for entity in facts.entities:
        kind, slug = entity.key.split("/")
        assert kind in {"person", "organization", "country", "place", "program"}
        assert slug.isascii() and slug == slug.lower() and " " not in slug
    assert {"place/parnu", "place/voru", "person/jurgen-oun"} <= set(by_key(facts))
