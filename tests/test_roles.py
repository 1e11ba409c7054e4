"""Roles (posts held by people, with the body they belong to) and memberships."""

from __future__ import annotations

import pytest

from kg.facts import ArticleFacts
from kg.kinds import Role

TAMM = "person/kalle-tamm"
KUUSK = "person/mart-kuusk"


def roles_of(facts: ArticleFacts, person: str) -> list[Role]:
    return [r for r in facts.roles if r.person == person]


def one_role(facts: ArticleFacts, person: str) -> Role:
    roles = roles_of(facts, person)
    assert len(roles) == 1, facts.roles
    return roles[0]


# --- title before the name ------------------------------------------------------------


def test_title_before_name_with_country_adjective(extract):
    role = one_role(
        extract(
            "Estonian Defence Minister Kalle Tamm opened the new depot on Monday. Estonia plans two more."
        ),
        TAMM,
    )
    assert "defence minister" in role.title.casefold()
    assert role.organization == "country/estonia"
    assert "Kalle Tamm" not in role.title
    assert role.evidence.text.startswith("Estonian Defence Minister Kalle Tamm")


def test_country_adjective_alone_names_no_body(extract):
    """The article never names Estonia: the post keeps its title, but Estonia is no entity of it."""
    facts = extract("Estonian Defence Minister Kalle Tamm opened the new depot on Monday.")
    role = one_role(facts, TAMM)
    assert role.title == "Estonian Defence Minister" and role.organization is None
    assert "country/estonia" not in {e.key for e in facts.entities}


def test_two_titled_people_in_one_sentence_keep_their_own_roles(extract):
    facts = extract(
        "Latvian Prime Minister Ilze Ozola met Lithuanian President Tomas Vaitkus in Vilnius. "
        "Latvia and Lithuania share a border."
    )
    ozola = one_role(facts, "person/ilze-ozola")
    vaitkus = one_role(facts, "person/tomas-vaitkus")
    assert "prime minister" in ozola.title.casefold() and ozola.organization == "country/latvia"
    assert "president" in vaitkus.title.casefold() and vaitkus.organization == "country/lithuania"
    assert "president" not in ozola.title.casefold()


def test_lowercase_title_before_a_name(extract):
    role = one_role(
        extract("Finnish defence minister Aino Virtanen visited the border. Finland will fence it."),
        "person/aino-virtanen",
    )
    assert "defence minister" in role.title.casefold()
    assert role.organization == "country/finland"


def test_rank_alone_has_no_organisation(extract):
    role = one_role(extract("Colonel Arvo Saar commands the new brigade."), "person/arvo-saar")
    assert role.title == "Colonel"
    assert role.organization is None


def test_company_before_title(extract):
    role = one_role(
        extract("Kestrel Dynamics CEO Henrik Dahl said orders had tripled."),
        "person/henrik-dahl",
    )
    assert role.title.endswith("CEO")
    assert role.organization == "organization/kestrel-dynamics"


# --- apposition after the name ---------------------------------------------------------


def test_apposition_with_possessive_country(extract):
    role = one_role(extract("Mart Kuusk, Estonia's deputy defence minister, opened the depot."), KUUSK)
    assert role.title == "deputy defence minister"
    assert role.organization == "country/estonia"


def test_apposition_naming_an_organisation(extract):
    role = one_role(
        extract("Mart Kuusk, director of the Baltic Ammunition Agency, opened the depot."),
        KUUSK,
    )
    assert role.title.casefold().startswith("director")
    assert role.organization == "organization/baltic-ammunition-agency"


def test_apposition_with_a_determiner(extract):
    text = "Mart Kuusk, the Estonian deputy defence minister, opened the depot. Estonia paid for it."
    role = one_role(extract(text), KUUSK)
    assert "deputy defence minister" in role.title.casefold()
    assert role.organization == "country/estonia"


