"""The network projection (kg.network.projection) and its GraphML and GEXF files for Gephi."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from spacy.language import Language

import kg.builder.run
from kg.cli import main
from kg.network.projection import gexf, graphml, one_graph, project
from kg.rdf.mapping import build_dataset, merge
from kg.rdf.namespaces import DKG
from kg.rdf.vocab import classes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


@pytest.fixture(scope="module")
def net(seeds_graph: Graph) -> nx.MultiDiGraph:
    return project(seeds_graph)


def edges(net: nx.MultiDiGraph, relation: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in net.edges(data=True) if d["relation"] == relation]


# --- The projection --------------------------------------------------------------------------


def test_every_entity_is_a_node_styled_by_the_ontology(seeds_graph: Graph, net: nx.MultiDiGraph) -> None:
    entities = {
        str(s)
        for core in ("Person", "Organization", "Country", "Place", "Program")
        for s in seeds_graph.subjects(RDF.type, DKG[core])
    }
    assert entities <= set(net.nodes)
    styles = classes()
    for node in entities:
        attrs = net.nodes[node]
        info = styles[attrs["class"]]
        assert attrs["color"] == info.color and attrs["shape"] == info.shape
        assert attrs["class_label"] == info.label
        assert attrs["core"] == info.core
        assert attrs["label"] == str(seeds_graph.value(URIRef(node), RDFS.label))
        assert attrs["mentions"] >= 1


def test_kinds_win_over_core_classes(net: nx.MultiDiGraph) -> None:
    commission = net.nodes["https://w3id.org/defense-kg/resource/organization/european-commission"]
    assert commission["class"] == "EUInstitution" and commission["core"] == "Organization"


def test_statements_are_nodes_said_by_their_speaker(seeds_graph: Graph, net: nx.MultiDiGraph) -> None:
    statements = set(map(str, seeds_graph.subjects(RDF.type, DKG.Statement)))
    said = edges(net, "said")
    assert {v for _, v, _ in said} == statements
    assert len(said) == len(list(seeds_graph.subject_objects(DKG.speaker)))
    for u, v, _ in said:
        assert net.nodes[v]["class"] == "Statement"
        assert net.nodes[v]["text"] == str(seeds_graph.value(URIRef(v), DKG.text))
        assert len(net.nodes[v]["label"]) <= 80
        assert net.nodes[u]["core"] in ("Person", "Organization", "Country")


def test_fundings_are_edges_from_funder_to_recipient(seeds_graph: Graph, net: nx.MultiDiGraph) -> None:
    funds = edges(net, "funds")
    fundings = sorted(seeds_graph.subjects(RDF.type, DKG.Funding))
    assert len(funds) == len(fundings) >= 1
    (u, v, data) = funds[0]
    funding = URIRef(data["iri"])
    assert u == str(seeds_graph.value(funding, DKG.funder))
    assert v == str(seeds_graph.value(funding, DKG.recipient))
    assert data["amount"] == "150 billion euros" and data["value"] == 150e9 and data["currency"] == "EUR"
    assert data["label"] == "funds 150 billion euros"
    assert data["article"] == str(seeds_graph.value(funding, DKG.source))


def test_posts_are_edges_labelled_with_the_title(net: nx.MultiDiGraph) -> None:
    posts = {
        (net.nodes[u]["label"], d["label"], net.nodes[v]["label"]) for u, v, d in edges(net, "holds post")
    }
    assert ("Boris Pistorius", "German Defense Minister", "Germany") in posts
    pistorius = net.nodes["https://w3id.org/defense-kg/resource/person/boris-pistorius"]
    assert pistorius["posts"] == "German Defense Minister"


def test_memberships_and_events(seeds_graph: Graph, net: nx.MultiDiGraph) -> None:
    assert len(edges(net, "member of")) == len(set(seeds_graph.subject_objects(DKG.memberOf)))
    events = set(map(str, seeds_graph.subjects(RDF.type, DKG.Event)))
    assert events <= set(net.nodes)
    took_part = edges(net, "took part in")
    assert len(took_part) == len(set(seeds_graph.subject_objects(DKG.participant)))
    assert {v for _, v, _ in took_part} <= events
    assert all(net.nodes[u]["class"] == "Event" for u, _, _ in edges(net, "held in"))


def test_every_attribute_is_a_plain_scalar(net: nx.MultiDiGraph) -> None:
    values = [v for _, d in net.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in net.edges(data=True) for v in d.values()]
    assert values and all(type(v) in (str, int, float, bool) for v in values)
    assert all(v != "" for v in values)


def test_a_dataset_projects_like_its_merged_union(nlp: Language) -> None:
    from kg.api import article_facts  # noqa: PLC0415

    facts = list(article_facts([SEEDS], nlp=nlp))
    assert graphml(project(build_dataset(facts))) == graphml(project(merge(facts)))


def test_a_dataset_is_one_graph_as_a_turtle_file_holds_it(nlp: Language) -> None:
    from kg.api import article_facts  # noqa: PLC0415

    facts = list(article_facts([SEEDS], nlp=nlp))
    merged = merge(facts)
    assert set(one_graph(build_dataset(facts))) == set(merged) and len(merged) > 100
    assert one_graph(merged) is merged


def kg_modules_reached(start: str) -> set[str]:
    """The kg modules ``start`` imports, directly or not, at the top or inside a function."""
    reached, todo = set(), [start]
    while todo:
        name = todo.pop()
        path = ROOT.joinpath(*name.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if name in reached or not source.is_file():
            continue
        reached.add(name)
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("kg.")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                todo += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return reached


def test_the_projection_imports_nothing_that_writes_networks() -> None:
    """kg.rdf.export writes GraphML and GEXF with this module: importing it back would close a cycle."""
    reached = kg_modules_reached("kg.network.projection")
    assert "kg.rdf.mapping" in reached and "kg.rdf.export" not in reached


# --- Files for Gephi ---------------------------------------------------------------------------


def test_graphml_reads_back_with_its_attributes(net: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "kg.graphml"
    path.write_bytes(graphml(net))
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()
    node = "https://w3id.org/defense-kg/resource/person/boris-pistorius"
    assert back.nodes[node]["label"] == "Boris Pistorius"
    assert back.nodes[node]["mentions"] == net.nodes[node]["mentions"]
    assert (back.nodes[node]["r"], back.nodes[node]["g"], back.nodes[node]["b"]) == (0x4E, 0x79, 0xA7)


def test_gexf_reads_back_with_colours_and_no_date(net: nx.MultiDiGraph, tmp_path: Path) -> None:
    data = gexf(net)
    assert b"lastmodifieddate" not in data
    root = ET.fromstring(data)
    assert root.tag.endswith("gexf")
    path = tmp_path / "kg.gexf"
    path.write_bytes(data)
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()
    node = back.nodes["https://w3id.org/defense-kg/resource/country/germany"]
    assert node["label"] == "Germany"
    assert node["viz"]["color"]["r"] == 0xE1 and node["viz"]["color"]["g"] == 0x57


def test_hostile_texts_survive_both_files(tmp_path: Path) -> None:
    from test_interop import HOSTILE, hostile_facts  # noqa: PLC0415 - the hand-made hostile article

    net = project(merge([hostile_facts()]))
    texts = {d["text"] for _, d in net.nodes(data=True) if d["class"] == "Statement"}
    assert {text.replace("\r\n", "\n") for text in HOSTILE} <= texts
    (tmp_path / "h.graphml").write_bytes(graphml(net))
    (tmp_path / "h.gexf").write_bytes(gexf(net))
    for back in (nx.read_graphml(tmp_path / "h.graphml"), nx.read_gexf(tmp_path / "h.gexf")):
        assert {d["text"] for _, d in back.nodes(data=True) if d.get("class") == "Statement"} == texts


# --- kg build -o FILE.graphml / .gexf ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_cli_picks_the_network_format_from_the_extension(
    tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp)
    out = tmp_path / ("seeds" + suffix)
    result = CliRunner().invoke(
        main, ["build", str(SEEDS), "-o", str(out), "--no-validate"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    back = nx.read_graphml(out) if suffix == ".graphml" else nx.read_gexf(out)
    assert "https://w3id.org/defense-kg/resource/person/boris-pistorius" in back.nodes
