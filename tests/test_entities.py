"""Entity recognition and resolution, on invented defence-news sentences.

Most names are invented (an Estonian minister "Kalle Tamm", a "Baltic
Ammunition Agency", a drone maker "Kestrel Dynamics"), so the tests exercise
the general rules rather than ontology/entities.ttl; a few use well-known
entities (NATO, Poland, the Commission) to check the known-entity list and
capital metonymy.
"""

from __future__ import annotations

import pytest

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


# --- names inside longer phrases (issue 20) -------------------------------------------


def test_portfolio_after_a_title_is_no_name(extract):
    """ "Commissioner for Internal Market Oskar Vell": the portfolio belongs to the title."""
    facts = extract(
        "European Commissioner for Internal Market Oskar Vell said the fund was open. "
        "Sweden's Minister for Civil Defence Carl-Erik Lindqvist warned that war could come."
    )
    people = {e.label for e in facts.entities if e.type == "Person"}
    assert people == {"Oskar Vell", "Carl-Erik Lindqvist"}


def test_a_name_then_where_it_is_from(extract):
    facts = extract('"It is a waste of time," said Stacey Vell of the Harbour Islands.')
    people = {e.label for e in facts.entities if e.type == "Person"}
    assert people == {"Stacey Vell"}
    assert "place/harbour-islands" in by_key(facts)


def test_abbreviated_rank_is_no_part_of_the_name(extract):
    facts = extract("Operational Commander Gen. Peeter Kask inspected the brigade with Adm. Arvo Saar.")
    people = {e.label for e in facts.entities if e.type == "Person"}
    assert people == {"Peeter Kask", "Arvo Saar"}


def test_title_word_before_an_organisation_head_names_the_body(extract):
    """ "General Staff", "General Assembly": a title word before a head word is part of a body's name."""
    facts = extract(
        "The chief of the General Staff of the Polish Armed Forces, Gen. Arvo Saar, "
        "spoke to the General Assembly."
    )
    entities = by_key(facts)
    assert entities["organization/general-staff-of-the-polish-armed-forces"].type == "Organization"
    assert "organization/polish-armed-forces" in entities  # named inside the longer name
    assert entities["organization/general-assembly"].type == "Organization"
    assert {e.label for e in facts.entities if e.type == "Person"} == {"Arvo Saar"}


def test_press_before_a_title_is_no_outlet(extract):
    facts = extract("White House Press Secretary Kalle Vell told reporters the talks were over.")
    assert not any(e.kind == "NewsOutlet" for e in facts.entities), facts.entities
    assert "person/kalle-vell" in by_key(facts)


def test_units_embassies_and_broadcasters_are_bodies(extract):
    facts = extract(
        "The Valdorian Embassy in Riga and Valdorian Radio reported the attack. "
        "The Kestrel Regiment and the 12th Mechanised Brigade were deployed."
    )
    entities = by_key(facts)
    assert entities["organization/valdorian-embassy"].type == "Organization"
    assert entities["organization/valdorian-radio"].kind == "NewsOutlet"
    assert entities["organization/kestrel-regiment"].kind == "ArmedForces"
    assert entities["organization/mechanised-brigade"].kind == "ArmedForces"


def test_and_inside_a_name(extract):
    facts = extract(
        "The money comes from the Recovery and Resilience Facility. The Ministry of Trade and Industry "
        "agreed, and Estonia and Kestrel Group signed."
    )
    entities = by_key(facts)
    assert entities["program/recovery-and-resilience-facility"].type == "Program"
    assert "program/resilience-facility" not in entities
    assert "organization/ministry-of-trade-and-industry" in entities
    assert {"country/estonia", "organization/kestrel-group"} <= set(entities)


def test_no_entity_from_a_fragment_of_a_known_name(extract):
    facts = extract("The North Atlantic Treaty Organization said allies agreed.")
    assert [e.key for e in facts.entities] == ["organization/nato"]


def test_programme_head_before_a_connector(extract):
    facts = extract(
        "The law sets up the Financial Instrument for Enhanced Resilience (FIER) to manage the loans."
    )
    fier = by_key(facts)["program/financial-instrument-for-enhanced-resilience"]
    assert fier.type == "Program"
    assert "FIER" in fier.aliases


