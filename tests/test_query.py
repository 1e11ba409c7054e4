"""kg query: the saved queries answer what a reader of seeds/ finds there, in Oxigraph and rdflib alike.

The two articles of seeds/ say, among other things: Andrius Kubilius, European
Defense Commissioner, spoke of drones at an EU-Ukraine industry forum where
Oleksandr Kamyshin, advisor to the Ukrainian president Volodymyr Zelenskyy,
spoke too; the EU lends 150 billion euros through SAFE; Boris Pistorius,
German Defense Minister, met the ministers of the Group of Five (Poland,
Germany, France, Italy, United Kingdom) in Helenów. The tests assert those
facts, not a snapshot of the output.
"""

from __future__ import annotations

import collections
import csv
import io
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from conftest import ONE_POST_TWO_ARTICLES, SEEDS, write_corpus
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse

import kg
from kg.api import build_dataset_from
from kg.cli import main
from kg.rdf.export import write_graph
from kg.rdf.vocab import QUERIES_FOLDER
from kg.sparql.query import (
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    check,
    eur_rates,
    form,
    open_graph,
    parse_params,
    rates_date,
    resolve,
    run,
    saved_queries,
    sync_rates,
    term,
)
from kg.sparql.results import format_table

SAVED = saved_queries()


@pytest.fixture(scope="module")
def seeds_files(nlp, tmp_path_factory) -> dict[str, Path]:
    """The seeds' graph as merged Turtle and as TriG (one named graph per article)."""
    folder = tmp_path_factory.mktemp("seeds")
    dataset = build_dataset_from([SEEDS], nlp=nlp)
    files = {"ttl": folder / "seeds.ttl", "trig": folder / "seeds.trig"}
    write_graph(files["ttl"], dataset, "turtle")
    write_graph(files["trig"], dataset, "trig")
    return files


@pytest.fixture(scope="module")
def store(seeds_files) -> ox.Store:
    return open_graph(seeds_files["ttl"])


@pytest.fixture(scope="module")
def quad_store(seeds_files) -> ox.Store:
    return open_graph(seeds_files["trig"])


def ask(store: ox.Store, name: str, **params: str):
    return run(store, SAVED[name], params)


def rows(result) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in result]


# --- Every saved query: documented, runs, same answer everywhere ----------------------------------


def test_the_saved_queries_cover_the_issue() -> None:
    assert {
        "statements",
        "statements-by-body",
        "fundings",
        "funding-totals",
        "posts",
        "meetings",
        "most-mentioned",
        "mentioned-together",
        "sources",
        "most-quoted",
    } <= set(SAVED)
    for query in SAVED.values():
        assert query.title and query.description, query.name
        for param in query.params:
            assert param.help and f"?{param.name}" in query.sparql, (query.name, param.name)


def _normalised(values) -> tuple:
    """Row values comparable across engines: numbers by value, joined lists as sets."""
    out = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        text = value.value if isinstance(value, ox.Literal | ox.NamedNode) else str(value)
        try:
            out.append(str(Decimal(text).normalize()))
            continue
        except ArithmeticError:
            pass
        parts = [p.strip() for p in text.replace("; ", ", ").split(", ")]
        out.append(tuple(sorted(parts)) if len(parts) > 1 else text)
    return tuple(out)


PARAMS = {
    "statements": [{}, {"topic": "drones"}, {"person": "Pistorius", "topic": "defence industry"}],
    "statements-by-body": [{}, {"body": "Ukraine"}],
    "meetings": [{}, {"participant": "Kubilius"}],
    "mentioned-together": [{}, {"entity": "NATO"}],
    "sources": [
        {},
        {"entity": "r:person/oleksandr-kamyshin"},
        {"fact": "r:role/boris-pistorius/germany-defence-minister"},
    ],
}
CASES = [(name, params) for name in SAVED for params in PARAMS.get(name, [{}])]


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{p or ''}" for n, p in CASES])
def test_saved_query_gives_the_same_rows_on_turtle_trig_and_in_rdflib(
    name, params, store, quad_store, seeds_files
) -> None:
    merged = ask(store, name, **params)
    assert len(merged), f"{name} {params} finds nothing in the seeds"
    per_article = ask(quad_store, name, **params)
    assert collections.Counter(map(_normalised, merged.rows)) == collections.Counter(
        map(_normalised, per_article.rows)
    )
    graph = rdflib.Graph().parse(seeds_files["ttl"])
    bindings = {
        k: rdflib.URIRef(t.value) if isinstance(t := term(v), ox.NamedNode) else rdflib.Literal(v)
        for k, v in params.items()
    }
    in_rdflib = graph.query(SAVED[name].text, initBindings=bindings)
    assert collections.Counter(map(_normalised, merged.rows)) == collections.Counter(
        _normalised([None if v is None else ox.Literal(str(v)) for v in row]) for row in in_rdflib
    )


