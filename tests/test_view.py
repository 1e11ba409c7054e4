"""``kg view``: the page, its options, and the page opened in a real browser.

The first half reads the HTML ``kg view`` writes: what it loads (nothing), its
data (nodes styled from the ontology, facts with their sentence and article),
the choice of nodes (--focus, --hops, --types, --max-nodes) and the command's
messages. The second half opens pages from disk in headless Chromium (Debian's
``chromium`` and ``chromedriver``, driven by Selenium) and checks what a user
would meet: no console error, no request to any host, the expected network,
tooltips and panels that show an article's markup as text and run none of it,
and a 5,000-entity graph that opens within the time budget. It also saves the
seeds' screenshot shown in the README (``docs/seeds-graph.png``).

``.ci/run`` installs Chromium; here a missing browser skips the browser tests,
in CI (``$CI`` set) it fails them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import ONE_POST_TWO_ARTICLES, require_program, write_corpus
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from spacy.language import Language

from kg.api import build_graph
from kg.cli import main
from kg.network.html import DEFAULT_MAX_NODES, ViewError, ViewReport, view
from kg.network.projection import project
from kg.rdf.namespaces import DKG
from kg.rdf.vocab import classes
from kg.sparql.store import open_store, replace_graphs

ROOT = Path(__file__).resolve().parent.parent
KG = Path(sys.executable).parent / "kg"
#: The README's pictures are taken again only when asked (``KG_UPDATE_DOCS=1 pytest tests/test_view.py``),
#: so that a test run leaves the checkout as it found it.
DOCS = ROOT / "docs" if os.environ.get("KG_UPDATE_DOCS") else None

# rdflib's own N-Quads code (reading a store) uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

#: Seconds the 5,000-entity graph may take to be drawn by kg view, and then to be ready in the browser.
BUDGET_SECONDS = 30.0

#: Markup that must show as text: if any of it ran, a dialog would open or an image load.
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'single'", '"double"']
HOSTILE_TITLE = 'Drones <script>alert(2)</script> & "quotes" <img src=x onerror=alert(2)>'
HOSTILE_ARTICLE = (
    f"{HOSTILE_TITLE}\n\n"
    "“We will not accept <script>alert(1)</script> or <img src=x onerror=alert(1)> and 'single' "
    'or "double" quotes,” said Kaja Kallas, the EU High Representative.\n\n'
    "The European Union will provide €5 billion to Ukraine for <b>air defence</b>, Kallas said.\n"
)
#: An entity whose very name is markup (the extractor would not make one; a hand-made graph can).
HOSTILE_NAME = '<img src=x onerror=alert(3)> "Zorg" </script>'
HOSTILE_IRI = URIRef("https://example.org/person/zorg")


# --- Pages -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_page(seeds_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ViewReport]:
    path = tmp_path_factory.mktemp("view") / "seeds.html"
    return path, view(seeds_graph, path, title="seeds/: two articles on European defence")


@pytest.fixture(scope="module")
def hostile_graph(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """An article full of markup, read by the pipeline, plus an entity named with markup."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    graph = build_graph([folder], nlp=nlp)
    graph.add((HOSTILE_IRI, RDF.type, DKG.Person))
    graph.add((HOSTILE_IRI, RDFS.label, Literal(HOSTILE_NAME)))
    graph.add((HOSTILE_IRI, DKG.mentionCount, Literal(2)))
    return graph


@pytest.fixture(scope="module")
def hostile_page(hostile_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ViewReport]:
    path = tmp_path_factory.mktemp("view") / "hostile.html"
    return path, view(hostile_graph, path)