def test_acronym_takes_the_type_of_the_name_it_abbreviates(extract):
    facts = extract(
        "The Baltic Defence Industry Programme (BDIP) opened. Under BDIP, 26 projects were chosen."
    )
    assert [(e.key, e.type) for e in facts.entities] == [
        ("program/baltic-defence-industry-programme", "Program")
    ]


def test_acronym_of_the_initials_is_the_same_body(extract):
    facts = extract("The Department of Harbour Security said on Friday that DHS agents were deployed.")
    assert [e.key for e in facts.entities] == ["organization/department-of-harbour-security"]
    assert "DHS" in facts.entities[0].aliases


def test_a_name_spelled_out_before_a_known_acronym_is_its_alias(extract):
    facts = extract("The Strategic Defence Platform for Europe (SAFE) will lend 150 billion euros.")
    safe = by_key(facts)["program/security-action-for-europe"]
    assert "Strategic Defence Platform for Europe" in safe.aliases
    assert "place/europe" not in by_key(facts)


def test_one_node_for_a_body_named_several_ways(extract):
    facts = extract(
        "The Pentagon said on Monday that the Department of Defense would send more troops. "
        "A DoD spokesman declined to comment."
    )
    assert [e.key for e in facts.entities] == ["organization/united-states-department-of-defense"]


def test_words_before_a_short_name_must_all_be_in_the_long_one(extract):
    facts = extract(
        "The Valdorian Democratic Campaign Committee and the Valdorian National Committee disagreed."
    )
    assert {e.label for e in facts.entities} == {
        "Valdorian Democratic Campaign Committee",
        "Valdorian National Committee",
    }


def test_a_short_name_takes_the_longest_longer_name_of_the_article(extract):
    facts = extract(
        "The Tarvel-Ostmark working group met on Monday. The Tarvel-Ostmark Joint Working Group and the "
        "Tarvel-Ostmark Joint Inter-Institutional Working Group sent a letter. The Tarvel-Ostmark Working "
        "Group of Experts did not."
    )
    labels_ = {e.label for e in facts.entities if e.type == "Organization"}
    assert "Tarvel-Ostmark Joint Inter-Institutional Working Group" in labels_
    assert "Tarvel-Ostmark Working Group of Experts" in labels_  # its last word is no "group"
    assert "Tarvel-Ostmark working group" not in labels_


def old_longer_org_name(name: str, names: list[str]) -> str | None:
    """The rule as first written (a sort and a scan of every name for each mention): the specification."""
    words = name.casefold().split()
    for other in sorted(names, key=len, reverse=True):
        theirs = other.casefold().split()
        if len(theirs) > len(words) and theirs[0] == words[0] and theirs[-1] == words[-1]:
            rest = iter(theirs)
            if all(word in rest for word in words):
                return other
    return None


def test_longer_org_names_index_finds_what_the_scan_of_every_name_found():
    import random

    from kg.nlp.entities import LongerOrgNames

    rng = random.Random(23)
    vocabulary = ["Baltic", "baltic", "Agency", "of", "Joint", "Board"]  # few words: many longer names
    for _ in range(300):
        names = [" ".join(rng.choices(vocabulary, k=rng.randint(1, 5))) for _ in range(rng.randint(1, 12))]
        index = LongerOrgNames(names)
        for name in [*names, *rng.sample(names, k=1)]:
            assert index.of(name) == old_longer_org_name(name, names), (name, names)


# --- not entities -------------------------------------------------------------------


def test_acronyms_of_weapons_are_not_bodies(extract):
    facts = extract(
        "The package includes 120 VSHORADS and a third KSAMS system. The RDX short-range air defence "
        "system follows, and the KDA drone maker will build the rest."
    )
    assert [e.label for e in facts.entities] == ["KDA"]


def test_a_heading_in_capitals_has_no_acronyms(extract):
    facts = extract("Estonia buys radars\n\nBEYOND THE BORDER\n\nThe radars will arrive in May.")
    assert [e.key for e in facts.entities] == ["country/estonia"]


def test_a_sentence_adverb_before_a_comma_is_no_person(extract):
    facts = extract("Later, Foreign Minister Kalle Vell left. Earlier, the President of Valdoria spoke.")
    assert {e.label for e in facts.entities if e.type == "Person"} == {"Kalle Vell"}