# --- What they answer on the seeds ----------------------------------------------------------------


def test_statements_who_said_what(store) -> None:
    said = rows(ask(store, "statements"))
    assert {
        "speaker": "Andrius Kubilius",
        "text": "We have to learn from Ukraine how to create a drone production and exploitation"
        " infrastructure",
        "direct": "true",
        "topics": "drones",
        "article": "https://w3id.org/defense-kg/resource/article/000-06589e0e73e9291e",
    } in said
    quote = next(r for r in said if r["text"].startswith("We all benefit from the innovation cycle"))
    assert quote["speaker"] == "Boris Pistorius" and quote["direct"] == "true"
    assert "Pistorius" in quote["article"]  # the second article's title
    assert {r["speaker"] for r in said} == {
        "Andrius Kubilius",
        "Boris Pistorius",
        "Oleksandr Kamyshin",
        "Government of Ukraine",
    }


def test_statements_about_a_topic_by_key_label_or_iri(store) -> None:
    by_key = rows(ask(store, "statements", topic="drones"))
    assert {r["speaker"] for r in by_key} == {"Andrius Kubilius", "Oleksandr Kamyshin"}
    assert any("First World War of drones" in r["text"] for r in by_key)
    assert all(r["topic"] == "drones" for r in by_key)
    assert [r["text"] for r in rows(ask(store, "statements", topic="Drones"))] == [r["text"] for r in by_key]
    assert len(ask(store, "statements", topic="topic:drones")) == len(by_key)
    peace = rows(ask(store, "statements", topic="peace talks"))
    assert [r["speaker"] for r in peace] == ["Boris Pistorius"]
    assert "fair and lasting peace" in peace[0]["text"]
    assert not len(ask(store, "statements", topic="no such topic"))


def test_statements_by_a_person_by_surname_name_or_iri(store) -> None:
    by_surname = rows(ask(store, "statements", person="Pistorius"))
    assert len(by_surname) == 12 and {r["speaker"] for r in by_surname} == {"Boris Pistorius"}
    assert len(ask(store, "statements", person="boris pistorius")) == 12
    assert (
        len(ask(store, "statements", person="<https://w3id.org/defense-kg/resource/person/boris-pistorius>"))
        == 12
    )
    kamyshin = rows(ask(store, "statements", person="Alexander Kamyshin"))  # as the article spells him
    assert {r["speaker"] for r in kamyshin} == {"Oleksandr Kamyshin"}
    both = rows(ask(store, "statements", person="Kubilius", topic="drones"))
    assert len(both) == 2 and all("drone" in r["text"] for r in both)


def test_statements_by_organisation_or_country(store) -> None:
    germany = rows(ask(store, "statements-by-body", body="Germany"))
    assert len(germany) == 12
    assert {(r["organisation"], r["speaker"], r["as"]) for r in germany} == {
        ("Germany", "Boris Pistorius", "German Defense Minister")
    }
    ukraine = rows(ask(store, "statements-by-body", body="Ukraine"))
    assert {(r["speaker"], r["as"]) for r in ukraine} == {
        ("Oleksandr Kamyshin", "advisor to the Ukrainian president")
    }
    everyone = rows(ask(store, "statements-by-body"))
    assert {
        "organisation": "Government of Ukraine",
        "speaker": "Government of Ukraine",
        "as": "itself",
    }.items() <= next(r for r in everyone if r["organisation"] == "Government of Ukraine").items()


