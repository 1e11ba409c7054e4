"""``kg push``: graphs uploaded into a real Oxigraph server over the SPARQL 1.1 Graph Store protocol.

The server is the ``oxigraph`` command of PyPI's ``oxigraph`` package (in the
test extra), started by the fixture on a free loopback port with an on-disk
store, and stopped after the module. What arrived is read back through the
server's own SPARQL endpoint.
"""

from __future__ import annotations

import base64
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from spacy.language import Language

from kg.api import article_facts
from kg.cli import main
from kg.rdf.export import named_graphs, union, write_graph
from kg.rdf.mapping import build_dataset
from kg.sparql.push import PushError, push
from kg.sparql.store import kg_decimals, open_store, store_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


# --- A real Oxigraph server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command() -> str:
    found = Path(sys.executable).parent / "oxigraph"
    if found.exists():
        return str(found)
    path = shutil.which("oxigraph")
    if path is None:
        pytest.fail("the oxigraph server is not installed (pip install -e '.[test]' installs it)")
    return path


class Server:
    """An Oxigraph server: its Graph Store endpoint and a SPARQL helper."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.store = base + "/store"

    def select(self, query: str) -> list[dict[str, str]]:
        request = urllib.request.Request(
            self.base + "/query",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            rows = json.load(response)["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in rows]

    def graph_sizes(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}

    def default_size(self) -> int:
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])

    def graph(self, name: str | None) -> Graph:
        """A graph as the server gives it back (GET on the Graph Store endpoint)."""
        query = "default" if name is None else urllib.parse.urlencode({"graph": name})
        request = urllib.request.Request(f"{self.store}?{query}", headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as response:
            # Oxigraph writes decimals in their XSD 1.1 form: back to kg's to compare terms.
            return kg_decimals(Graph().parse(data=response.read(), format="nt"))

    def clear(self) -> None:
        request = urllib.request.Request(
            self.base + "/update",
            data=urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30):
            pass


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [oxigraph_command(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.select("SELECT * WHERE { } LIMIT 1")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server(oxigraph: Server) -> Server:
    """The module's server, emptied before each test."""
    oxigraph.clear()
    return oxigraph


# --- The graphs pushed ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(nlp: Language) -> list:
    return list(article_facts([SEEDS], nlp=nlp))


@pytest.fixture(scope="module")
def dataset(seeds: list) -> Dataset:
    return build_dataset(seeds)