def test_apposition_with_a_multi_word_title(extract):
    role = one_role(extract("Mart Kuusk, chief executive of Kestrel Dynamics, opened the factory."), KUUSK)
    assert role.title.casefold().startswith("chief executive")
    assert role.organization == "organization/kestrel-dynamics"


# --- "as <title>" -------------------------------------------------------------------------


def test_as_secretary_general_of_nato(extract):
    facts = extract(
        "Dutch diplomat Mart Kuusk, who will take over as secretary-general of NATO in October, "
        "visited the Tapa base. The Netherlands backed him."
    )
    nato_roles = [r for r in roles_of(facts, KUUSK) if r.organization == "organization/nato"]
    assert len(nato_roles) == 1
    assert nato_roles[0].title.casefold().startswith("secretary-general")
    dutch = [r for r in roles_of(facts, KUUSK) if r.organization == "country/netherlands"]
    assert [r.title.casefold() for r in dutch] == ["dutch diplomat"]


def test_appointed_as(extract):
    role = one_role(extract("Mart Kuusk was appointed as secretary-general of NATO on Monday."), KUUSK)
    assert role.title == "secretary-general of NATO"
    assert role.organization == "organization/nato"


# --- negatives -----------------------------------------------------------------------------


def test_no_role_without_a_title(extract):
    facts = extract("Mart Kuusk, who grew up in Narva, opened the depot.")
    assert facts.roles == []


def test_role_is_read_once_per_person_and_title(extract):
    facts = extract(
        "Estonian Defence Minister Kalle Tamm opened the depot. "
        "Later, Estonian Defence Minister Kalle Tamm visited the border."
    )
    assert len(roles_of(facts, TAMM)) == 1


# --- one post per person and body (issue 20) ------------------------------------------------


def test_one_post_however_worded(extract):
    """ "Defence Minister", "Minister for Defence", "defence chief": one post, one role IRI."""
    facts = extract(
        "Defence Minister Kalle Tamm spoke on Monday. The Minister for Defence, Kalle Tamm, left. "
        "Defence chief Kalle Tamm returned on Friday."
    )
    assert len(roles_of(facts, TAMM)) == 1


def test_the_same_post_with_and_without_its_body_is_one(extract):
    facts = extract(
        "Estonian Foreign Minister Kalle Tamm spoke on Monday. Later, Foreign Minister Kalle Tamm "
        "left for Riga. Estonia agreed."
    )
    role = one_role(facts, TAMM)
    assert role.title == "Estonian Foreign Minister"
    assert role.organization == "country/estonia"


@pytest.mark.parametrize(
    "titles",
    [
        (
            "Defense Minister",
            "Defence minister",
            "Minister for Defence",
            "defence chief",
            "Defence Secretary",
        ),
        ("Minister of Foreign Affairs", "Foreign Minister", "foreign minister"),
        ("PM", "Prime Minister", "premier"),
        ("Secretary-General", "secretary general"),
        ("Civil Defence Minister", "Minister for Civil Defense"),
    ],
)
def test_wordings_of_one_post_give_one_role_iri(extract, titles):
    posts = set()
    for title in titles:
        (role,) = extract(f"{title} Kalle Tamm spoke on Monday.").roles
        posts.add(role.post)
    assert len(posts) == 1, posts


def test_president_of_a_body_is_not_the_title_of_its_name(extract):
    facts = extract("Dan Vell, president of the Tamm Campaign, spoke. Kalle Tamm founded it.")
    assert roles_of(facts, TAMM) == []


def test_posts_of_two_people_or_two_offices_stay_apart(extract):
    facts = extract(
        "Deputy Prime Minister Kalle Tamm and Prime Minister Aino Virtanen met Defence Minister "
        "Mart Kuusk and former Defence Minister Peeter Kask."
    )
    posts = {(r.person, r.post) for r in facts.roles}
    assert len(posts) == 4
    assert len({post for _, post in posts}) == 4