def test_fundings_and_totals_in_euros(store) -> None:
    [funding] = rows(ask(store, "fundings"))
    assert funding["funder"] == "European Union"
    assert funding["recipient"] == "Security Action for Europe"
    assert funding["amount"] == "150 billion euros" and funding["currency"] == "EUR"
    assert Decimal(funding["value"]) == Decimal(funding["eur"]) == Decimal("150000000000")
    [total] = rows(ask(store, "funding-totals"))
    assert total["funder"] == "European Union" and total["recipients"] == "Security Action for Europe"
    assert Decimal(total["totalEur"]) == Decimal("150000000000")
    assert (
        total["fundings"] == "1" and total["unconverted"] == "0" and total["amounts"] == "150 billion euros"
    )


FUNDINGS = """
@prefix dkg: <https://w3id.org/defense-kg/ontology#> . @prefix r: <https://w3id.org/defense-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix c: <https://w3id.org/defense-kg/resource/country/> .
c:uk rdfs:label "United Kingdom" . c:ua rdfs:label "Ukraine" . c:ru rdfs:label "Russia" .
r:f1 a dkg:Funding ; dkg:funder c:uk ; dkg:recipient c:ua ; dkg:evidence "a" ;
    dkg:amount "£1 billion" ; dkg:amountValue 1000000000.0 ; dkg:currency "GBP" .
r:f2 a dkg:Funding ; dkg:funder c:uk ; dkg:recipient c:ua ; dkg:evidence "b" ;
    dkg:amount "$500 million" ; dkg:amountValue 500000000.0 ; dkg:currency "USD" .
r:f3 a dkg:Funding ; dkg:funder c:uk ; dkg:recipient c:ua ; dkg:evidence "c" ; dkg:amount "millions" .
r:f4 a dkg:Funding ; dkg:funder c:ru ; dkg:recipient c:ua ; dkg:evidence "d" ;
    dkg:amount "10 billion roubles" ; dkg:amountValue 10000000000.0 ; dkg:currency "RUB" .
"""


def test_totals_convert_at_the_fixed_rates_and_count_what_they_cannot(tmp_path) -> None:
    path = tmp_path / "fundings.ttl"
    path.write_text(FUNDINGS, encoding="utf-8")
    store = open_graph(path)
    totals = {r["funder"]: r for r in rows(ask(store, "funding-totals"))}
    rates = eur_rates()
    expected = Decimal(1_000_000_000) / rates["GBP"] + Decimal(500_000_000) / rates["USD"]
    uk = totals["United Kingdom"]
    assert abs(Decimal(uk["totalEur"]) - expected) < Decimal("0.02")
    assert uk["fundings"] == "3" and uk["unconverted"] == "1"
    assert set(uk["amounts"].split("; ")) == {"£1 billion", "$500 million", "millions"}
    assert "totalEur" not in totals["Russia"] and totals["Russia"]["unconverted"] == "1"  # no RUB rate
    assert list(totals) == ["United Kingdom", "Russia"]  # the largest first, no total last
    by_amount = {r["amount"]: r for r in rows(ask(store, "fundings"))}
    assert Decimal(by_amount["£1 billion"]["eur"]) == (Decimal(1_000_000_000) / rates["GBP"]).quantize(
        Decimal("0.01")
    )
    assert "eur" not in by_amount["10 billion roubles"]


def test_the_rates_file_is_dated_and_the_queries_carry_its_table() -> None:
    assert rates_date() == "2024-12-31"
    rates = eur_rates()
    assert rates["EUR"] == 1 and rates["USD"] == Decimal("1.0389") and rates["GBP"] == Decimal("0.82918")
    assert "RUB" not in rates
    carrying = [q for q in SAVED.values() if "# BEGIN rates" in q.text]
    assert {q.name for q in carrying} == {"fundings", "funding-totals"}
    for query in carrying:
        assert sync_rates(query.text) == query.text, "rates changed: run python -m kg.sparql.query"
        assert '("USD" 1.0389)' in query.text