def page_data(html: str) -> dict:
    """The JSON the page draws from (the content of its #kg-data script)."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL)
    assert match, "the page has no #kg-data"
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes, and the text of the legend."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def synthetic_graph(entities: int = 5000, seed: int = 5) -> Graph:
    """``entities`` people, organisations and countries, each a member of two others, and some quotes."""
    rnd = random.Random(seed)
    graph = Graph()
    kinds = ["Person"] * 6 + ["Organization"] * 3 + ["Country"]
    nodes = [URIRef(f"https://example.org/r/e{i}") for i in range(entities)]
    for i, node in enumerate(nodes):
        kind = kinds[i % len(kinds)]
        graph.add((node, RDF.type, DKG[kind]))
        graph.add((node, RDFS.label, Literal(f"{kind} {i}")))
        graph.add((node, DKG.mentionCount, Literal(1 + int(rnd.paretovariate(1.5)))))
        for _ in range(2):
            graph.add((node, DKG.memberOf, nodes[rnd.randrange(entities)]))
    for i in range(0, entities, 50):
        statement = URIRef(f"https://example.org/r/statement/{i}")
        graph.add((statement, RDF.type, DKG.Statement))
        graph.add((statement, DKG.speaker, nodes[i]))
        graph.add((statement, DKG.text, Literal(f"Quote number {i}.")))
    return graph


# --- The page as written --------------------------------------------------------------------------


def test_page_loads_nothing_from_anywhere(seeds_page: tuple[Path, ViewReport]) -> None:
    html = seeds_page[0].read_text(encoding="utf-8")
    found = tags(html)
    assert not [
        t for t, a in found if "src" in a or "href" in a or t in ("link", "iframe", "object", "embed")
    ]
    scripts = [a for t, a in found if t == "script"]
    assert scripts == [{"type": "application/json", "id": "kg-data"}, {}, {}]  # data, vis-network, the view
    csp = next(
        a["content"] for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "vis.Network" in html and len(html.encode()) == seeds_page[1].size


def test_same_graph_same_page(seeds_graph: Graph, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    view(seeds_graph, first)
    view(seeds_graph, second)
    assert first.read_bytes() == second.read_bytes()


def test_nodes_are_styled_from_the_ontology_and_sized_by_mentions(seeds_page, seeds_graph: Graph) -> None:
    data = page_data(seeds_page[0].read_text(encoding="utf-8"))
    net = project(seeds_graph)
    assert {n["id"] for n in data["nodes"]} == set(net)
    for node in data["nodes"]:
        info = classes()[net.nodes[node["id"]]["class"]]
        assert (node["color"]["background"], node["shape"]) == (info.color, info.shape), node["id"]
        assert data["nodeInfo"][node["id"]]["kind"] == info.label
    entities = sorted((net.nodes[n["id"]]["mentions"], n["size"]) for n in data["nodes"] if n["entity"])
    assert entities[0][0] < entities[-1][0] and entities[0][1] < entities[-1][1]
    assert all(
        a[1] <= b[1] for a, b in zip(entities, entities[1:], strict=False)
    )  # more mentions, never smaller


def test_legend_names_the_classes_and_relations_drawn(seeds_page, seeds_graph: Graph) -> None:
    html = seeds_page[0].read_text(encoding="utf-8")
    legend = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split('id="kg-legend"')[1].split("</details>")[0])
    )
    drawn = Counter(a["core"] for _, a in project(seeds_graph).nodes(data=True))
    assert set(drawn) >= {"Person", "Organization", "Country", "Statement", "Event"}
    for label, count in drawn.items():
        assert f"{label} {count}" in legend
    assert f"Organization {drawn['Organization']} (Alliance, EU institution" in legend  # kinds on its line
    for words in ("said: the speaker", "funds: funder", "holds post", "member of", "took part in", "held in"):
        assert words in legend


def test_edges_say_who_said_funds_holds_and_belongs(seeds_page) -> None:
    labels = {e["label"] for e in page_data(seeds_page[0].read_text(encoding="utf-8"))["edges"]}
    assert {"said", "member of", "took part in", "held in", "German Defense Minister"} <= labels
    assert "funds 150 billion euros" in labels  # the amount, as the article wrote it


def test_every_fact_shows_its_sentence_and_article(seeds_page, seeds_graph: Graph) -> None:
    data = page_data(seeds_page[0].read_text(encoding="utf-8"))
    rows = seeds_graph.query(
        """SELECT ?text ?evidence ?title WHERE {
             ?s dkg:speaker/rdfs:label "Boris Pistorius" ; dkg:text ?text ; dkg:evidence ?evidence ;
                dkg:source/dcterms:title ?title }""",
        initNs={"dkg": DKG, "rdfs": RDFS, "dcterms": DCTERMS},
    )
    expected = {(str(t), str(e), str(a)) for t, e, a in rows}
    info = next(i for i in data["nodeInfo"].values() if i["name"] == "Boris Pistorius")
    said = {
        (f["quote"], f["sources"][0]["evidence"], f["sources"][0]["article"])
        for f in info["facts"]
        if f["head"] == "Boris Pistorius said"
    }
    assert len(expected) > 5 and said == expected
    fundings = [i for i in data["edgeInfo"].values() if i["kind"] == "funds"]
    assert fundings and all(i["facts"][0]["sources"][0]["evidence"] for i in fundings)
    assert all(f["sources"] and all(s["article"] for s in f["sources"]) for i in fundings for f in i["facts"])


def test_a_post_shows_each_article_with_the_sentence_read_in_it(nlp: Language, tmp_path: Path) -> None:
    graph = build_graph([write_corpus(tmp_path / "corpus", ONE_POST_TWO_ARTICLES)], nlp=nlp)
    data = page_data(view(graph, tmp_path / "post.html").html)
    [post] = [i for i in data["edgeInfo"].values() if i["facts"][0]["head"].startswith("Mark Rutte: ")]
    assert post["facts"][0]["sources"] == [
        {
            "evidence": ONE_POST_TWO_ARTICLES["brussels.txt"].split("\n")[2],
            "article": "Allies meet in Brussels",
        },
        {"evidence": ONE_POST_TWO_ARTICLES["warsaw.txt"].split("\n")[2], "article": "Drone wall plans"},
    ]


def test_article_text_stays_inside_its_json(hostile_page) -> None:
    html = hostile_page[0].read_text(encoding="utf-8")
    data = html.split('<script type="application/json" id="kg-data">')[1].split("</script>")[0]
    outside = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.DOTALL)
    assert "alert(" not in outside and "Zorg" not in outside  # not even in the page title or the legend
    assert not set("<>&") & set(data)  # the JSON way: \u003c, \u003e, \u0026
    text = json.dumps(page_data(html), ensure_ascii=False)
    for payload in [*PAYLOADS, HOSTILE_NAME]:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in text


# --- Choosing what to draw -------------------------------------------------------------------------


def test_max_nodes_keeps_the_most_mentioned_and_says_what_it_left_out(seeds_graph: Graph) -> None:
    report = view(seeds_graph, max_nodes=10)
    data = page_data(report.html)
    net = project(seeds_graph)
    kept = {n["id"] for n in data["nodes"]}
    assert report.nodes == len(kept) <= 10 and report.total_nodes == len(net)

    def score(node: str) -> int:
        return net.nodes[node].get("mentions", 0) + net.degree(node)

    assert min(score(n) for n in kept) >= max(score(n) for n in set(net) - kept)
    line = report.left_out()
    assert line.startswith(f"left out {len(net) - len(kept)} nodes beyond --max-nodes 10")
    assert "24 Statement" in line and "the most mentioned of them: " in line
    assert report.left_out() in report.html  # the page says it too


def test_focus_draws_what_is_around_an_entity(seeds_graph: Graph) -> None:
    net = project(seeds_graph)
    pistorius = next(n for n, a in net.nodes(data=True) if a["label"] == "Boris Pistorius")
    for hops in (0, 1, 2):
        report = view(seeds_graph, focus="pistorius", hops=hops)
        expected = set(nx.ego_graph(net, pistorius, radius=hops, undirected=True))
        assert {n["id"] for n in page_data(report.html)["nodes"]} == expected
        assert report.filtered == len(net) - len(expected)
    assert view(seeds_graph, focus=pistorius, hops=0).nodes == 1  # by IRI too
    assert view(seeds_graph, focus="Kubilius").nodes > 1  # by a part of the label


def test_types_keep_the_classes_named(seeds_graph: Graph) -> None:
    report = view(seeds_graph, types=["person", "Countries"])
    kinds = {i["kind"] for i in page_data(report.html)["nodeInfo"].values()}
    cores = Counter(a["core"] for _, a in project(seeds_graph).nodes(data=True))
    assert kinds == {"Person", "Country"} and report.nodes == cores["Person"] + cores["Country"]
    organisations = page_data(view(seeds_graph, types=["Organization"]).html)["nodeInfo"].values()
    assert {"Alliance", "Think tank"} <= {i["kind"] for i in organisations}  # a core class keeps its kinds


def test_a_large_view_has_a_fixed_layout_with_no_two_nodes_at_one_place() -> None:
    graph = synthetic_graph(1500)
    first, second = view(graph, max_nodes=900), view(graph, max_nodes=900)
    assert first.html == second.html and first.layout == "precomputed"
    data = page_data(first.html)
    assert data["options"]["physics"]["enabled"] is False
    places = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(data["nodes"]) == len(places) == 900
    assert "Person 540" in re.sub(r"<[^>]+>|\s+", " ", first.html).replace("  ", " ")  # the legend counts


def test_a_precomputed_layout_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    source = tmp_path / "big.nt"
    synthetic_graph(1000).serialize(source, format="nt", encoding="utf-8")
    pages = []
    for seed in ("1", "2"):
        page = tmp_path / f"seed{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [str(KG), "view", str(source), "-o", str(page), "--max-nodes", "200", "-q"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        pages.append(hashlib.sha256(page.read_bytes()).hexdigest())  # pytest's diff of pages takes minutes
    assert pages[0] == pages[1]


# --- vis-network, inlined ---------------------------------------------------------------------------

VIS_NETWORK = ROOT / "kg" / "data" / "view" / "vis-network"


def test_the_page_inlines_the_vendored_vis_network_and_names_its_version(seeds_page) -> None:
    html = seeds_page[0].read_text(encoding="utf-8")
    script = (VIS_NETWORK / "vis-network.min.js").read_text(encoding="utf-8")
    version = re.search(r"@version\s+(\S+)", script).group(1)
    assert f"<script>{script}</script>" in html
    assert f'<meta name="generator" content="kg view (pyvis, vis-network {version})">' in html
    assert f"vis-network **{version}**" in (VIS_NETWORK / "README.md").read_text(encoding="utf-8")
    assert {"LICENSE-MIT", "LICENSE-APACHE-2.0"} <= {p.name for p in VIS_NETWORK.iterdir()}


def test_the_page_needs_nothing_from_pyvis_private_folder(
    seeds_graph: Graph, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pyvis's templates/lib is no API of pyvis: the page is the same when it cannot be found."""
    import pyvis  # noqa: PLC0415

    expected = view(seeds_graph).html
    monkeypatch.setattr(pyvis, "__file__", str(tmp_path / "elsewhere" / "pyvis" / "__init__.py"))
    assert view(seeds_graph).html == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"focus": "Zorro"}, "--focus 'Zorro': no entity of that name in the graph"),
        ({"focus": "a"}, "--focus 'a' names several entities: "),
        ({"types": ["Persn"]}, "--types: unknown type 'Persn'; choose from Agency, "),
        ({"max_nodes": 0}, "--max-nodes must be at least 1"),
    ],
)
def test_bad_options_are_one_line_errors(seeds_graph: Graph, options: dict, message: str) -> None:
    with pytest.raises(ViewError) as caught:
        view(seeds_graph, **options)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