def test_adjective_after_in_is_no_place(extract):
    facts = extract(
        "The plan invests in European defence technology and in Valdorian-led support for Estonia."
    )
    assert [e.key for e in facts.entities] == ["country/estonia"]


def test_a_name_with_a_glued_dash_is_still_known(extract):
    facts = extract("Members of the area-such as Iceland and Norway- will be treated alike.")
    assert {"country/iceland", "country/norway"} <= set(by_key(facts))


def test_x_is_a_platform_only_where_the_text_posts_on_it(extract):
    facts = extract(
        "Kalle Vell, Estonia's foreign minister, writing on X, accused Moscow of lying. "
        "In an X post, Aino Virtanen agreed. Project X was cancelled."
    )
    platforms = [e for e in facts.entities if e.label == "X"]
    assert len(platforms) == 1 and platforms[0].type == "Organization"
    assert platforms[0].mentions == 2


def test_a_city_before_an_event_noun_is_its_place(extract):
    facts = extract("The Vilnius summit ended on Friday. Warsaw signed the agreement.")
    entities = by_key(facts)
    assert entities["place/vilnius"].type == "Place"
    assert "country/lithuania" not in entities
    assert "country/poland" in entities


def test_title_word_naming_a_staff_is_no_name(extract):
    facts = extract(
        "“We are ready,” said Dragan Vell, Turkish Chief of the General Staff. Minister for the Economy "
        "Kalle Tamm agreed."
    )
    assert {e.label for e in facts.entities if e.type == "Person"} == {"Dragan Vell", "Kalle Tamm"}


def test_a_known_name_over_a_word_read_in_it(extract):
    facts = extract("Italy pledged 20 billion kronor to the Act in Support of Ammunition Production.")
    assert "program/act-in-support-of-ammunition-production" in by_key(facts)
    assert not any(e.type == "Place" for e in facts.entities)


def test_one_body_named_in_two_word_orders(extract):
    facts = extract(
        "The Harbour Ministry said on Monday that it agreed with the Ministry of the Harbour on the plan."
    )
    orgs = [e for e in facts.entities if e.type == "Organization"]
    assert [o.label for o in orgs] == ["Ministry of the Harbour"]
    assert "Harbour Ministry" in orgs[0].aliases


@pytest.mark.parametrize("company", ["NordiQ", "AeroTeK", "VoltiX"])
def test_a_name_never_runs_over_a_full_stop(extract, company):
    """A company name ending in a capital keeps its full stop as one token ("NordiQ."), so
    the run of capitalised words went on into the next sentence's speaker: one person
    "NordiQ. Tamm". The sentence ends the name."""
    facts = extract(
        f"Estonia bought radars worth 40 million euros from {company}. "
        "Tamm said in a post on the ministry's website that more were needed."
    )
    people = {e.label for e in facts.entities if e.type == "Person"}
    assert people == {"Tamm"}
    assert [s.speaker for s in facts.statements] == ["person/tamm"]


@pytest.mark.parametrize("surname", ["Smith", "Martin", "Walker"])
def test_a_common_surname_alone_is_not_a_known_person(extract, surname):
    """A known person shares "Smith" with very many others: an article that never names
    Julianne Smith in full is about some other Smith (kg/data/lexicons/shared_surnames.txt)."""
    facts = extract(f"{surname} said the regiment would receive its new radios in March.")
    assert [e.key for e in facts.entities] == [f"person/{surname.lower()}"]
    assert [s.speaker for s in facts.statements] == [f"person/{surname.lower()}"]


def test_a_common_surname_is_the_known_person_the_article_names_in_full(extract):
    facts = extract(
        "Julianne Smith arrived in Tallinn on Monday. "
        "Smith said the regiment would receive its new radios in March."
    )
    assert [s.speaker for s in facts.statements] == ["person/julianne-smith"]


def test_a_distinctive_known_surname_alone_is_still_the_known_person(extract):
    facts = extract("Pistorius said the regiment would receive its new radios in March.")
    assert [s.speaker for s in facts.statements] == ["person/boris-pistorius"]