@pytest.fixture(scope="module")
def files(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    written = {}
    for fmt, name in [
        ("trig", "seeds.trig"),
        ("nquads", "seeds.nq"),
        ("turtle", "seeds.ttl"),
        ("nt", "seeds.nt"),
    ]:
        write_graph(folder / name, dataset, fmt)
        written[fmt] = folder / name
    return written


def expected_sizes(dataset: Dataset) -> dict[str, int]:
    return {str(g.identifier): len(g) for g in named_graphs(dataset)}


# --- Tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_push_quads_gives_one_named_graph_per_article(server: Server, dataset, files, fmt: str) -> None:
    report = push(files[fmt], server.store)
    sizes = expected_sizes(dataset)
    assert len(sizes) == 2
    assert server.graph_sizes() == sizes
    assert server.default_size() == 0
    assert report.graphs == 2 and report.triples == sum(sizes.values())
    for graph in named_graphs(dataset):
        assert isomorphic(server.graph(str(graph.identifier)), graph)


def test_pushing_twice_changes_nothing(server: Server, dataset, files) -> None:
    push(files["trig"], server.store)
    push(files["trig"], server.store)
    assert server.graph_sizes() == expected_sizes(dataset)


def test_push_replaces_a_graph_that_was_there(server: Server, dataset, files, tmp_path: Path) -> None:
    name = str(named_graphs(dataset)[0].identifier)
    stale = tmp_path / "stale.nt"
    stale.write_text('<http://example.org/stale> <http://example.org/p> "old" .\n', encoding="utf-8")
    push(stale, server.store, graph=name)
    assert server.graph_sizes() == {name: 1}
    push(files["trig"], server.store)
    assert server.graph_sizes() == expected_sizes(dataset)
    assert not server.select("SELECT * WHERE { GRAPH ?g { <http://example.org/stale> ?p ?o } }")


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_push_a_single_graph_file_to_a_named_graph(server: Server, dataset, files, fmt: str) -> None:
    push(files[fmt], server.store, graph="https://example.org/graph/seeds")
    assert server.graph_sizes() == {"https://example.org/graph/seeds": len(union(dataset))}
    assert isomorphic(server.graph("https://example.org/graph/seeds"), union(dataset))


def test_push_a_single_graph_file_to_the_default_graph(server: Server, dataset, files) -> None:
    push(files["turtle"], server.store)
    assert server.graph_sizes() == {}
    assert server.default_size() == len(union(dataset))


def test_push_a_store_directory(server: Server, dataset, seeds, tmp_path: Path) -> None:
    store = open_store(tmp_path / "store", read_only=False)
    store_articles(store, seeds)
    del store
    report = push(tmp_path / "store", server.store)
    assert report.graphs == 2
    assert server.graph_sizes() == expected_sizes(dataset)


def test_push_hostile_text_arrives_intact(server: Server, tmp_path: Path) -> None:
    """Quotes, backslashes, newlines and non-Latin text survive the trip through HTTP."""
    from test_interop import hostile_facts  # noqa: PLC0415 - the hand-made hostile article

    hostile = build_dataset([hostile_facts()])
    path = tmp_path / "hostile.trig"
    write_graph(path, hostile, "trig")
    push(path, server.store)
    (graph,) = named_graphs(hostile)
    assert isomorphic(server.graph(str(graph.identifier)), graph)


def test_cli_push(server: Server, dataset, files) -> None:
    result = CliRunner().invoke(main, ["push", str(files["trig"]), "--endpoint", server.store])
    assert result.exit_code == 0, result.stderr
    assert f"2 graphs, {sum(expected_sizes(dataset).values())} triples pushed" in result.stderr
    assert server.graph_sizes() == expected_sizes(dataset)


def test_cli_push_http_failure_is_one_line_naming_the_graph(server: Server, dataset, files) -> None:
    result = CliRunner().invoke(
        main, ["push", str(files["trig"]), "--endpoint", server.base + "/no-such-service"]
    )
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    first = str(named_graphs(dataset)[0].identifier)
    assert len(lines) == 1, result.stderr
    assert f"graph <{first}>" in lines[0] and "HTTP 404" in lines[0]
    assert server.graph_sizes() == {}


def test_cli_push_unreachable_server_exits_1(files) -> None:
    result = CliRunner().invoke(
        main, ["push", str(files["trig"]), "--endpoint", f"http://127.0.0.1:{free_port()}/store"]
    )
    assert result.exit_code == 1
    assert "cannot reach" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph", "https://example.org/g"], "names its own graphs"),
        (["--graph", "not an iri"], "absolute http(s) IRI"),
        (["--endpoint-bad"], "No such option"),
    ],
)
def test_cli_push_bad_usage_exits_2(server: Server, files, args: list[str], message: str) -> None:
    command = ["push", str(files["trig"]), "--endpoint", server.store, *args]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert message in result.stderr
    assert server.graph_sizes() == {}


def test_cli_push_unparsable_file_exits_2_before_sending(server: Server, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["push", str(broken), "--endpoint", server.store])
    assert result.exit_code == 2
    assert "not valid Turtle" in result.stderr
    assert server.default_size() == 0


def test_push_rejects_a_non_http_endpoint(files) -> None:
    with pytest.raises(PushError, match="http"):
        push(files["trig"], "ftp://example.org/store")


def test_basic_auth_header_is_sent(files, monkeypatch: pytest.MonkeyPatch) -> None:
    """Oxigraph has no authentication, so a minimal real HTTP server records what arrives."""
    seen: list[tuple[str, str | None, str | None]] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802 - the name http.server calls
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, self.headers.get("Authorization"), self.headers.get("Content-Type")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("KG_PUSH_PASSWORD", "s3cret:pw")
        endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/store"
        result = CliRunner().invoke(
            main, ["push", str(files["trig"]), "--endpoint", endpoint, "--user", "alice"]
        )
        assert result.exit_code == 0, result.stderr
    finally:
        httpd.shutdown()
        httpd.server_close()
    token = base64.b64encode(b"alice:s3cret:pw").decode()
    assert [auth for _, auth, _ in seen] == [f"Basic {token}"] * 2
    assert {ctype for _, _, ctype in seen} == {"application/n-triples"}
    assert all(path.startswith("/store?graph=https%3A%2F%2Fw3id.org%2F") for path, _, _ in seen)