# --- The command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_ttl(seeds_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ttl") / "seeds.ttl"
    seeds_graph.serialize(path, format="turtle")
    return path


def test_kg_view_writes_the_page_and_replaces_an_old_one(seeds_ttl: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    out.write_text("old page", encoding="utf-8")
    result = CliRunner().invoke(main, ["view", str(seeds_ttl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    net = project(Graph().parse(seeds_ttl))
    n, e = len(net), net.number_of_edges()
    summary = (
        rf"{n} nodes and {e} edges drawn of {n} and {e} \(precomputed layout, \d+ KB\) in [\d.]+ s -> .*\n"
    )
    assert re.fullmatch(summary, result.stderr)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]  # no temporary file left
    assert "<title>seeds.ttl</title>" in out.read_text(encoding="utf-8")


def test_a_store_is_drawn_like_its_graph(seeds_graph: Graph, tmp_path: Path) -> None:
    named = Graph(identifier=URIRef("https://example.org/graph/seeds"))
    named += seeds_graph
    store = open_store(tmp_path / "seeds.store", read_only=False)
    replace_graphs(store, [named])
    del store  # closes it: kg view opens it read-only
    from_store = page_data(view(tmp_path / "seeds.store").html)
    from_graph = page_data(view(seeds_graph).html)
    assert from_store["nodes"] == from_graph["nodes"] and from_store["edges"] == from_graph["edges"]
    assert from_store["nodeInfo"] == from_graph["nodeInfo"]


def test_kg_view_open_hands_the_page_to_the_browser(seeds_ttl: Path, tmp_path: Path) -> None:
    """The installed command, with $BROWSER (which Python's webbrowser obeys) a script that notes the URL."""
    opened, page = tmp_path / "opened.txt", tmp_path / "graph.html"
    note = f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])"
    env = {**os.environ, "BROWSER": f"{sys.executable} -c {shlex.quote(note)} %s"}
    done = subprocess.run(
        [KG, "view", str(seeds_ttl), "-o", str(page), "--open", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert opened.read_text(encoding="utf-8") == page.resolve().as_uri()


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["missing.ttl"], 2, "Error: missing.ttl: no such file\n"),
        (["{ttl}", "--focus", "Zorro"], 2, "Error: --focus 'Zorro': no entity of that name in the graph\n"),
        (["{ttl}", "--types", "Persn"], 2, "Error: --types: unknown type 'Persn'; choose from "),
        (["{ttl}", "{tmp}/bad.ttl"], 2, "Error: {tmp}/bad.ttl: cannot parse as turtle: "),
        (
            ["{ttl}", "-o", "{tmp}/no/such/dir/page.html"],
            1,
            "Error: cannot write {tmp}/no/such/dir/page.html: ",
        ),
    ],
)
def test_kg_view_errors_are_one_line(
    seeds_ttl: Path, tmp_path: Path, args, status: int, message: str
) -> None:
    (tmp_path / "bad.ttl").write_text("<not turtle", encoding="utf-8")
    args = [a.format(ttl=seeds_ttl, tmp=tmp_path) for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "page.html")]
    result = CliRunner().invoke(main, ["view", *args])
    assert result.exit_code == status
    assert result.stderr.startswith(message.format(tmp=tmp_path)) and result.stderr.count("\n") == 1


