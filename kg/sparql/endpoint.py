"""What ``kg serve`` answers and how: the SPARQL protocol's parameters, negotiation, limits, query workers.

The HTTP front (an ASGI app on uvicorn) is :mod:`kg.sparql.serve`; this
module knows nothing of sockets. Requests
(https://www.w3.org/TR/sparql11-protocol/): ``GET /sparql?query=``,
``POST`` form-encoded ``query=`` or a raw ``application/sparql-query`` body, with
``default-graph-uri`` / ``named-graph-uri``. Answers are negotiated from
``Accept`` (SPARQL results JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML or
JSON-LD for CONSTRUCT and DESCRIBE; HTML for a browser), or chosen with
``format=``. ``GET /`` is a small query page; ``GET /queries/NAME?param=value``
runs a saved query.

What keeps it safe:

* **Read-only.** Updates (``update=``, ``application/sparql-update``) answer
  403 and never reach the engine, which only ever gets ``Store.query``.
* **No requests elsewhere.** ``SERVICE``, ``LOAD`` and every update are
  refused (403) from the query parsed by rdflib's SPARQL grammar
  (:mod:`kg.sparql.guard`), and each query worker runs in a network namespace
  of its own with no interface up, so a SERVICE the parse missed reaches
  nothing. A query rdflib cannot parse runs only in such a worker.
* **Bounded work.** At most ``workers`` queries run at once and ``queue`` more
  wait; past that a query gets 503 with ``Retry-After``. A query whose
  worker has used :data:`LONG_CPU` of CPU moves to a lane of long queries
  (niced), or is stopped with a 503 when that is full (:class:`WorkerPool`).
  Each worker may grow
  by ``memory_mb`` of address space (``RLIMIT_AS``): a query that needs more
  is stopped with a 503 that says so.
* **Strict requests.** A ``Content-Length`` that is not a number is 400, a body
  over 1 MB is 413 (not read); either closes the connection. Idle and slow
  clients are cut after ``CLIENT_TIMEOUT`` seconds; the listen backlog is 1024
  (these are the HTTP front's, :mod:`kg.sparql.serve`).
* **A time limit.** Oxigraph cannot be interrupted from another thread, so
  queries run in worker processes forked from the server (the store is
  shared copy-on-write, nothing is reloaded) and reused
  (:mod:`kg.sparql.workers`); a worker whose query runs out of time is killed
  (the client gets a 503) and replaced. Forking a worker per query cost
  13-17 ms and capped the server near 30 queries a second under load
  (benchmarks/README.md); :func:`in_worker` still does that, for one-off work.
* **A quick lane.** The graph is read-only, so a query costs the same every
  time it runs with the same parameters. One that took under ``quick_ms`` of
  CPU in a worker (was understood by the SERVICE check, and cannot name
  SERVICE at all: :func:`kg.sparql.guard.may_name_service`) runs in the server
  itself next time (:meth:`Endpoint.answer_if_quick`; kg serve: on its event
  loop): no thread, no message to a worker, no process to wake
  (benchmarks/README.md measures it). A quick query that turns out slower is
  sent back to the workers.
* **A row limit.** At most ``max_rows`` rows (or triples) are read; a cut answer
  says so in the ``X-Kg-Truncated`` header.
* **Loopback by default,** and requests naming another host are refused, so a
  web page cannot reach the endpoint through DNS rebinding.
* **No stack traces.** A bad query answers 400 with Oxigraph's one-line reason
  and position; anything unexpected is logged here and answers a bare 500.
"""

from __future__ import annotations

import contextlib
import faulthandler
import html
import logging
import os
import pickle
import resource
import selectors
import signal
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TypeVar
from urllib.parse import quote

import pyoxigraph as ox

from kg.sparql.guard import Parsed, Refused, check_query, leave_network, may_name_service
from kg.sparql.query import (
    QueryError,
    QueryRefused,
    SavedQuery,
    check,
    run,
    saved_queries,
)
from kg.sparql.results import Result, display
from kg.sparql.workers import Outcome, Workers

log = logging.getLogger("kg.sparql.serve")

MAX_BODY = 1 << 20  # bytes of a POST body
#: Extra address space a query worker may take (MB), beyond what it inherits from the server.
MEMORY_MB = 1024

