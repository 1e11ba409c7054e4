"""Roles (posts held by people, with the body they belong to) and memberships."""

from __future__ import annotations

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