# --- In a real browser ------------------------------------------------------------------------------


def _require(name: str) -> str:
    return require_program(name, "chromium chromium-driver")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium, with a new empty profile, logging the console and every request."""
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = _require("chromium")
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--force-device-scale-factor=1.5",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")  # a dialog stays open, for the test to see
    driver = webdriver.Chrome(service=Service(_require("chromedriver")), options=options)
    driver.get("about:blank")  # away from the start page, whose own requests would be logged
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path, timeout: float = BUDGET_SECONDS) -> float:
    """Open ``path`` from disk and wait until the network is drawn and still; the seconds it took."""
    driver.get_log("browser")
    driver.get_log("performance")  # forget what came before
    started = time.perf_counter()
    driver.get(path.resolve().as_uri())
    while not driver.execute_script("return document.documentElement.getAttribute('data-kg-ready')"):
        assert time.perf_counter() - started < timeout, f"{path.name} not drawn in {timeout} s"
        time.sleep(0.05)
    return time.perf_counter() - started


def requests(driver) -> list[str]:
    """The URL of every request and web socket the page made since it was opened."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls


def assert_quiet(driver, path: Path) -> None:
    """No console message of any kind, no request but the page's own file, no dialog."""
    from selenium.common.exceptions import NoAlertPresentException  # noqa: PLC0415

    assert driver.get_log("browser") == []
    assert requests(driver) == [path.resolve().as_uri()]
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check


