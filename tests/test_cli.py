"""The ``kg build`` command: outputs, options, bad inputs and exit statuses.

Most tests call the click command in-process (CliRunner) with the session's
pipeline; two run the installed console script in a subprocess, the way users
do, to check exit statuses and stderr end to end.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

import kg.builder.run
from kg.cli import main
from kg.rdf.namespaces import DEFAULT_BASE, DKG

KG = Path(sys.executable).parent / "kg"
TAMM = URIRef(DEFAULT_BASE + "person/kalle-tamm")
VIRTANEN = URIRef(DEFAULT_BASE + "person/aino-virtanen")

ARTICLE_A = (
    "Estonia orders drones\n\n"
    "Estonian Defence Minister Kalle Tamm said: “We will buy 200 reconnaissance drones this year.”\n"
    "Lithuania sent Ukraine €40 million for air defence.\n"
)
ARTICLE_B = (
    "Finnish Defence Minister Aino Virtanen met Kalle Tamm in Helsinki on Tuesday. "
    "Virtanen said the two countries would buy radars together.\n"
)
HTML_ARTICLE = """<!doctype html>
<html><head><title>Estonia orders drones</title>
<script>var trackerSecret = "ZEBRA-TRACKER-991"; console.log("Kalle Tamm said hello");</script>
<style>.promo { color: red }</style>
</head>
<body><nav>Home | Defence | Quokka Menu Item</nav>
<article><h1>Estonia orders drones</h1>
<p>Estonian Defence Minister Kalle Tamm said: “We will buy 200 reconnaissance drones this year.”</p>
<script>document.write("Injected Wombat Ministry said nothing");</script>
</article></body></html>
"""
# rdflib's own TriG / JSON-LD / N-Quads code uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

SUMMARY = re.compile(r"^\d+ articles.*\b\d+ triples\b")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    write(folder / "a.txt", ARTICLE_A)
    write(folder / "b.md", ARTICLE_B)
    return folder


@pytest.fixture
def kg_build(nlp, monkeypatch):
    """``kg_build(*args)`` runs ``kg build ARGS`` in-process and returns the click Result."""
    # the session pipeline instead of a fresh load per command (1-2 s each)
    monkeypatch.setattr(kg.builder.run, "shared_pipeline", lambda model=None: nlp, raising=False)
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(main, ["build", *map(str, args)], catch_exceptions=False)

    return run


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def run_console_script(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    assert KG.exists(), f"console script not installed at {KG}"
    return subprocess.run(
        [str(KG), "build", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- outputs ------------------------------------------------------------------------------


def test_build_writes_turtle_with_the_facts(kg_build, corpus, tmp_path):
    out = tmp_path / "out" / "graph.ttl"
    out.parent.mkdir()
    result = kg_build(corpus, "-o", out)
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out, format="turtle")
    statements = set(graph.subjects(RDF.type, DKG.Statement))
    assert statements
    speakers = {graph.value(s, DKG.speaker) for s in statements}
    assert {TAMM, VIRTANEN} <= speakers
    texts = {str(graph.value(s, DKG.text)) for s in statements}
    assert "We will buy 200 reconnaissance drones this year" in texts
    assert (TAMM, RDF.type, DKG.Person) in graph
    roles = set(graph.subjects(RDF.type, DKG.Role))
    assert URIRef(DEFAULT_BASE + "country/estonia") in {graph.value(r, DKG.roleOf) for r in roles}
    assert any((TAMM, DKG.holdsRole, r) in graph for r in roles)
    assert set(graph.subjects(RDF.type, DKG.Funding))
    assert len(set(graph.subjects(RDF.type, DKG.Article))) == 2


def test_summary_line_on_stderr(kg_build, corpus, tmp_path):
    out = tmp_path / "graph.ttl"
    result = kg_build(corpus, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    last = stderr_lines(result)[-1]
    assert SUMMARY.match(last), last
    assert last.startswith("2 articles")
    triples = int(re.search(r"(\d+) triples", last).group(1))
    assert triples == len(Graph().parse(out, format="turtle"))


def test_quiet_prints_no_summary(kg_build, corpus, tmp_path):
    result = kg_build(corpus, "-o", tmp_path / "graph.ttl", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("fmt", "suffix", "parse_as", "quads"),
    [
        ("nt", ".nt", "nt", False),
        ("json-ld", ".jsonld", "json-ld", False),
        ("trig", ".trig", "trig", True),
        ("nquads", ".nq", "nquads", True),
    ],
)
def test_other_formats_parse_back(kg_build, corpus, tmp_path, fmt, suffix, parse_as, quads):
    turtle = tmp_path / "graph.ttl"
    assert kg_build(corpus, "-o", turtle).exit_code == 0
    out = tmp_path / f"graph{suffix}"
    result = kg_build(corpus, "-o", out, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    if quads:
        data = Dataset()
        data.parse(out, format=parse_as)
        graph = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            graph.add((s, p, o))
        assert len({c for *_, c in data.quads((None, None, None, None))}) >= 2  # one graph per article
    else:
        graph = Graph().parse(out, format=parse_as)
    assert (TAMM, RDF.type, DKG.Person) in graph
    assert set(graph.subjects(RDF.type, DKG.Statement))
    reference = Graph().parse(turtle, format="turtle")
    assert set(reference.subjects(RDF.type, DKG.Statement)) == set(graph.subjects(RDF.type, DKG.Statement))


def test_json_ld_is_json(kg_build, corpus, tmp_path):
    out = tmp_path / "graph.jsonld"
    assert kg_build(corpus, "-o", out, "-f", "json-ld").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))


def test_base_changes_the_iris(kg_build, corpus, tmp_path):
    base = "https://example.org/defence/"
    out = tmp_path / "graph.nt"
    result = kg_build(corpus, "-o", out, "-f", "nt", "--base", base)
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out, format="nt")
    assert (URIRef(base + "person/kalle-tamm"), RDF.type, DKG.Person) in graph
    assert DEFAULT_BASE not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("base", ["not-an-iri", "http://example.org/no-slash", "ftp://example.org/kg/"])
def test_invalid_base_is_a_one_line_error(kg_build, corpus, tmp_path, base):
    out = tmp_path / "graph.ttl"
    result = kg_build(corpus, "-o", out, "--base", base)
    assert result.exit_code != 0
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert "base" in lines[0] and base in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_invalid_base_is_bad_usage(kg_build, corpus, tmp_path):
    result = kg_build(corpus, "-o", tmp_path / "graph.ttl", "--base", "not-an-iri")
    assert result.exit_code == 2


# --- bad inputs ---------------------------------------------------------------------------


def test_bad_inputs_are_skipped_with_one_line_warnings(tmp_path):
    """The real console script: each bad file is named once, the rest is built, exit 1."""
    folder = tmp_path / "articles"
    write(folder / "a.txt", ARTICLE_A)
    write(folder / "empty.txt", "")
    write(folder / "binary.txt", b"\x00\x01\x02\x89PNG\r\n\x1a\n\x00\xff\xfe")
    write(
        folder / "latin1.txt", "Caf\xe9 talk with Estonian Defence Minister Kalle Tamm.\n".encode("latin-1")
    )
    write(
        folder / "feed.jsonl",
        json.dumps({"text": ARTICLE_B, "title": "Radars"}) + "\n{not json at all\n",
    )
    out = tmp_path / "graph.ttl"
    proc = run_console_script(folder, "-o", out, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    warnings = [line for line in lines if line.startswith("warning:")]
    for name in ("empty.txt", "binary.txt", "latin1.txt", "feed.jsonl"):
        named = [w for w in warnings if name in w]
        assert len(named) == 1, (name, warnings)
    assert len(warnings) == 4
    assert "Traceback" not in proc.stderr
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert lines[-1].startswith("2 articles (4 skipped)")
    graph = Graph().parse(out, format="turtle")
    speakers = set(graph.objects(None, DKG.speaker))
    assert {TAMM, VIRTANEN} <= speakers  # a.txt and the good .jsonl line


def test_folder_with_nothing_to_read_is_exit_2(kg_build, tmp_path):
    folder = tmp_path / "empty-folder"
    write(folder / "notes.csv", "a,b\n")
    write(folder / ".hidden.txt", "Estonian Defence Minister Kalle Tamm said hello.")
    out = tmp_path / "graph.ttl"
    result = kg_build(folder, "-o", out)
    assert result.exit_code == 2
    assert "no .txt, .md, .html, .jsonl or .pdf files found" in result.stderr
    assert str(folder) in result.stderr or folder.name in result.stderr
    assert not out.exists()


def test_missing_path_is_exit_2(kg_build, tmp_path):
    out = tmp_path / "graph.ttl"
    result = kg_build(tmp_path / "no-such-folder", "-o", out)
    assert result.exit_code == 2
    assert "no-such-folder" in result.stderr
    assert "no such file or directory" in result.stderr
    assert not out.exists()


def test_nothing_built_leaves_no_output(kg_build, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "empty.txt", "")
    write(folder / "blank.md", "   \n\n  \n")
    out = tmp_path / "graph.ttl"
    result = kg_build(folder, "-o", out)
    assert result.exit_code == 2
    assert "nothing written" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles"]


def test_nothing_built_does_not_overwrite_an_existing_output(kg_build, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "empty.txt", "")
    out = write(tmp_path / "graph.ttl", "# the previous graph\n")
    result = kg_build(folder, "-o", out)
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "# the previous graph\n"


def test_existing_output_is_replaced_atomically(kg_build, corpus, tmp_path):
    out_dir = tmp_path / "out"
    out = write(out_dir / "graph.ttl", "stale content that is not turtle {{{\n")
    old_inode = os.stat(out).st_ino
    result = kg_build(corpus, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["graph.ttl"]  # no temp file left
    assert "stale content" not in out.read_text(encoding="utf-8")
    assert len(Graph().parse(out, format="turtle")) > 0
    assert os.stat(out).st_ino != old_inode  # a new file renamed over the old one


def test_html_scripts_styles_and_menus_stay_out_of_the_graph(kg_build, tmp_path):
    folder = tmp_path / "site"
    write(folder / "page.html", HTML_ARTICLE)
    out = tmp_path / "graph.nt"
    result = kg_build(folder, "-o", out, "-f", "nt")
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    for leaked in ("ZEBRA", "trackerSecret", "console.log", "Wombat", "Quokka", "color: red"):
        assert leaked not in text
    graph = Graph().parse(out, format="nt")
    texts = {str(o) for o in graph.objects(None, DKG.text)}
    assert "We will buy 200 reconnaissance drones this year" in texts
    assert (None, DKG.speaker, TAMM) in graph
    assert Literal("Kalle Tamm said hello") not in set(graph.objects())
