"""kg serve: a real server on a free loopback port, queried with SPARQLWrapper and plain HTTP.

One server per module (the seeds' graph, a 2-second time limit, 200 rows at
most), so the whole file runs in a few seconds.
"""

from __future__ import annotations

import csv
import io
import json
import resource
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.sparql.endpoint import Endpoint, in_worker, negotiate, text
from kg.sparql.query import open_graph, run, saved_queries
from kg.sparql.serve import make_server

TIMEOUT = 2.0
MAX_ROWS = 200
POSTS = saved_queries()["posts"].text


@pytest.fixture(scope="module")
def seeds_file(seeds_graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "seeds.ttl"
    path.write_bytes(seeds_graph.serialize(format="turtle", encoding="utf-8"))
    return path


@pytest.fixture(scope="module")
def base(seeds_file):
    server = make_server([seeds_file], port=0, timeout=TIMEOUT, max_rows=MAX_ROWS, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def local(seeds_file) -> ox.Store:
    return open_graph(seeds_file)


def client(base: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{base}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(base: str, path: str = "/sparql", headers: dict | None = None, **params: str):
    return fetch(f"{base}{path}?{urllib.parse.urlencode(params)}", headers=headers)


def plain(rows) -> list[tuple]:
    return [tuple(None if t is None else t.value for t in row) for row in rows]


# --- SPARQLWrapper, four formats ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_in_every_format_gives_the_rows_of_the_engine(fmt, base, local) -> None:
    expected = run(local, POSTS)
    response = client(base, POSTS, fmt).query()
    content_type = response.info()["content-type"]
    data = response.response.read()
    if fmt == CSV:
        assert content_type.startswith("text/csv")
        header, *lines = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert header == expected.variables
        assert [tuple(v or None for v in line) for line in lines] == plain(expected.rows)
        return
    wanted = {
        JSON: "application/sparql-results+json",
        XML: "application/sparql-results+xml",
        TSV: "text/tab-separated-values",
    }
    assert content_type.startswith(wanted[fmt])
    parsed = ox.parse_query_results(data, format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert [v.value for v in parsed.variables] == expected.variables
    got = plain(parsed)
    assert got == plain(expected.rows)
    assert ("Boris Pistorius", "German Defense Minister", "Germany", "1") in got


def test_json_converted_by_sparqlwrapper(base) -> None:
    answer = client(base, "SELECT ?name WHERE { ?p a dkg:Person ; rdfs:label ?name } ORDER BY ?name", JSON)
    names = [b["name"]["value"] for b in answer.queryAndConvert()["results"]["bindings"]]
    assert names == [
        "Andrius Kubilius",
        "Boris Pistorius",
        "Oleksandr Kamyshin",
        "Vladimir Putin",
        "Volodymyr Zelenskyy",
    ]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(fmt, base) -> None:
    yes = client(base, "ASK { ?f a dkg:Funding }", fmt).queryAndConvert()
    no = client(base, "ASK { ?f a dkg:Nothing }", fmt).queryAndConvert()
    if fmt == JSON:
        assert yes["boolean"] is True and no["boolean"] is False
    else:
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct_is_turtle_that_rdflib_reads(base, local) -> None:
    query = (
        "CONSTRUCT { ?p dkg:holdsRole ?r . ?r rdfs:label ?l }"
        " WHERE { ?p dkg:holdsRole ?r . ?r rdfs:label ?l }"
    )
    response = client(base, query, TURTLE).query()
    assert response.info()["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.response.read(), format="turtle")
    assert len(graph) == len(run(local, query)) == 8
    assert rdflib.Literal("German Defense Minister") in set(graph.objects())


def test_post_form_and_raw_query_bodies(base) -> None:
    form = urllib.parse.urlencode({"query": POSTS}).encode()
    status, headers, body = fetch(
        f"{base}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
    )
    assert status == 200 and b"Boris Pistorius,German Defense Minister" in body
    status, headers, body = fetch(
        f"{base}/sparql",
        POSTS.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 4
    sparql = client(base, POSTS, JSON)
    sparql.setMethod(POST)
    assert len(sparql.queryAndConvert()["results"]["bindings"]) == 4


# --- Negotiation ----------------------------------------------------------------------------------


def test_negotiation_format_override_and_406(base) -> None:
    status, headers, _ = get(
        base, query=POSTS, headers={"Accept": "text/tab-separated-values;q=0.5, text/csv"}
    )
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, headers, _ = get(base, query=POSTS, headers={"Accept": "application/json"}, format="tsv")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    status, headers, _ = get(base, query=POSTS)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    status, _, body = get(base, query=POSTS, headers={"Accept": "image/png"})
    assert status == 406 and b"text/csv" in body
    status, _, _ = get(base, query="CONSTRUCT WHERE { ?s a dkg:Person }", headers={"Accept": "text/csv"})
    assert status == 406
    assert (
        negotiate(
            "text/*;q=0.3, application/sparql-results+xml;q=0.9",
            {"text/csv": "csv", "application/sparql-results+xml": "xml"},
        )
        == "xml"
    )
    assert negotiate("text/csv;q=0", {"text/csv": "csv"}) is None


# --- Refusals -------------------------------------------------------------------------------------


def _count(local: ox.Store, base: str) -> tuple[int, int]:
    answer = client(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON).queryAndConvert()
    return len(local), int(answer["results"]["bindings"][0]["n"]["value"])


def test_update_is_refused_and_changes_nothing(base, local) -> None:
    before = _count(local, base)
    sparql = SPARQLWrapper(f"{base}/sparql", updateEndpoint=f"{base}/sparql")
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        sparql.query()
    assert refused.value.code == 403
    status, _, body = fetch(
        f"{base}/sparql", b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"}
    )
    assert status == 403 and b"read-only" in body
    status, _, _ = get(base, query="DELETE WHERE { ?s ?p ?o }")
    assert status == 403
    assert _count(local, base) == before


class _Remote(BaseHTTPRequestHandler):
    """A would-be remote endpoint that counts the requests it gets."""

    hits = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args) -> None:
        pass


def test_service_and_load_are_refused_and_send_nothing(base, local) -> None:
    remote = ThreadingHTTPServer(("127.0.0.1", 0), _Remote)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{remote.server_address[1]}/sparql"
    before = _count(local, base)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            client(base, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", JSON).query()
        assert refused.value.code == 403 and b"SERVICE" in refused.value.read()
        status, _, body = get(base, query=f"LOAD <{url}>")
        assert status == 403 and b"LOAD" in body
        status, _, _ = fetch(
            f"{base}/sparql",
            urllib.parse.urlencode({"update": f"LOAD <{url}>"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 403
        assert _Remote.hits == 0
    finally:
        remote.shutdown()
        remote.server_close()
    assert _count(local, base) == before
    # the word itself is fine where it is not the keyword
    answer = client(base, f'SELECT ?x WHERE {{ BIND("SERVICE <{url}> LOAD" AS ?x) }}', JSON).queryAndConvert()
    assert answer["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


def test_bad_query_is_400_with_the_position_and_no_trace(base) -> None:
    with pytest.raises(QueryBadFormed) as bad:
        client(base, "SELECT ?s WHERE {\n  ?s ?p\n}", JSON).query()
    message = str(bad.value)
    assert "line 3, column" in message and "Traceback" not in message
    status, headers, body = get(base, query="SELECT ?s WHERE { ?s ?p }")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("syntax error at line 1, column") and body.count(b"\n") == 1
    status, _, body = get(base, query="hello world")
    assert status == 400


def test_slow_query_hits_the_time_limit_and_the_server_stays_up(base) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    results: dict[str, tuple] = {}

    def slow_request() -> None:
        started = time.monotonic()
        results["slow"] = (*get(base, query=slow), time.monotonic() - started)

    worker = threading.Thread(target=slow_request)
    worker.start()
    time.sleep(0.2)
    status, _, _ = get(base, query=POSTS)  # answered while the slow one runs
    assert status == 200 and worker.is_alive()
    worker.join(30)
    status, _, body, seconds = results["slow"]
    assert status == 503 and b"timed out" in body
    assert TIMEOUT <= seconds < TIMEOUT + 2
    assert get(base, query=POSTS)[0] == 200


def test_row_limit_cuts_and_says_so(base) -> None:
    status, headers, body = get(base, query="SELECT * WHERE { ?s ?p ?o }", format="json")
    assert (
        status == 200 and headers["X-Kg-Truncated"] == "true" and headers["X-Kg-Row-Limit"] == str(MAX_ROWS)
    )
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    status, headers, _ = get(base, query=POSTS)
    assert "X-Kg-Truncated" not in headers


def test_loopback_only_by_host(base) -> None:
    status, _, _ = fetch(f"{base}/sparql?query=ASK%7B%7D", headers={"Host": "attacker.example"})
    assert status == 403


# --- Saved queries and the page -------------------------------------------------------------------


def test_saved_query_links_take_url_parameters(base) -> None:
    status, _, body = get(base, "/queries/statements", topic="drones", format="json")
    assert status == 200
    bindings = json.loads(body)["results"]["bindings"]
    assert len(bindings) == 5
    assert {b["speaker"]["value"] for b in bindings} == {"Andrius Kubilius", "Oleksandr Kamyshin"}
    status, _, body = get(base, "/queries/posts", topic="drones")
    assert status == 400 and b"no parameter topic" in body
    assert get(base, "/queries/nothing")[0] == 404


def test_query_page_lists_saved_queries_and_escapes_everything(base) -> None:
    status, headers, body = get(base, "/", headers={"Accept": "text/html"})
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<textarea name=query" in page and "<button type=submit>Run query</button>" in page
    for query in saved_queries().values():
        assert f'href="/queries/{query.name}?format=html"' in page
        assert query.title.replace("'", "&#x27;") in page
    assert "http://" not in page.replace("http://127.0.0.1", "")  # nothing fetched from elsewhere
    attack = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    status, _, body = get(base, query=attack, headers={"Accept": "text/html"})
    shown = body.decode("utf-8")
    assert status == 200 and "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    status, _, body = get(base, "/queries/posts", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and "<td>German Defense Minister</td>" in body.decode("utf-8")
    status, _, body = get(base, query="SELECT ?s WHERE { ?s ?p }", format="html")
    assert status == 400 and "class=error" in body.decode("utf-8")


# --- The worker -----------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its children that have exited and been reaped."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def test_worker_overhead_is_small(local) -> None:
    """A forked worker costs little next to the query itself (figures printed with -s).

    Measured in CPU time, the server's and the worker's (in_worker reaps it
    before answering), not in wall time: on a machine shared with other jobs
    the wall time of a fork varies tenfold, the CPU it takes does not.
    """
    endpoint = Endpoint(local)
    endpoint.close()
    runs = 20
    started = _cpu_seconds()
    for _ in range(runs):
        run(local, POSTS).serialize("json")
    direct = (_cpu_seconds() - started) / runs
    started = _cpu_seconds()
    for _ in range(runs):
        in_worker(lambda: text(200, run(local, POSTS).serialize("json").decode()), endpoint.timeout)
    forked = (_cpu_seconds() - started) / runs
    overhead = forked - direct
    print(f"\nposts on the seeds: direct {direct * 1000:.1f} ms CPU, forked +{overhead * 1000:.1f} ms CPU")
    assert overhead < 0.05


def test_worker_errors_are_logged_not_sent(caplog) -> None:
    def broken():
        raise RuntimeError("secret detail")

    response = in_worker(broken, 5)
    assert response.status == 500 and b"secret" not in response.body and b"Traceback" not in response.body
    assert "secret detail" in caplog.text


def test_kg_serve_with_two_fronts_answers_and_stops_whole(seeds_file) -> None:
    """``kg serve --fronts 2``: two processes on one socket; SIGTERM stops both and their workers."""
    import signal  # noqa: PLC0415
    import socket  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kg = str(Path(sys.executable).parent / "kg")
    server = subprocess.Popen([kg, "serve", str(seeds_file), "--port", str(port), "--fronts", "2"])
    try:
        for _ in range(300):
            try:
                status, _, body = get(f"http://127.0.0.1:{port}", query=POSTS, format="csv")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and b"Boris Pistorius" in body
        with open(f"/proc/{server.pid}/task/{server.pid}/children", encoding="ascii") as children:
            fronts_and_workers = [int(pid) for pid in children.read().split()]
        assert len(fronts_and_workers) >= 2
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    time.sleep(1)
    assert not [pid for pid in fronts_and_workers if alive(pid)]  # the other front and every worker too


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