def drawn(driver) -> dict:
    return driver.execute_script(
        """const body = kg.network.body;
           return {nodes: kg.nodes.length, edges: kg.edges.length, labels: kg.edges.get().map(e => e.label),
                   drawnNodes: body.nodeIndices.length, drawnEdges: body.edgeIndices.length}"""
    )


def point_at(driver, node: str, click: bool = False, scale: float = 2.0) -> None:
    """Move the real mouse onto ``node`` (centred and zoomed to ``scale`` first), and click it if asked."""
    from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415

    x, y, width, height = driver.execute_script(
        """const id = arguments[0];
           kg.network.focus(id, {scale: arguments[1], animation: false});
           const p = kg.network.canvasToDOM(kg.network.getPosition(id));
           const box = document.getElementById('kg-network').getBoundingClientRect();
           return [p.x, p.y, box.width, box.height];""",
        node,
        scale,
    )
    container = driver.find_element("id", "kg-network")
    actions = ActionChains(driver).move_to_element_with_offset(
        container, int(x - width / 2), int(y - height / 2)
    )
    (actions.click() if click else actions).perform()


def visible_text(driver, selector: str, timeout: float = 5.0) -> str:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        text = driver.execute_script(
            """const e = document.querySelector(arguments[0]);
               const shown = e && !e.hidden && getComputedStyle(e).visibility === 'visible';
               return shown ? e.textContent : null;""",
            selector,
        )
        if text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{selector} never showed")