def test_one_role_node_for_one_post_in_two_articles(nlp, tmp_path):
    from rdflib import Namespace

    from kg.api import build_graph

    (tmp_path / "a.txt").write_text("Riga talks\n\nDefense Minister Kalle Tamm spoke on Monday.\n")
    (tmp_path / "b.txt").write_text("Border plan\n\nThe Minister for Defence, Kalle Tamm, visited Narva.\n")
    graph = build_graph([tmp_path], nlp=nlp)
    dkg = Namespace("https://w3id.org/defense-kg/ontology#")
    assert len(set(graph.objects(None, dkg.holdsRole))) == 1


def test_nationality_adjective_names_the_body(extract):
    facts = extract("Slovak PM Jana Vellova said the plan was sound. Slovakia will pay for it.")
    role = one_role(facts, "person/jana-vellova")
    assert role.title == "Slovak PM"
    assert role.organization == "country/slovakia"


# --- posts inside longer phrases (issue 20) -------------------------------------------------


def test_title_with_a_body_and_a_modifier_after_it(extract):
    facts = extract("EU top diplomat nominee Kalle Tamm told lawmakers the bloc must act.")
    role = one_role(facts, TAMM)
    assert role.title == "EU top diplomat nominee"
    assert role.organization == "organization/european-union"


def test_apposition_with_a_portfolio_joined_by_and(extract):
    facts = extract(
        "Kalle Tamm, EU High Representative for Foreign Affairs and Security Policy, said the EU was united."
    )
    role = one_role(facts, TAMM)
    assert role.title == "EU High Representative for Foreign Affairs and Security Policy"
    assert role.organization == "organization/european-union"


def test_portfolio_title_before_a_name(extract):
    facts = extract(
        "European Commissioner for Internal Market Oskar Vell said the fund was open. "
        "Sweden's Minister for Civil Defence Carl-Erik Lindqvist warned that war could come to Sweden."
    )
    assert one_role(facts, "person/oskar-vell").title == "European Commissioner for Internal Market"
    role = one_role(facts, "person/carl-erik-lindqvist")
    assert role.title == "Minister for Civil Defence"
    assert role.organization == "country/sweden"


def test_post_and_rank_before_a_name_are_two_roles(extract):
    facts = extract("Operational Commander Gen. Peeter Kask and Secretary General Mart Kuusk met.")
    kask = {r.title for r in roles_of(facts, "person/peeter-kask")}
    assert kask == {"Operational Commander", "Gen."}
    assert [r.title for r in roles_of(facts, KUUSK)] == ["Secretary General"]


def test_two_posts_joined_by_and(extract):
    facts = extract(
        "In attendance will be Deputy Prime Minister and Defence Minister Kalle Tamm; and others."
    )
    assert {r.title for r in roles_of(facts, TAMM)} == {"Deputy Prime Minister", "Defence Minister"}


def test_title_set_before_the_name_with_a_comma(extract):
    facts = extract(
        "Present were Foreign Minister Aino Virtanen; the Estonian ambassador to NATO, Mart Kuusk; and "
        "the chief of the General Staff of the Polish Armed Forces, Gen. Peeter Kask. Estonia sent them."
    )
    kuusk = one_role(facts, KUUSK)
    assert kuusk.title == "Estonian ambassador to NATO"
    assert kuusk.organization == "country/estonia"
    kask = {r.title: r.organization for r in roles_of(facts, "person/peeter-kask")}
    assert kask == {
        "Gen.": None,
        "chief of the General Staff of the Polish Armed Forces": (
            "organization/general-staff-of-the-polish-armed-forces"
        ),
    }


def test_a_title_owned_by_another_title(extract):
    facts = extract(
        "The Estonian president's top foreign policy aide, Mart Kuusk, said on Tuesday that talks went well."
    )
    assert one_role(facts, KUUSK).title == "top foreign policy aide"