def test_posts(store) -> None:
    posts = {(r["person"], r["post"], r.get("body")) for r in rows(ask(store, "posts"))}
    assert posts == {
        ("Andrius Kubilius", "European Defense Commissioner", None),
        ("Boris Pistorius", "German Defense Minister", "Germany"),
        ("Oleksandr Kamyshin", "advisor to the Ukrainian president", "Ukraine"),
        ("Volodymyr Zelenskyy", "Ukrainian president", "Ukraine"),
    }


def test_meetings_and_their_participants(store) -> None:
    meetings = {r["event"]: r for r in rows(ask(store, "meetings"))}
    helenow = meetings["meeting in Helenów"]
    assert helenow["place"] == "Helenów" and helenow["date"] == "Monday, January 13"
    assert {"Boris Pistorius", "Poland", "Germany", "France", "Italy", "United Kingdom"} <= set(
        helenow["participants"].split("; ")
    )
    assert int(helenow["count"]) == len(helenow["participants"].split("; "))
    assert (
        meetings["meeting in Berlin"]["count"] == "0" and meetings["meeting in Berlin"]["place"] == "Berlin"
    )
    first = next(iter(meetings.values()))
    assert first is helenow  # the most attended first
    [forum] = rows(ask(store, "meetings", participant="Kubilius"))
    assert forum["event"] == "EU-Eukraine Industry Forum"
    assert {"Andrius Kubilius", "Oleksandr Kamyshin"} <= set(forum["participants"].split("; "))


def test_most_mentioned(store) -> None:
    ranked = rows(ask(store, "most-mentioned"))
    assert ranked[0] == {"entity": "Ukraine", "kind": "Country", "articles": "2", "mentions": "19"}
    pistorius = next(r for r in ranked if r["entity"] == "Boris Pistorius")
    assert pistorius["kind"] == "Person" and pistorius["articles"] == "1" and int(pistorius["mentions"]) > 1
    assert len({r["entity"] for r in ranked}) == len(ranked)


def test_most_mentioned_sums_counts_over_files(tmp_path, seeds_files) -> None:
    copy = tmp_path / "again.ttl"
    copy.write_bytes(seeds_files["ttl"].read_bytes())
    twice = rows(ask(open_graph([seeds_files["ttl"], copy]), "most-mentioned"))
    assert twice[0]["entity"] == "Ukraine" and twice[0]["mentions"] == "38"


def test_mentioned_together(store) -> None:
    pairs = rows(ask(store, "mentioned-together"))
    assert {"first": "Russia", "second": "Ukraine", "articles": "2"} in pairs
    assert all(r["first"] != r["second"] for r in pairs)
    nato = rows(ask(store, "mentioned-together", entity="NATO"))
    assert {r["first"] for r in nato} == {"NATO"}
    assert "Boris Pistorius" in {r["second"] for r in nato}  # NATO is in his article only
    assert "Andrius Kubilius" not in {r["second"] for r in nato}


def test_sources_behind_facts(store) -> None:
    facts = rows(ask(store, "sources"))
    counted = run(
        store,
        "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a ?c ; dkg:source ?s ."
        " VALUES ?c { dkg:Statement dkg:Funding dkg:Role dkg:Membership dkg:Event } }",
    )
    assert len(facts) == int(counted.values("n")[0]) == 40
    assert all(r["article"] and r["evidence"] for r in facts)
    kubilius = rows(ask(store, "sources", entity="Kubilius"))
    assert {r["kind"] for r in kubilius} >= {"Statement", "Role", "Event"}
    role = next(r for r in kubilius if r["kind"] == "Role")
    assert role["what"] == "European Defense Commissioner" and "said Andrius Kubilius" in role["evidence"]
    one = kubilius[0]["fact"]
    [only] = rows(ask(store, "sources", fact=f"<{one}>"))
    assert only["fact"] == one and only["evidence"] == kubilius[0]["evidence"]


