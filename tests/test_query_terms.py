"""kg query at its edges: a name found as --focus finds it, cells that paste back, unknown prefixes named."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.api import build_dataset_from
from kg.cli import main
from kg.rdf.export import write_graph
from kg.sparql.query import QUERY_PREFIXES, QueryError, open_graph, resolve, run, term
from kg.sparql.results import compact

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seeds_ttl(nlp, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "seeds.ttl"
    write_graph(path, build_dataset_from([SEEDS], nlp=nlp), "turtle")
    return path


def _participants(result) -> list[str]:
    return sorted(row["event"].value for row in result)


def test_a_part_of_a_name_finds_the_one_entity_as_focus_does(seeds_ttl: Path) -> None:
    store = open_graph(seeds_ttl)
    full = run(store, resolve("meetings"), {"participant": "Oleksandr Kamyshin"})
    assert len(full) >= 1
    assert _participants(run(store, resolve("meetings"), {"participant": "Kamyshin"})) == _participants(full)
    assert _participants(run(store, resolve("meetings"), {"participant": "kamyshin"})) == _participants(full)


def test_a_part_of_several_names_is_named_not_guessed(seeds_ttl: Path) -> None:
    with pytest.raises(
        QueryError, match=r"'Group' names several entities: Group of Five, .*; give the full name or the IRI"
    ):
        run(open_graph(seeds_ttl), resolve("meetings"), {"participant": "Group"})


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/defense-kg/resource/article/upper",
        "https://w3id.org/defense-kg/resource/person/boris-pistorius",
        "https://w3id.org/defense-kg/resource/statement/0141eff375fa",
        "https://w3id.org/defense-kg/resource/odd.end.",
        "https://w3id.org/defense-kg/resource/-dash(1)",
        "https://w3id.org/defense-kg/ontology#Person",
        "https://example.org/elsewhere",
    ],
)
def test_a_table_cell_pastes_back_as_the_same_iri(iri: str) -> None:
    cell = compact(iri)
    (row,) = ox.Store().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {cell} }} }}", prefixes=QUERY_PREFIXES)
    assert row["x"] == ox.NamedNode(iri)
    assert term(cell) == ox.NamedNode(iri)  # and as a -p value


def test_tables_print_iris_that_parse(seeds_ttl: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", str(seeds_ttl), "SELECT ?s WHERE { ?s a dkg:Person } LIMIT 3"]
    )
    assert result.exit_code == 0, result.output
    cells = result.stdout.splitlines()[2:5]
    assert all(cell.startswith("r:person\\/") for cell in cells)
    values = " ".join(cells)
    again = run(open_graph(seeds_ttl), f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s a dkg:Person }}")
    assert len(again) == 3


def test_an_undefined_prefix_is_named(seeds_ttl: Path) -> None:
    result = CliRunner().invoke(main, ["query", str(seeds_ttl), "SELECT * WHERE { ?s foo:bar ?o }"])
    assert result.exit_code != 0
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: unknown prefix foo: (declare it with PREFIX foo: <...>; kg declares ")
    declared = "PREFIX foo: <https://example.org/> SELECT * WHERE { ?s foo:bar ?o . ?s baz:x ?y }"
    result = CliRunner().invoke(main, ["query", str(seeds_ttl), declared])
    assert "unknown prefix baz:" in result.stderr