def test_seeds_page_in_chromium(browser, seeds_page, seeds_graph: Graph, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415

    path, report = seeds_page
    seconds = open_page(browser, path)
    counts = drawn(browser)
    net = project(seeds_graph)
    expected = (len(net), net.number_of_edges())
    assert (counts["nodes"], counts["edges"]) == (report.nodes, report.edges) == expected
    assert (counts["drawnNodes"], counts["drawnEdges"]) == expected
    assert "said" in counts["labels"] and "German Defense Minister" in counts["labels"]
    pictures = DOCS or tmp_path
    assert browser.save_screenshot(str(pictures / "seeds-graph.png"))
    pistorius = browser.execute_script("return kg.nodes.get().find(n => n.label === 'Boris Pistorius').id")
    point_at(browser, pistorius, click=True)
    ActionChains(browser).move_to_element(browser.find_element("id", "kg-title")).perform()
    panel = visible_text(browser, "#kg-panel")
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('.vis-tooltip')).visibility"
    ) == (
        "hidden"  # the tooltip went when the mouse left: it would hide the panel
    )
    browser.execute_script(  # Pistorius and his quotes beside the panel, for the picture
        "kg.network.moveTo({position: kg.network.getPosition(arguments[0]), scale: 0.8,"
        " offset: {x: -230, y: 40}, animation: false})",
        pistorius,
    )
    assert panel.startswith("×Boris PistoriusPersonMentions: ") and "Boris Pistorius said" in panel
    assert browser.save_screenshot(str(pictures / "seeds-graph-facts.png"))
    assert_quiet(browser, path)
    print(f"seeds page ready in Chromium in {seconds:.1f} s")


def test_hover_and_click_show_the_facts_as_text_and_run_nothing(browser, hostile_page) -> None:
    path, _ = hostile_page
    open_page(browser, path)
    quote = browser.execute_script("return kg.nodes.get().find(n => n.label.includes('accept')).id")
    point_at(browser, quote)
    tooltip = visible_text(browser, "div.vis-tooltip")
    for payload in PAYLOADS:
        assert payload in tooltip
    assert "Kaja Kallas said" in tooltip and HOSTILE_TITLE in tooltip  # the speaker, and the article's title
    point_at(browser, quote, click=True)
    panel = visible_text(browser, "#kg-panel")
    assert all(payload in panel for payload in PAYLOADS) and HOSTILE_TITLE in panel
    point_at(browser, str(HOSTILE_IRI), click=True)
    assert visible_text(browser, "#kg-panel") == f"×{HOSTILE_NAME}PersonMentions: 2"
    counts = browser.execute_script(
        "return [document.images.length, document.scripts.length, document.querySelectorAll('b').length]"
    )
    assert counts == [0, 3, 0]  # no element made from article text
    assert_quiet(browser, path)