def test_a_post_read_in_two_articles_is_sourced_once_per_article_with_that_articles_sentence(
    nlp, tmp_path
) -> None:
    corpus = write_corpus(tmp_path / "corpus", ONE_POST_TWO_ARTICLES)
    merged = tmp_path / "merged.ttl"
    write_graph(merged, build_dataset_from([corpus], nlp=nlp), "turtle")
    in_oxigraph = rows(ask(open_graph(merged), "sources", entity="Mark Rutte"))
    in_rdflib = (
        rdflib.Graph()
        .parse(merged)
        .query(SAVED["sources"].text, initBindings={"entity": rdflib.Literal("Mark Rutte")})
    )
    for posts in (
        [(r["article"], r["evidence"]) for r in in_oxigraph if r["kind"] == "Role"],
        [(str(r.article), str(r.evidence)) for r in in_rdflib if str(r.kind) == "Role"],
    ):
        # Each article with the sentence read in it: not every article with every sentence.
        assert sorted(posts) == [
            ("Allies meet in Brussels", ONE_POST_TWO_ARTICLES["brussels.txt"].split("\n")[2]),
            ("Drone wall plans", ONE_POST_TWO_ARTICLES["warsaw.txt"].split("\n")[2]),
        ]


def test_a_post_without_readings_is_sourced_from_its_own_provenance(tmp_path) -> None:
    """A graph another tool wrote from the shared vocabulary alone has no dkg:reading."""
    other = tmp_path / "other.ttl"
    other.write_text(
        """@prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix dkg: <https://w3id.org/defense-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://news.example/1> a dkg:Article ; dcterms:title "Allies meet in Brussels" .
        <https://news.example/rutte> a dkg:Person ; rdfs:label "Mark Rutte" ;
            dkg:holdsRole <https://news.example/rutte/sg> .
        <https://news.example/rutte/sg> a dkg:Role ; rdfs:label "NATO Secretary General" ;
            dkg:source <https://news.example/1> ; dkg:evidence "NATO Secretary General Mark Rutte said so." .
        """,
        encoding="utf-8",
    )
    expected = (
        "Role",
        "NATO Secretary General",
        "Allies meet in Brussels",
        "NATO Secretary General Mark Rutte said so.",
    )
    [in_oxigraph] = rows(ask(open_graph(other), "sources"))
    assert tuple(in_oxigraph[k] for k in ("kind", "what", "article", "evidence")) == expected
    [in_rdflib] = rdflib.Graph().parse(other).query(SAVED["sources"].text)
    assert tuple(str(in_rdflib[k]) for k in ("kind", "what", "article", "evidence")) == expected


def test_most_quoted(store) -> None:
    ranked = rows(ask(store, "most-quoted"))
    assert ranked[0]["speaker"] == "Boris Pistorius" and ranked[0]["statements"] == "12"
    kubilius = next(r for r in ranked if r["speaker"] == "Andrius Kubilius")
    assert "drones" in kubilius["topics"] and int(kubilius["quotes"]) >= 3


# --- Queries, parameters, errors ------------------------------------------------------------------


def test_resolve_name_file_or_text(tmp_path) -> None:
    assert resolve("posts").name == "posts"
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\n# param: who — a name\nSELECT ?who WHERE { ?x rdfs:label ?who }\n")
    mine = resolve(str(path))
    assert mine.title == "Mine" and [p.name for p in mine.params] == ["who"]
    assert resolve("ASK {}").text == "ASK {}"
    with pytest.raises(QueryError, match="neither SPARQL nor a saved query"):
        resolve("postz")
    with pytest.raises(QueryError, match="no such query file"):
        resolve(str(tmp_path / "missing.rq"))


def test_parameter_values_become_terms() -> None:
    assert term("drones") == ox.Literal("drones")
    assert term("topic:drones") == ox.NamedNode("https://w3id.org/defense-kg/topic/drones")
    assert term("r:person/boris-pistorius") == ox.NamedNode(
        "https://w3id.org/defense-kg/resource/person/boris-pistorius"
    )
    assert term("<urn:x>") == ox.NamedNode("urn:x")
    assert term("https://example.org/a") == ox.NamedNode("https://example.org/a")
    assert term("Note: not an IRI") == ox.Literal("Note: not an IRI")
    assert parse_params(["topic=drones", "person=Boris Pistorius"]) == {
        "topic": "drones",
        "person": "Boris Pistorius",
    }
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_params(["topic"])


def test_a_saved_query_takes_only_its_parameters(store) -> None:
    with pytest.raises(QueryError, match="posts has no parameter topic"):
        run(store, SAVED["posts"], {"topic": "drones"})
    free = run(store, "SELECT ?name WHERE { ?p rdfs:label ?name }", {"name": "NATO"})
    assert free.values("name") == ["NATO"]