#: What a SELECT or ASK answer can be written as: media type -> format name.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
#: What a CONSTRUCT or DESCRIBE answer can be written as.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf-xml",
    "application/ld+json": "json-ld",
    "text/html": "html",
}
#: The Content-Type each format is sent with.
CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "rdf-xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
    "html": "text/html; charset=utf-8",
}
#: ``format=`` values (and SPARQLWrapper's ``output=``) -> format, for results and for graphs.
FORMAT_NAMES = {
    "json": ("json", "json-ld"),
    "xml": ("xml", "rdf-xml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "html": ("html", "html"),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "n-triples": (None, "nt"),
    "rdf+xml": (None, "rdf-xml"),
    "rdfxml": (None, "rdf-xml"),
    "json-ld": (None, "json-ld"),
    "jsonld": (None, "json-ld"),
}
#: URL parameters of the protocol, not parameters of a saved query.
PROTOCOL_PARAMS = {"query", "update", "format", "output", "results", "default-graph-uri", "named-graph-uri"}


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text(status: int, message: str) -> Response:
    """A short plain-text answer: the reason, on one line."""
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"))


# --- Content negotiation -------------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, quality) pairs; no header accepts anything."""
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        media, *options = (piece.strip() for piece in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The format of the offered media type the client prefers; ties go to the first offered."""
    ranges = parse_accept(accept)
    best, best_quality = None, 0.0
    for media, name in offered.items():
        kind = media.split("/")[0]
        quality, precision = 0.0, -1
        for pattern, q in ranges:
            level = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
            if level > precision:
                quality, precision = q, level
        if precision >= 0 and quality > best_quality:
            best, best_quality = name, quality
    return best


def choose_format(query_form: str, accept: str | None, format_values: list[str]) -> str | None:
    """``format=`` when it names a format this form can be written as; else ``Accept``."""
    graph = query_form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_TYPES if graph else RESULT_TYPES
    for value in format_values:
        value = value.strip().lower()
        if value in offered:
            return offered[value]
        if value in FORMAT_NAMES and (name := FORMAT_NAMES[value][1 if graph else 0]):
            return name
    if format_values and any(v.strip() for v in format_values):
        return None
    return negotiate(accept, offered)


# --- Running a query with a time limit ------------------------------------------------------


@dataclass(frozen=True)
class WorkerLimits:
    """What a query worker may use: seconds, extra address space, and whether it must be off the network."""

    timeout: float = 10.0
    memory_mb: int | None = MEMORY_MB
    offline: bool = False  # required: a worker that cannot leave the network refuses the query


def _address_space() -> int:
    """This process's virtual memory size in bytes (``/proc/self/statm``), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_child(limits: WorkerLimits) -> Response | None:
    """In the forked worker: leave the network, cap the memory; a Response when the query must not run."""
    faulthandler.disable()  # a worker stopped for its memory aborts: no dump of the server's threads
    if limits.offline and not leave_network():
        return text(HTTPStatus.FORBIDDEN, "this query cannot be checked for SERVICE here: refused")
    if limits.memory_mb is not None and (current := _address_space()):
        cap = current + limits.memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return None


def in_worker(
    work: Callable[[], Response],
    timeout: float | WorkerLimits,
    make_long: Callable[[int], bool] | None = None,
) -> Response:
    """``work()`` in a forked child, off the network, memory-capped, killed after its time limit.

    The child inherits the store (copy-on-write), answers through a pipe and
    exits without running any of the parent's clean-up. It never logs: a lock
    another thread held at the fork could be held forever in the child. Where
    there is no fork (Windows) the work runs here, without limits.

    ``make_long(pid)`` is called once the child has run :data:`LONG_AFTER`
    seconds (see :class:`WorkerPool`); when it says no, the child is stopped
    and the answer is a 503 busy.
    """
    # A bare number: a time limit alone, as before (a fork and nothing else costs least).
    limits = timeout if isinstance(timeout, WorkerLimits) else WorkerLimits(timeout, None, offline=False)
    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            os.close(read_end)
            try:
                refused = _limit_child(limits)
                answer: tuple = ("ok", refused if refused is not None else work())
            except MemoryError:
                answer = ("memory", "")
            except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
                answer = ("error", traceback.format_exc())
            data = pickle.dumps(answer)
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
            os.close(write_end)  # the answer is complete before the child is torn down
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    started = time.monotonic()
    deadline, long_at = started + limits.timeout, started + LONG_AFTER if make_long else float("inf")
    died_of: int | None = None
    with selectors.DefaultSelector() as selector:  # poll/epoll: no FD_SETSIZE limit, unlike select()
        selector.register(read_end, selectors.EVENT_READ)
        try:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    os.kill(pid, signal.SIGKILL)
                    return text(HTTPStatus.SERVICE_UNAVAILABLE, f"query timed out after {limits.timeout:g} s")
                if now >= long_at:
                    long_at = float("inf")
                    if make_long is not None and not make_long(pid):
                        os.kill(pid, signal.SIGKILL)
                        return busy("every worker for long queries is busy: try again shortly")
                if selector.select(min(deadline, long_at) - now):
                    chunk = os.read(read_end, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        finally:
            os.close(read_end)
            died_of = _reap(pid)
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - the child died before answering (killed, out of memory)
        if died_of == signal.SIGABRT and limits.memory_mb is not None:  # Rust aborts when allocation fails
            return _out_of_memory(limits)
        log.error("query worker %d died without answering (signal %s)", pid, died_of)
        return text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error: the query worker died")
    if kind == "memory":
        return _out_of_memory(limits)
    if kind == "error":
        log.error("query failed:\n%s", value)
        return text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
    return value


def _out_of_memory(limits: WorkerLimits) -> Response:
    return text(
        HTTPStatus.SERVICE_UNAVAILABLE,
        f"query stopped: it needed more than its {limits.memory_mb} MB of memory",
    )


def _reap(pid: int) -> int | None:
    """Collect the exit of a child; the signal that ended it.

    Waited for: the child has closed its pipe and is exiting, or was killed.
    (Reaped later by a thread, an aborted child was often not reaped yet and
    its answer was a 500 where its memory cap meant a 503.)
    """
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else None


def busy(message: str) -> Response:
    """A 503 that tells the client when to come back."""
    response = text(HTTPStatus.SERVICE_UNAVAILABLE, message)
    response.headers["Retry-After"] = "1"
    return response


class Busy(Exception):
    """Every query worker is busy and the queue is full."""


#: How often (seconds) a running query's worker is looked at: has it used :data:`LONG_CPU` yet?
LONG_AFTER = 0.05
#: A query whose worker has used this much CPU (seconds) is a long one: it moves to the long lane, niced.
LONG_CPU = 0.05
#: Queries remembered as long (text and parameters), sent straight to the long lane next time.
LONG_QUERIES = 1024
T = TypeVar("T")


class WorkerPool:
    """Two lanes of query workers, so that long queries cannot starve short ones.

    Every query starts in the short lane (``workers`` at once, ``queue`` more
    waiting). One whose worker has used :data:`LONG_CPU` seconds of CPU
    (looked at every :data:`LONG_AFTER` seconds) moves to the long lane
    (``long_workers`` at once) and is reniced to 19, so the short queries that
    follow get the CPU and a free short slot; when the long lane is full it is
    stopped with a 503 busy, so the short lane never holds a long query for
    more than about :data:`LONG_CPU`. CPU, not time: a cheap query slowed down
    by a busy machine uses little CPU and is never stopped for being slow
    (a wall-clock rule stopped some, see benchmarks/README.md). A query that
    ran out of time or memory is remembered (:data:`LONG_QUERIES`): next time
    it goes straight to the long lane, or gets a 503 at once when that is
    full. At most ``workers + long_workers`` workers exist, each capped in
    memory.
    """

    def __init__(self, workers: int, queue: int, wait: float, long_workers: int | None = None) -> None:
        self.short = threading.BoundedSemaphore(workers)
        self.long = threading.BoundedSemaphore(long_workers or workers)
        self.capacity, self.wait = workers + queue, wait
        self.lock = threading.Lock()
        self.admitted = 0

    def run(self, work: Callable[[Callable[[int], bool], float], T], known_long: bool = False) -> T:
        """``work(make_long, long_after)`` in a short slot; :class:`Busy` when the queue is full or the wait
        too long. A query ``known_long`` (it ran long lately) goes straight to the long lane or is Busy."""
        with self.lock:
            if self.admitted >= self.capacity:
                raise Busy
            self.admitted += 1
        held = [self.long if known_long else self.short]

        def make_long(pid: int) -> bool:
            """Move the query to the long lane, niced; False (stop it) when the long lane is full."""
            if held[0] is self.short:
                if not self.long.acquire(blocking=False):
                    return False
                held[0].release()
                held[0] = self.long
            with contextlib.suppress(OSError):  # a worker that has just exited
                os.setpriority(os.PRIO_PROCESS, pid, 19)
            return True

        try:
            if not held[0].acquire(blocking=not known_long, timeout=None if known_long else self.wait):
                raise Busy
            try:
                return work(make_long, 0.0 if known_long else LONG_AFTER)
            finally:
                held[0].release()
        finally:
            with self.lock:
                self.admitted -= 1


# --- The endpoint ------------------------------------------------------------------------------


@dataclass
class RecentKeys:
    """The last ``size`` requests a query taught the endpoint something about, the oldest forgotten first.

    Bounded, so that a client sending ever new queries cannot grow the
    server; shared by the threads answering, hence the lock.
    """

    size: int
    keys: OrderedDict[tuple, None] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self, key: tuple, present: bool) -> None:
        """Remember ``key`` (as the newest) when ``present``, else forget it."""
        with self.lock:
            if present:
                self.keys[key] = None
                self.keys.move_to_end(key)
                while len(self.keys) > self.size:
                    self.keys.popitem(last=False)
            else:
                self.keys.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self.keys


#: Queries that ran under this much CPU in a worker (ms) run in the server next time (0: never).
QUICK_MS = 10.0
#: Requests remembered as quick (query, parameters, Accept, format, graphs).
QUICK_QUERIES = 4096


def request_key(
    query: SavedQuery,
    params: dict[str, str],
    accept: str | None,
    format_values: list[str],
    default_graph: list[str],
    named_graphs: list[str],
) -> tuple:
    """What a request asks, as a key: two requests with the same key get the same answer (the graph is
    read-only)."""
    return (
        query.name,
        query.text,
        tuple(sorted(params.items())),
        accept,
        tuple(format_values),
        tuple(default_graph),
        tuple(named_graphs),
    )


@dataclass
class Endpoint:
    """The graph and the limits: everything a request needs, and how it is answered."""

    store: ox.Store
    timeout: float = 10.0
    max_rows: int = 10_000
    saved: dict[str, SavedQuery] = field(default_factory=saved_queries)
    #: Queries run at once (each in a worker process), and queries waiting for one.
    workers: int = field(default_factory=lambda: Endpoint.default_workers())
    queue: int = 64
    memory_mb: int | None = MEMORY_MB
    long_workers: int | None = None  # default: as many as ``workers``
    #: The quick lane: CPU a query may have taken in a worker to run here next time.
    quick_ms: float = QUICK_MS

    @staticmethod
    def default_workers() -> int:
        """Queries run at once by default: twice the CPUs, at least 4."""
        return 2 * max(2, os.cpu_count() or 2)

    def __post_init__(self) -> None:
        self.pool = WorkerPool(self.workers, self.queue, wait=self.timeout, long_workers=self.long_workers)
        warm_up = (SavedQuery("", "", "", (), "ASK { ?s ?p ?o }"), {}, "json", [], [])
        self.workers_ = Workers(self.execute, self.memory_mb, spare=self.workers, warm_up=warm_up)
        # cut for time or memory: they skip the short lane
        self.long_queries = RecentKeys(LONG_QUERIES)
        # took under quick_ms in a worker: they run here
        self.quick_queries = RecentKeys(QUICK_QUERIES)
        self.warm_up()

    def warm_up(self) -> None:
        """Check the saved queries now: the parser's first queries cost 45 and 10 ms (then 1 ms), and under
        load the first clients of a fresh server waited 300 ms for them."""
        for text_ in ["ASK { ?s ?p ?o }", *(saved.text for saved in self.saved.values())]:
            with contextlib.suppress(Refused):
                check_query(text_)

    @property
    def capacity(self) -> int:
        """Queries that may be in hand at once: running in a worker or waiting for one."""
        return self.pool.capacity

    def close(self) -> None:
        """Stop the idle query workers."""
        self.workers_.close()

    def answer(
        self,
        query: SavedQuery,
        params: dict[str, str],
        accept: str | None,
        format_values: list[str],
        default_graph: list[str],
        named_graphs: list[str],
    ) -> Response:
        """The answer to one query; blocks until it is known (call it from a thread of its own)."""
        request = (query, params, accept, format_values, default_graph, named_graphs)
        if (quick := self.answer_if_quick(*request)) is not None:
            return quick
        prepared = self._prepare(query, params, accept, format_values, default_graph, named_graphs)
        if isinstance(prepared, Response):
            return prepared
        job, parsed = prepared
        limits = WorkerLimits(self.timeout, self.memory_mb, offline=not parsed.understood)
        key = (query.text, tuple(sorted(params.items())))
        try:
            outcome = self.pool.run(
                lambda make_long, long_after: self.workers_.ask(
                    job, limits.timeout, limits.offline, long_after, make_long, LONG_CPU
                ),
                known_long=key in self.long_queries,
            )
        except Busy:
            return busy("every query worker is busy: try again shortly")
        self.long_queries.mark(key, outcome.kind in ("timeout", "memory"))
        quick = outcome.kind == "ok" and parsed.understood and not may_name_service(query.text)
        quick = quick and outcome.cpu is not None
        self.quick_queries.mark(request_key(*request), quick and outcome.cpu * 1000 < self.quick_ms)  # type: ignore[operator]
        return self._worker_answer(outcome, limits)

    def answer_if_quick(
        self,
        query: SavedQuery,
        params: dict[str, str],
        accept: str | None,
        format_values: list[str],
        default_graph: list[str],
        named_graphs: list[str],
    ) -> Response | None:
        """The answer, run in the calling thread, when this very request proved quick in a worker; else None.

        Cheap to call for any request: it only looks the request up. kg serve
        calls it on its event loop, so a quick query costs no thread and no
        worker. It is sent back to the workers when it took ``quick_ms`` or more.
        """
        key = request_key(query, params, accept, format_values, default_graph, named_graphs)
        if not self.quick_ms or key not in self.quick_queries:
            return None
        prepared = self._prepare(query, params, accept, format_values, default_graph, named_graphs)
        if isinstance(prepared, Response):
            return prepared
        started = time.thread_time()
        try:
            response = self.execute(*prepared[0])
        except Exception:  # noqa: BLE001 - logged here, never sent
            log.exception("quick query failed")
            response = text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        self.quick_queries.mark(key, (time.thread_time() - started) * 1000 < self.quick_ms)
        return response

    def _prepare(
        self,
        query: SavedQuery,
        params: dict[str, str],
        accept: str | None,
        format_values: list[str],
        default_graph: list[str],
        named_graphs: list[str],
    ) -> Response | tuple[tuple, Parsed]:
        """The job for a worker and what the SERVICE check made of the query; or the answer refusing it."""
        try:
            parsed = check_query(query.text)
            query_form = check(query.text, allow_service=False)
        except (Refused, QueryRefused) as exc:
            return text(HTTPStatus.FORBIDDEN, str(exc))
        if query_form is None:
            return text(
                HTTPStatus.BAD_REQUEST, "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
            )
        fmt = choose_format(query_form, accept, format_values)
        if fmt is None:
            kinds = GRAPH_TYPES if query_form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
            return text(HTTPStatus.NOT_ACCEPTABLE, f"{query_form} answers are {', '.join(kinds)}")
        return (query, params, fmt, default_graph, named_graphs), parsed

    def _worker_answer(self, outcome: Outcome, limits: WorkerLimits) -> Response:
        """What a worker's outcome (:meth:`kg.sparql.workers.Workers.ask`) tells the client."""
        kind, value = outcome.kind, outcome.value
        if kind == "ok":
            return value  # type: ignore[return-value]
        if kind == "timeout":
            return text(HTTPStatus.SERVICE_UNAVAILABLE, f"query timed out after {limits.timeout:g} s")
        if kind == "busy":
            return busy("every worker for long queries is busy: try again shortly")
        if kind == "memory":
            return _out_of_memory(limits)
        if kind == "online":
            return text(HTTPStatus.FORBIDDEN, "this query cannot be checked for SERVICE here: refused")
        if kind == "error":
            log.error("query failed:\n%s", value)
            return text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        log.error("a query worker died without answering")
        return text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error: the query worker died")

    def execute(
        self,
        query: SavedQuery,
        params: dict[str, str],
        fmt: str,
        default_graph: list[str],
        named_graphs: list[str],
    ) -> Response:
        """Run the query and write its answer: in a query worker (:mod:`kg.sparql.workers`)."""
        try:
            result = run(
                self.store,
                query,
                params,
                limit=self.max_rows,
                allow_service=False,
                default_graph=default_graph or None,
                named_graphs=named_graphs or None,
            )
        except QueryError as exc:
            status = HTTPStatus.FORBIDDEN if isinstance(exc, QueryRefused) else HTTPStatus.BAD_REQUEST
            if fmt == "html":
                body = page(self.saved, query, params, error=str(exc)).encode("utf-8")
                return Response(status, body, CONTENT_TYPES["html"])
            return text(status, str(exc))
        if fmt == "html":
            body = page(self.saved, query, params, result).encode("utf-8")
        else:
            body = result.serialize(fmt)
        headers = {"X-Kg-Row-Limit": str(self.max_rows)}
        if result.truncated:
            headers["X-Kg-Truncated"] = "true"
        return Response(HTTPStatus.OK, body, CONTENT_TYPES[fmt], headers)


# --- The HTML page ---------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 78rem; padding: 0 1rem }
textarea { width: 100%; font: 13px/1.4 ui-monospace, monospace; box-sizing: border-box }
table { border-collapse: collapse; font-size: 13px; margin-top: .5rem }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; vertical-align: top }
th { background: #f2f2f2 } li { margin: .3rem 0 } .meta, .desc { color: #666; font-size: 13px }
form.params input { font-size: 13px; width: 11rem } .error { color: #a00; white-space: pre-wrap }
"""


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def results_html(result: Result) -> str:
    """The answer as an HTML table (or true/false, or Turtle); every cell escaped."""
    if result.kind == "ask":
        return f"<p><strong>{'true' if result.boolean else 'false'}</strong></p>"
    if result.kind == "graph":
        turtle = result.serialize("turtle").decode("utf-8")
        return f"<pre>{_escape(turtle)}</pre><p class=meta>{_escape(result.count_line())}</p>"
    shown = [i for i, v in enumerate(result.variables) if v not in result.params]
    head = "".join(f"<th>{_escape(result.variables[i])}</th>" for i in shown)
    rows = []
    for row in result.rows:
        cells = []
        for i in shown:
            term = row[i]
            title = f' title="{_escape(term.value)}"' if isinstance(term, ox.NamedNode) else ""
            cells.append(f"<td{title}>{_escape(display(term))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class=meta>{_escape(result.count_line())}</p>"
    )


def saved_list(saved: dict[str, SavedQuery]) -> str:
    """Each saved query as a link with its title, and a small form for its parameters."""
    items = []
    for name, query in saved.items():
        link = f"/queries/{quote(name)}?format=html"
        item = f'<li><a href="{_escape(link)}">{_escape(query.title)}</a>'
        item += f" <span class=meta>({_escape(name)})</span>"
        item += f"<div class=desc>{_escape(query.description)}</div>"
        if query.params:
            inputs = "".join(
                f'<input name="{_escape(p.name)}" placeholder="{_escape(p.name)}" title="{_escape(p.help)}"> '
                for p in query.params
            )
            item += (
                f'<form class=params method=get action="/queries/{_escape(quote(name))}">{inputs}'
                "<input type=hidden name=format value=html><button type=submit>run</button></form>"
            )
        items.append(item + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def page(
    saved: dict[str, SavedQuery],
    query: SavedQuery | None = None,
    params: dict[str, str] | None = None,
    result: Result | None = None,
    error: str | None = None,
) -> str:
    """The query page: a query box, the answer if there is one, the saved queries. No scripts, no CDN."""
    text_in_box = (query.sparql if query and query.name else query.text) if query else ""
    heading = ""
    if query and query.name:
        given = ", ".join(f"{k}={v}" for k, v in (params or {}).items())
        heading = f"<h2>{_escape(query.title)}{' — ' + _escape(given) if given else ''}</h2>"
    answer = results_html(result) if result is not None else ""
    if error:
        answer = f"<p class=error>{_escape(error)}</p>"
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8><title>kg SPARQL endpoint</title>
<meta name=viewport content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<form method=post action="/sparql">
<textarea name=query rows=12 spellcheck=false>{_escape(text_in_box)}</textarea>
<input type=hidden name=format value=html><p><button type=submit>Run query</button>
<span class=meta>Prefixes of the ontology (dkg:, r:, topic:, rdfs:, skos:, …) are bound.
The graph is read-only.</span></p></form>
{heading}{answer}
<h2>Saved queries</h2>{saved_list(saved)}
<p class=meta>SPARQL 1.1 Protocol endpoint: <code>/sparql</code>
(GET or POST; JSON, XML, CSV, TSV, Turtle).</p>
</body></html>
"""