def test_search_box_finds_and_shows_a_node(browser, seeds_page) -> None:
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

    path, _ = seeds_page
    open_page(browser, path)
    browser.find_element("id", "kg-search").send_keys("kubilius", Keys.ENTER)
    assert visible_text(browser, "#kg-panel").startswith("×Andrius KubiliusPerson")
    selected = browser.execute_script(
        "return kg.network.getSelectedNodes().map(id => kg.nodes.get(id).label)"
    )
    assert selected == ["Andrius Kubilius"]
    box = browser.find_element("id", "kg-search")
    box.clear()
    box.send_keys("Zorro", Keys.ENTER)
    assert visible_text(browser, "#kg-search-result") == "not in this view"
    assert_quiet(browser, path)


def test_the_notebook_view_draws_inside_its_sandboxed_iframe(
    browser, seeds_graph: Graph, tmp_path: Path
) -> None:
    report = view(seeds_graph, focus="Kubilius", hops=1)
    page = tmp_path / "notebook.html"
    page.write_text(f"<!DOCTYPE html><html><body>{report._repr_html_()}</body></html>", encoding="utf-8")
    browser.get_log("performance")
    browser.get(page.as_uri())
    frame = browser.find_element("tag name", "iframe")
    assert frame.get_attribute("sandbox") == "allow-scripts"
    browser.switch_to.frame(frame)
    try:
        started = time.perf_counter()
        while not browser.execute_script("return document.documentElement.getAttribute('data-kg-ready')"):
            assert time.perf_counter() - started < BUDGET_SECONDS
            time.sleep(0.05)
        assert drawn(browser)["drawnNodes"] == report.nodes > 1
        assert browser.execute_script("return window.origin") == "null"  # an origin of its own
    finally:
        browser.switch_to.default_content()
    assert_quiet(browser, page)


def test_5000_entities_render_within_budget_and_the_command_says_what_it_left_out(browser, tmp_path) -> None:
    graph = synthetic_graph(5000)
    source = tmp_path / "big.nt"
    graph.serialize(source, format="nt", encoding="utf-8")
    page = tmp_path / "big.html"
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["view", str(source), "-o", str(page)])
    built = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    left_out, summary = result.stderr.splitlines()
    total = len(project(graph))
    assert f"left out {total - DEFAULT_MAX_NODES:,} nodes beyond --max-nodes {DEFAULT_MAX_NODES}" in left_out
    assert "Person" in left_out and "See them with --focus ENTITY" in left_out
    assert summary.startswith(f"{DEFAULT_MAX_NODES} nodes and ") and "precomputed layout" in summary
    seconds = open_page(browser, page)
    counts = drawn(browser)
    assert counts["nodes"] == counts["drawnNodes"] == DEFAULT_MAX_NODES
    assert counts["edges"] == counts["drawnEdges"] == int(summary.split(" nodes and ")[1].split(" ")[0])
    assert built < BUDGET_SECONDS and seconds < BUDGET_SECONDS
    assert_quiet(browser, page)
    size = page.stat().st_size
    print(f"5,000 entities: kg view {built:.1f} s, ready in Chromium in {seconds:.1f} s, {size:,} bytes")


def test_unconnected_nodes_can_be_hidden(browser, seeds_page) -> None:
    path, _ = seeds_page
    open_page(browser, path)
    loners = browser.execute_script(
        "var linked = {}; kg.edges.get().forEach(function (e) { linked[e.from] = linked[e.to] = true; });"
        "return kg.nodes.get().filter(function (n) { return !linked[n.id]; }).length"
    )
    assert loners > 0
    assert browser.find_element("id", "kg-loners-count").text == str(loners)
    browser.find_element("id", "kg-hide-loners").click()
    hidden = browser.execute_script("return kg.nodes.get({filter: function (n) { return n.hidden; }}).length")
    assert hidden == loners
    browser.find_element("id", "kg-hide-loners").click()
    assert (
        browser.execute_script("return kg.nodes.get({filter: function (n) { return n.hidden; }}).length") == 0
    )
