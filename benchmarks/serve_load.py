"""A bounded load test of ``kg serve`` on loopback: many clients, cheap and cartesian queries mixed.

Starts ``kg serve`` on a free loopback port, runs ``--clients`` clients (in
``--processes`` client processes, so that the clients' own GIL does not
time the server) for ``--seconds`` or ``--max-requests``, whichever comes
first (each client waits ``--think`` seconds between
queries, as a person reading answers would), samples the memory of the server and its query workers, stops the
server and prints one JSON summary. A few clients send a cartesian product
that the server must cut (time limit, long-query lane, 503 busy); the others
send cheap queries, which must all succeed with a p99 under ``--p99-ms``
(of those asked after the first ``--warm-up`` seconds: at the start the 200
clients' first queries all arrive at once at a server that has seen none of
them; the p99 of all is printed too). Exit status 0 when they do, 1 when
not. ``Server-Timing`` gives the server's own share of each answer's time.

    .venv/bin/python benchmarks/serve_load.py --clients 200 --seconds 30
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")

CHEAP = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }",
]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass(frozen=True)
class Plan:
    port: int
    clients: int
    heavy_clients: int
    first_client: int
    deadline: float
    max_requests: int
    think: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(plan: Plan, number: int, out: list) -> None:
    """One client: a keep-alive connection, one query after the other, until the deadline or its share."""
    heavy = number < plan.heavy_clients
    connection = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=60)
    sent = 0
    while time.monotonic() < plan.deadline and sent < plan.max_requests:
        query = HEAVY if heavy else CHEAP[sent % len(CHEAP)]
        path = "/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"})
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Host": "localhost"})
            response = connection.getresponse()
            body = response.read()
            status, retry = response.status, response.getheader("Retry-After")
            timing = response.getheader("Server-Timing") or ""
            server_ms = float(timing.partition("dur=")[2] or "nan")
            reason = "" if status == 200 else body.decode("utf-8", "replace").strip()[:60]
        except (OSError, http.client.HTTPException) as error:
            status, retry, reason, server_ms = 0, None, type(error).__name__, float("nan")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=60)
        out.append(
            ("heavy" if heavy else "cheap", status, time.monotonic() - started, reason, started, server_ms)
        )
        sent += 1
        time.sleep(float(retry) if retry else plan.think)  # a polite client; a user reading the answer
    connection.close()


def client_process(plan: Plan) -> list:
    """``plan.clients`` client threads; their results."""
    out: list = []
    threads = [
        threading.Thread(target=client, args=(plan, plan.first_client + i, out)) for i in range(plan.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(results: list, seconds: float, peak: int, rss_start: int, began: float, warm_up: float) -> dict:
    report: dict = {"seconds": round(seconds, 1), "requests": len(results)}
    report["requests_per_second"] = round(len(results) / seconds, 1)
    for kind in ("cheap", "heavy"):
        mine = [r for r in results if r[0] == kind]
        latencies = [r[2] for r in mine if r[1] == 200]
        later = [r[2] for r in mine if r[1] == 200 and r[4] - began >= warm_up]
        later_server = [r[5] for r in mine if r[1] == 200 and r[4] - began >= warm_up]
        statuses: dict[str, int] = {}
        reasons: dict[str, int] = {}
        for _, status, _, reason, *_ in mine:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
        report[kind] = {
            "requests": len(mine),
            "statuses": dict(sorted(statuses.items())),
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            # the same, of the queries asked after the first warm_up seconds (200 clients' first queries
            # all arrive at once, at a server that has not seen them yet)
            "p99_after_warm_up_ms": round(percentile(later, 0.99) * 1000, 1) if later else None,
            # the server's own time (its Server-Timing header): reading the request to writing the answer
            "server_p99_ms": round(percentile([r[5] for r in mine if r[1] == 200], 0.99), 1)
            if latencies
            else None,
            "server_p99_after_warm_up_ms": round(percentile(later_server, 0.99), 1) if later_server else None,
            "refusals": dict(sorted(reasons.items())),
        }
        if (
            kind == "cheap"
        ):  # the slowest answers: asked at what second of the run, ms taken, ms in the server
            slowest = sorted(mine, key=lambda r: r[2])[-10:]
            report[kind]["slowest"] = [[round(r[4] - began, 1), round(r[2] * 1000), r[5]] for r in slowest]
    report["server_rss_start_mb"] = round(rss_start / 2**20)
    report["server_rss_peak_mb"] = round(peak / 2**20)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", help="graph file to serve [default: the seeds, built now]")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--heavy-clients", type=int, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=2000, help="per client")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a client waits between queries")
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's time limit per query")
    parser.add_argument("--workers", type=int, default=None, help="the server's --workers")
    parser.add_argument("--memory-mb", type=int, default=512, help="the server's --memory-mb")
    parser.add_argument(
        "--quick-ms", type=float, default=None, help="the server's --quick-ms (0: no quick lane)"
    )
    parser.add_argument("--fronts", type=int, default=None, help="the server's --fronts")
    parser.add_argument("--p99-ms", type=float, default=100.0)
    parser.add_argument(
        "--warm-up", type=float, default=2.0, help="seconds whose queries p99_after_warm_up_ms leaves out"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        graph = args.graph
        if graph is None:
            graph = str(Path(folder) / "seeds.ttl")
            subprocess.run([KG, "build", str(ROOT / "seeds"), "-o", graph, "-q"], check=True)
        port = free_port()
        command = [KG, "serve", graph, "--port", str(port), "--timeout", str(args.timeout)]
        command += ["--memory-mb", str(args.memory_mb)]
        command += ["--workers", str(args.workers)] if args.workers else []
        command += ["--quick-ms", str(args.quick_ms)] if args.quick_ms is not None else []
        command += ["--fronts", str(args.fronts)] if args.fronts else []
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            rss_start = tree_rss(server.pid)
            peak = [rss_start]
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(0.2):
                    peak[0] = max(peak[0], tree_rss(server.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.monotonic()
            deadline = started + args.seconds
            per_process = -(-args.clients // args.processes)
            plans = []
            for index in range(args.processes):
                first = index * per_process
                count = max(0, min(per_process, args.clients - first))
                heavy = max(0, min(count, args.heavy_clients - first))
                plans.append(Plan(port, count, heavy + first, first, deadline, args.max_requests, args.think))
            with multiprocessing.get_context("fork").Pool(args.processes) as pool:
                results = [row for rows in pool.map(client_process, plans) for row in rows]
            seconds = time.monotonic() - started
            stop.set()
            sampler.join()
        finally:
            server.terminate()
            server.wait(30)
    report = summary(results, seconds, peak[0], rss_start, started, args.warm_up)
    report["command"] = " ".join(sys.argv)
    print(json.dumps(report, indent=1))
    cheap = report["cheap"]
    ok = cheap["statuses"].keys() == {"200"} and (cheap["p99_after_warm_up_ms"] or 0) < args.p99_ms
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
