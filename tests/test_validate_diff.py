"""kg's compiled SHACL engine against pySHACL: the same violations, or a refusal.

``kg build`` and ``kg validate`` check graphs with kg's own engine
(kg/rdf/shacl_engine.py) because pySHACL took 33 s on what a build wrote in 4.
It may replace pySHACL only where both say the same: here, over the broken
graphs of tests/test_validate.py, the seeds' graph, and graphs made by
breaking the hand-made valid graph one triple at a time (dropped, or its
object replaced by a value of the wrong kind), which together violate every
shape of ontology/shapes.ttl. The reports are compared whole: focus, path,
value, message, label, shape and constraint component of every violation.
A shapes file using SHACL the engine lacks is left to pySHACL, never passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, XSD

from kg.cli import main
from kg.rdf.namespaces import DKG
from kg.rdf.shacl_engine import UnsupportedShapes, compile_shapes
from kg.rdf.validate import DKGSH, ValidationReport, load_shapes, validate, validate_file
from tests.test_validate import ARTICLE, BROKEN, ESTONIA, FUNDING, NATO, TALLINN, add, base, put
from tests.test_validate import both as both_edits

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


def both(graph: Graph, shapes: str | Path | None = None) -> tuple[ValidationReport, ValidationReport]:
    return validate(graph, shapes=shapes, engine="compiled"), validate(graph, shapes=shapes, engine="pyshacl")


def test_the_shapes_compile() -> None:
    """ontology/shapes.ttl runs on the compiled engine, not on the fallback."""
    compiled = compile_shapes(load_shapes())
    assert len(compiled.shapes) >= 25


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_graph_gets_the_same_report(case: str) -> None:
    edit, _ = BROKEN[case]
    graph = base()
    edit(graph)
    ours, reference = both(graph)
    assert ours.violations == reference.violations
    assert ours.violations


def test_the_seeds_graph_gets_the_same_report(seeds_graph: Graph) -> None:
    ours, reference = both(seeds_graph)
    assert ours.violations == reference.violations


#: Wrong values an object is replaced with: a blank, an ill-typed number, a negative
#: number, a node of the wrong class, a blank node, a literal where an IRI belongs.
WRONG = (
    Literal(" "),
    Literal("many", datatype=XSD.integer),
    Literal("-3", datatype=XSD.integer),
    Literal("2.5", datatype=XSD.decimal),
    Literal("x", lang="en"),
    NATO,
    TALLINN,
    URIRef("https://example.org/nowhere"),
)


#: Edits for the shapes neither the mutants nor the broken graphs of test_validate.py violate.
CRAFTED = [
    put(FUNDING, DKG.amountQualifier, Literal("roughly")),
    put(ARTICLE, DCTERMS.date, Literal("5", datatype=XSD.integer)),
    add(TALLINN, DKG.seatOf, ESTONIA),
    both_edits(
        add(ARTICLE, DCTERMS.date, Literal("2025-01-13", datatype=XSD.date)), add(NATO, DKG.seatOf, NATO)
    ),
]


def mutants() -> list[tuple[str, Graph]]:
    """The valid graph broken one triple at a time: each triple dropped, or its object replaced."""
    found = []
    for number, triple in enumerate(sorted(base())):
        s, p, o = triple
        dropped = base()
        dropped.remove(triple)
        found.append((f"{number} drop", dropped))
        wrong = WRONG[number % len(WRONG)] if p != RDF.type else WRONG[(number + 5) % len(WRONG)]
        replaced = base()
        replaced.remove(triple)
        replaced.add((s, p, wrong if wrong != o else BNode("b")))
        found.append((f"{number} replace", replaced))
    return found


def test_every_shape_is_violated_and_both_engines_agree() -> None:
    """Over the mutants and the broken graphs, every shape of shapes.ttl is reported, the same by both."""
    graphs = [graph for _, graph in mutants()]
    for edit in [edit for edit, _ in BROKEN.values()] + CRAFTED:
        graph = base()
        edit(graph)
        graphs.append(graph)
    reported: set[str] = set()
    for graph in graphs:
        ours, reference = both(graph)
        assert ours.violations == reference.violations, "\n".join(ours.lines() + ["--"] + reference.lines())
        reported |= {v.shape for v in reference.violations}
    never = reportable_shapes() - reported
    assert not never, f"shapes no graph violates: {sorted(never)}"


def reportable_shapes() -> set[str]:
    """Every shape that reports violations of its own, named as reports name them."""
    shapes = load_shapes()
    found = set()
    for shape in compile_shapes(shapes).all_shapes():
        if not (shape.constraints or shape.sparql):
            continue
        if isinstance(shape.node, URIRef):
            found.add(str(shape.node).replace(str(DKGSH), "dkgsh:"))
        else:
            owner = shapes.value(predicate=SH.property, object=shape.node)
            name = shapes.value(shape.node, SH.name)
            found.add(f"{str(owner).replace(str(DKGSH), 'dkgsh:')}[{name}]")
    return found


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:LabelShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:label ; sh:languageIn ( "en" ) ; sh:message "English labels only" ] .
"""

UNSUPPORTED_DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:Thing ; ex:label "Ding"@de .
"""


def test_shapes_the_engine_lacks_are_left_to_pyshacl(tmp_path: Path) -> None:
    """sh:languageIn is not compiled: the engine refuses, and the check still finds the violation."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(UNSUPPORTED)
    with pytest.raises(UnsupportedShapes):
        compile_shapes(Graph().parse(shapes))
    data = tmp_path / "data.ttl"
    data.write_text(UNSUPPORTED_DATA)
    report = validate_file(data, shapes=shapes)
    assert [v.component for v in report.violations] == ["sh:LanguageInConstraintComponent"]


@pytest.mark.parametrize("fmt", ["nt", "ttl", "nq"])
def test_kg_validate_of_a_file_matches_pyshacl(fmt: str, tmp_path: Path) -> None:
    """The compiled engine reads files with Oxigraph, the reference with rdflib: the same report."""
    graph = base()
    BROKEN["statement with two speakers"][0](graph)
    graph.add((NATO, DKG.mentionCount, Literal("0", datatype=XSD.integer)))
    path = tmp_path / f"g.{fmt}"
    if fmt == "nq":  # one named graph
        path.write_text(graph.serialize(format="nt").replace(" .\n", " <https://example.org/g> .\n"))
    else:
        graph.serialize(path, format="turtle" if fmt == "ttl" else "nt")
    ours = validate_file(path)
    reference = validate_file(path, engine="pyshacl")
    assert ours.violations == reference.violations
    assert {v.component for v in ours.violations} == {
        "sh:MaxCountConstraintComponent",
        "sh:MinInclusiveConstraintComponent",
    }
    assert {v.graph for v in ours.violations} == {"<https://example.org/g>" if fmt == "nq" else ""}
    assert ours.triples == reference.triples


def test_kg_validate_engine_option(tmp_path: Path) -> None:
    """``kg validate --engine pyshacl`` runs the reference; both print the same violations and exit 1."""
    graph = base()
    BROKEN["statement with two speakers"][0](graph)
    path = tmp_path / "g.ttl"
    graph.serialize(path, format="turtle")
    runner = CliRunner()
    ours = runner.invoke(main, ["validate", "-q", str(path)])
    reference = runner.invoke(main, ["validate", "-q", "--engine", "pyshacl", str(path)])
    assert ours.exit_code == reference.exit_code == 1
    assert ours.output == reference.output
    assert "dkg:speaker" in ours.output
    unknown = runner.invoke(main, ["validate", "--engine", "rudof", str(path)])
    assert unknown.exit_code == 2