def test_who_heads_a_body(extract):
    facts = extract(
        "Mart Kuusk, who heads the president's National Defence Bureau (NDB), said in a post that the "
        "meeting was set."
    )
    role = one_role(facts, KUUSK)
    assert role.title == "head of the president's National Defence Bureau"
    assert role.organization == "organization/national-defence-bureau"


def test_head_of_a_body_named_in_lowercase(extract):
    facts = extract(
        "Admiral Arvo Saar, the head of NATO's committee of national defence chiefs, declared that "
        "the alliance faced danger."
    )
    titles = {r.title: r.organization for r in roles_of(facts, "person/arvo-saar")}
    assert titles == {
        "Admiral": None,
        "head of NATO's committee of national defence chiefs": "organization/nato",
    }


def test_a_title_before_the_next_name_is_not_an_apposition(extract):
    facts = extract(
        "According to a weekly, which quotes Estonian Defence Minister Kalle Tamm, Russian leader "
        "Ivan Petrov may attack. Estonia and Russia are neighbours."
    )
    assert [r.title for r in roles_of(facts, TAMM)] == ["Estonian Defence Minister"]
    assert [r.title for r in roles_of(facts, "person/ivan-petrov")] == ["Russian leader"]


def test_apposition_that_names_another_persons_post(extract):
    facts = extract("Mart Kuusk, adviser to the Estonian president Kalle Tamm, spoke. Estonia agreed.")
    assert [r.title for r in roles_of(facts, KUUSK)] == ["adviser to the Estonian president"]
    assert [r.title for r in roles_of(facts, TAMM)] == ["Estonian president"]


# --- memberships ---------------------------------------------------------------------------


def test_weimar_triangle_countries_in_brackets(extract):
    facts = extract(
        "The Weimar Triangle countries (France, Germany and Poland) agreed on a joint ammunition plan."
    )
    members = sorted((m.member, m.organization) for m in facts.memberships)
    assert members == [
        ("country/france", "organization/weimar-triangle"),
        ("country/germany", "organization/weimar-triangle"),
        ("country/poland", "organization/weimar-triangle"),
    ]


def test_members_of_an_invented_forum(extract):
    facts = extract(
        "The Nordic Defence Procurement Forum members (Finland, Sweden and Norway) met in Oslo on Monday."
    )
    forum = "organization/nordic-defence-procurement-forum"
    assert {m.member for m in facts.memberships if m.organization == forum} == {
        "country/finland",
        "country/sweden",
        "country/norway",
    }


def test_bracketed_people_are_not_members(extract):
    facts = extract("The Baltic Ammunition Agency board (Mart Kuusk and Aino Virtanen) approved the orders.")
    assert facts.memberships == []


def test_bracketed_acronym_is_not_a_membership(extract):
    facts = extract("The Baltic Ammunition Agency (BAA) signed contracts with Poland and Estonia.")
    assert facts.memberships == []


# --- the body a title names is part of the post (issue 22) ----------------------------------


def test_country_adjective_owns_a_post_to_an_alliance_even_where_unnamed(extract):
    """ "Estonian Ambassador to NATO" is Estonia's post, never NATO's, even where Estonia is not named."""
    role = one_role(extract("Kalle Tamm, Estonian Ambassador to NATO, said the alliance was ready."), TAMM)
    assert role.organization is None
    assert role.post == "estonia ambassador"


def test_the_body_a_title_names_is_part_of_the_post(extract):
    named = one_role(extract("Kalle Tamm, chief executive of Saab, said the order was welcome."), TAMM)
    other = one_role(extract("Kalle Tamm, chief executive of Rheinmetall, said the plant would open."), TAMM)
    bare = one_role(extract("Chief executive Kalle Tamm said the plant would open."), TAMM)
    assert (named.organization, other.organization) == ("organization/saab", "organization/rheinmetall")
    assert len({named.post, other.post, bare.post}) == 3