def test_syntax_error_is_one_line_with_the_position(store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        run(store, "SELECT ?s\nWHERE { ?s ?p }")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("syntax error at line 2, column ")


def test_ontology_prefixes_are_bound(store) -> None:
    result = run(
        store,
        "SELECT ?n WHERE { ?p a dkg:Person ; rdfs:label ?n ; dkg:holdsRole/dkg:roleOf r:country\\/germany }",
    )
    assert result.values("n") == ["Boris Pistorius"]


# --- Refusing what must not run -------------------------------------------------------------------

REFUSED_SERVICE = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/>\n"
    "SELECT * WHERE { ?s ?p ?o # a comment }\n SeRvIcE ex:endpoint { ?a ?b ?c } }",
    'SELECT * WHERE { ?s ?p "a" . SERVICE <http://example.org/sparql> { ?s ?p ?o } }',
]
ALLOWED_SERVICE = [
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/sparql> { }" }',
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
    'SELECT * WHERE { ?s ?p "escaped \\" SERVICE" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/sparql>",
    "PREFIX service: <http://example.org/>\nSELECT * WHERE { ?s service:SERVICE ?service }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    'SELECT * WHERE { ?s ?p "x"@service }',
]


def _rdflib_has_service(text: str) -> bool:
    found = []
    query = prepareQuery(text)
    traverse(query.algebra, visitPost=lambda node: found.append(getattr(node, "name", None)))
    return "ServiceGraphPattern" in found


@pytest.mark.parametrize("text", REFUSED_SERVICE + ALLOWED_SERVICE)
def test_service_check_agrees_with_rdflibs_parser(text: str) -> None:
    refused = text in REFUSED_SERVICE
    assert _rdflib_has_service(text) == refused
    if refused:
        with pytest.raises(QueryRefused, match="SERVICE"):
            check(text, allow_service=False)
    else:
        assert check(text, allow_service=False) == "SELECT"


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "load silent <file:///etc/passwd> into graph <urn:g>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_and_load_are_refused(text: str, store) -> None:
    before = len(store)
    with pytest.raises(QueryRefused):
        run(store, text)
    assert len(store) == before


def test_query_forms() -> None:
    assert form("PREFIX a: <urn:a#> BASE <urn:b> CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert form("# SELECT\nASK {}") == "ASK"
    assert form("describe <urn:x>") == "DESCRIBE"
    assert form("hello") is None


# --- Opening graphs -------------------------------------------------------------------------------


def test_open_several_files_a_store_directory_or_an_rdflib_graph(tmp_path, seeds_files, seeds_graph) -> None:
    count = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a dkg:Statement }"
    assert run(open_graph([seeds_files["ttl"], seeds_files["trig"]]), count).values("n") == ["24"]
    directory = tmp_path / "store"
    written = ox.Store(str(directory))
    written.load(path=str(seeds_files["trig"]), format=ox.RdfFormat.TRIG)
    written.flush()
    del written
    from_store = open_graph(directory)
    assert run(from_store, count).values("n") == ["24"]
    assert len(list(from_store.named_graphs())) == 2
    assert len(ask(from_store, "posts")) == 4
    assert run(open_graph(seeds_graph), count).values("n") == ["24"]


def test_open_refuses_unknown_or_missing_files(tmp_path) -> None:
    (tmp_path / "graph.xyz").write_text("x")
    with pytest.raises(QueryError, match="unknown graph format"):
        open_graph(tmp_path / "graph.xyz")
    with pytest.raises(QueryError, match="no such file"):
        open_graph(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    with pytest.raises(QueryError, match="bad.ttl: not valid"):
        open_graph(bad)


# --- Formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_w3c_formats_parse_back_to_the_same_rows(fmt, store) -> None:
    result = ask(store, "posts")
    data = result.serialize(fmt)
    expected = [tuple(None if t is None else t.value for t in row) for row in result.rows]
    if fmt == "csv":  # lossy by design (no term types): read it as a table
        header, *lines = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert header == result.variables
        assert [tuple(v or None for v in line) for line in lines] == expected
        return
    parsed = ox.parse_query_results(data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert [v.value for v in parsed.variables] == result.variables
    back = [tuple(None if t is None else t.value for t in row) for row in parsed]
    assert back == expected


def test_construct_is_turtle_with_prefixes_and_ask_is_a_boolean(store) -> None:
    built = run(store, "CONSTRUCT { ?p dkg:holdsRole ?r } WHERE { ?p dkg:holdsRole ?r }")
    turtle = built.serialize("turtle").decode("utf-8")
    assert "@prefix dkg: <https://w3id.org/defense-kg/ontology#>" in turtle
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == len(built) == 4
    assert run(store, "ASK { ?p rdfs:label 'Boris Pistorius' }").table() == "true"
    assert run(store, "ASK { ?p rdfs:label 'Nobody' }").serialize("json") == b'{"head": {}, "boolean": false}'


def test_table_is_aligned_cut_and_counted(store) -> None:
    text = ask(store, "statements", person="Pistorius").table(width=100)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["speaker", "text", "direct"]
    assert lines[0].split() == ["speaker", "text", "direct", "topics", "article"]  # no parameter columns
    assert all(len(line) <= 100 for line in lines)
    assert any("…" in line for line in lines)
    assert lines[-1] == "12 rows for person=Pistorius"
    text_column = lines[0].index("text")
    assert all(line[text_column - 2 : text_column] == "  " for line in lines[2:-1])
    table = format_table(["a", "b"], [["x" * 80, "y"]], width=40)
    assert all(len(line) <= 40 for line in table.splitlines())


def test_limit_cuts_and_says_so(store) -> None:
    cut = run(store, "SELECT * WHERE { ?s ?p ?o }", limit=10)
    assert len(cut) == 10 and cut.truncated
    assert "cut at the row limit" in cut.table()
    assert not run(store, "SELECT * WHERE { ?s a dkg:Person }", limit=10).truncated


# --- The command line and the Python API ----------------------------------------------------------


def test_kg_query_command(seeds_files) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["query", "--list"])
    assert listed.exit_code == 0
    for name in SAVED:
        assert name in listed.output
    assert "[topic, person]" in listed.output
    graph = str(seeds_files["ttl"])
    table = runner.invoke(main, ["query", graph, "posts"])
    assert table.exit_code == 0 and "German Defense Minister" in table.output and "4 rows" in table.output
    csv_out = runner.invoke(main, ["query", graph, "statements", "-p", "topic=drones", "--format", "csv"])
    assert csv_out.exit_code == 0
    assert csv_out.output.splitlines()[0] == "speaker,text,direct,topics,article,topic,person"
    assert len(csv_out.output.splitlines()) == 6
    query_file = QUERIES_FOLDER / "posts.rq"
    assert runner.invoke(main, ["query", graph, str(query_file), "-f", "json"]).output.startswith('{"head"')
    describe = runner.invoke(
        main, ["query", graph, "DESCRIBE <https://w3id.org/defense-kg/resource/person/boris-pistorius>"]
    )
    assert describe.exit_code == 0 and "dkg:holdsRole" in describe.output


def test_kg_query_errors_exit_2_on_one_line(seeds_files) -> None:
    runner = CliRunner()
    graph = str(seeds_files["ttl"])
    bad = runner.invoke(main, ["query", graph, "SELECT * WHERE { ?s ?p }"])
    assert bad.exit_code == 2
    assert bad.output.strip().count("\n") == 0 and "line 1, column" in bad.output
    assert runner.invoke(main, ["query", graph]).exit_code == 2
    assert runner.invoke(main, ["query", graph, "posts", "-p", "topic=x"]).exit_code == 2
    assert runner.invoke(main, ["query", graph, "posts", "-f", "turtle"]).exit_code == 2
    assert runner.invoke(main, ["query", graph, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]).exit_code == 2


def test_python_api(seeds_files) -> None:
    result = kg.query(seeds_files["ttl"], "statements", {"topic": "drones"})
    assert len(result) == 5
    assert kg.query([seeds_files["ttl"]], "ASK { ?x a dkg:Funding }").boolean is True
