"""``kg serve``: the HTTP front of the read-only SPARQL endpoint, an ASGI app on uvicorn.

What a request means and how it is answered (the protocol, negotiation, the
query workers and their limits) is :mod:`kg.sparql.endpoint`. This module
reads requests and writes answers.

Why uvicorn: ``http.server`` ran a thread per connection, so 1,100 idle
connections were 1,100 threads and 200 busy clients fought over the GIL
with the server's own work; its cheap queries' p99 was 212 ms under the
load test, with 389 cheap queries turned away (benchmarks/README.md).
uvicorn reads every connection on one asyncio event loop (h11 parses,
strictly: a ``Content-Length`` that is not digits is a 400 and the
connection is closed, so an unread body is never read as a request); a
query proven quick is answered on the loop, any other on a bounded pool of
threads, each waiting for its query worker. Under the same load test the
cheap queries all succeeded, p99 39 ms at load 6 (150-330 ms at load
10-12, the server's own share 3-15 ms): benchmarks/README.md.

What this module adds to uvicorn:

* **Idle and slow clients are cut.** uvicorn times out a keep-alive
  connection between requests only once a request was answered, and any
  byte received restarts its clock. :class:`Handler` gives a connection
  ``timeout`` seconds, from its opening or its last answer, to send a whole
  request head; the body must arrive within the same time once the head is in.
* **Strict bodies.** A body over :data:`MAX_BODY` is 413 and a chunked one
  411, neither read; the connection is then closed.
* **Quick queries on the loop.** A request that proved quick in a query
  worker is answered on the event loop itself
  (:meth:`Endpoint.answer_if_quick`); the first of identical requests
  arriving together goes first and the others learn from it.
* **Bounded work.** At most :attr:`Endpoint.capacity` requests are in hand;
  past that (and past the endpoint's own queue) a query gets 503 with
  ``Retry-After``.
* **Front processes.** ``serve(fronts=N)`` forks N event loops onto one
  socket after the graph is loaded (each with its share of the workers);
  the socket listens only once a front is ready.
* **Loopback by name.** On a loopback address, a request naming another host
  is refused (no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.sparql.endpoint import (
    CONTENT_TYPES,
    MAX_BODY,
    PROTOCOL_PARAMS,
    Endpoint,
    Response,
    busy,
    page,
    request_key,
    text,
)
from kg.sparql.query import SavedQuery, open_graph

log = logging.getLogger("kg.sparql.serve")

#: Seconds a client may stay idle between requests, or take to send one.
CLIENT_TIMEOUT = 15.0
#: Connections the kernel keeps waiting to be accepted.
BACKLOG = 1024
#: Longest request head read (the request line holds a GET query): as ``http.server``'s 64 kB line.
MAX_HEAD = 96 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Handler(H11Protocol):
    """uvicorn's h11 connection, plus a deadline for each request head.

    uvicorn starts its keep-alive timer only after an answer and restarts it
    with every byte, so a connection that never sends a request, or sends its
    head a byte at a time, would stay forever (1,100 of them broke the old
    server). Here a connection gets ``timeout`` seconds from its opening, and
    again from each answer, to send a complete request head; then it is
    closed without a word.
    """

    timeout: float = CLIENT_TIMEOUT
    head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Headers and body go out in two writes: with Nagle's algorithm the body waits for the client's
        # delayed ACK, 40 ms a request (asyncio sets TCP_NODELAY only on sockets it made itself).
        if (sock := transport.get_extra_info("socket")) is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._wait_for_a_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is in (or the connection is done)
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_a_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _wait_for_a_head(self) -> None:
        self._stop_waiting()
        self.head_deadline = self.loop.call_later(type(self).timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _too_slow(self) -> None:
        self.head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


class BodyRefused(Exception):
    """The request body cannot be read: the answer says why, and the connection is closed."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.body)
        self.response = response


def body_length(content_length: str | None, transfer_encoding: str | None) -> tuple[int, Response | None]:
    """The length of a POST body, or the answer refusing it: digits only, at most :data:`MAX_BODY`."""
    if transfer_encoding is not None:
        return 0, text(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked")
    value = (content_length or "0").strip()
    if not value.isascii() or not value.isdigit():
        return 0, text(
            HTTPStatus.BAD_REQUEST, f"Content-Length must be a number of bytes, not {value[:20]!r}"
        )
    if int(value) > MAX_BODY:
        return 0, text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request body holds at most {MAX_BODY} bytes")
    return int(value), None


async def read_body(receive: Receive, length: int, seconds: float) -> bytes:
    """The body, ``length`` bytes at most, within ``seconds``; :class:`BodyRefused` for a slow client."""
    chunks: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise BodyRefused(text(HTTPStatus.REQUEST_TIMEOUT, f"the body took over {seconds:g} s")) from None
        if message["type"] == "http.disconnect":
            raise BodyRefused(text(HTTPStatus.BAD_REQUEST, "the client went away"))
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > length:
            raise BodyRefused(text(HTTPStatus.BAD_REQUEST, "the body is longer than its Content-Length"))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class App:
    """The ASGI app: a request in, a :class:`Response` out; never a stack trace."""

    def __init__(self, endpoint: Endpoint, bound_host: str) -> None:
        self.endpoint, self.bound_host = endpoint, bound_host
        # Every thread either waits for its query worker or runs a quick query: as many as may be in hand.
        self.limit = endpoint.capacity
        self.executor = ThreadPoolExecutor(self.limit, thread_name_prefix="kg-query")
        self.in_hand = 0
        #: Requests being answered, by what they ask: those that come in meanwhile wait for the first.
        self.under_way: dict[tuple, asyncio.Future[None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        close = False
        started = time.perf_counter()
        try:
            response = await self.route(scope, receive)
        except BodyRefused as refused:
            response, close = refused.response, True  # the unread body must not be read as a request
        except Exception:  # noqa: BLE001 - logged here, never sent
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            response = text(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        # How long the answer took here, from the request read to the answer written (the load test
        # tells the server's time from the machine's): https://www.w3.org/TR/server-timing/
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        await send(
            {
                "type": "http.response.start",
                "status": int(response.status),
                "headers": headers(response, close),
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    def _host_allowed(self, host: str) -> bool:
        """On loopback, only requests addressed to a loopback name (no DNS rebinding)."""
        if self.bound_host not in LOOPBACK:
            return True
        host = host.strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK

    async def route(self, scope: Scope, receive: Receive) -> Response:
        method = scope["method"]
        if method not in ("GET", "POST"):
            response = text(
                HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are answered: the endpoint is read-only"
            )
            response.headers["Allow"] = "GET, POST"
            return response
        head = request_headers(scope)
        if not self._host_allowed(head.get("host", "")):
            return text(HTTPStatus.FORBIDDEN, "this endpoint answers requests to localhost only")
        fields = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        body_query = None
        if method == "POST":
            length, refused = body_length(head.get("content-length"), head.get("transfer-encoding"))
            if refused is not None:
                raise BodyRefused(refused)
            body = await read_body(receive, length, Handler.timeout) if length else b""
            ctype = head.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return text(HTTPStatus.FORBIDDEN, "updates are refused: the graph is read-only")
            if ctype == "application/x-www-form-urlencoded":
                for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                    fields.setdefault(name, []).extend(values)
            elif ctype == "application/sparql-query":
                body_query = body.decode("utf-8", "replace")
            else:
                return text(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST application/x-www-form-urlencoded or application/sparql-query",
                )
        if "update" in fields:
            return text(HTTPStatus.FORBIDDEN, "updates are refused: the graph is read-only")
        return await self.dispatch(scope["path"], fields, body_query, head.get("accept"))

    async def dispatch(
        self, path: str, fields: dict[str, list[str]], body_query: str | None, accept: str | None
    ) -> Response:
        """The query the path and fields name, answered on a thread; the page; or 404."""
        endpoint = self.endpoint
        format_values = fields.get("format", []) + fields.get("output", [])
        graphs = (fields.get("default-graph-uri", []), fields.get("named-graph-uri", []))
        if path.startswith("/queries/"):
            name = path.removeprefix("/queries/")
            if name not in endpoint.saved:
                return text(HTTPStatus.NOT_FOUND, f"no saved query {name!r}")
            params = {k: v[-1] for k, v in fields.items() if k not in PROTOCOL_PARAMS and v and v[-1].strip()}
            return await self.answer(endpoint.saved[name], params, accept, format_values, *graphs)
        if path not in ("/", "/sparql"):
            return text(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql, the query page /")
        queries = fields.get("query", []) + ([body_query] if body_query is not None else [])
        if len(queries) > 1:
            return text(HTTPStatus.BAD_REQUEST, "give one query")
        if not queries:
            return Response(HTTPStatus.OK, page(endpoint.saved).encode("utf-8"), CONTENT_TYPES["html"])
        return await self.answer(SavedQuery("", "", "", (), queries[0]), {}, accept, format_values, *graphs)

    async def answer(
        self,
        query: SavedQuery,
        params: dict[str, str],
        accept: str | None,
        format_values: list[str],
        default_graph: list[str],
        named_graphs: list[str],
    ) -> Response:
        """:meth:`Endpoint.answer` on a thread of the pool, once the same request already under way is done.

        The first of identical requests arriving together goes first: what it
        teaches the endpoint (this query is quick, or long) decides how the
        others run. Without this, 190 clients sending three cheap queries at
        once all waited for query workers, since none was known to be quick
        yet, and a full queue turned some away.
        """
        request = (query, params, accept, format_values, default_graph, named_graphs)
        if (quick := self.endpoint.answer_if_quick(*request)) is not None:
            return quick
        key = request_key(*request)
        if (first := self.under_way.get(key)) is not None:
            await asyncio.shield(first)
            if (quick := self.endpoint.answer_if_quick(*request)) is not None:
                return quick
        if self.in_hand >= self.limit:
            return busy("every query worker is busy: try again shortly")
        done = self.under_way.setdefault(key, asyncio.get_running_loop().create_future())
        self.in_hand += 1
        try:
            loop = asyncio.get_running_loop()
            work = functools.partial(self.endpoint.answer, *request)
            return await loop.run_in_executor(self.executor, work)
        finally:
            self.in_hand -= 1
            if self.under_way.get(key) is done:
                del self.under_way[key]
                done.set_result(None)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.endpoint.close()


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (the last of a repeated one)."""
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def headers(response: Response, close: bool) -> list[tuple[bytes, bytes]]:
    """The answer's headers: type, length, no sniffing, a CSP for HTML, its own, and close when asked."""
    out = [
        ("Content-Type", response.content_type),
        ("Content-Length", str(len(response.body))),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if response.content_type.startswith("text/html"):
        out.append(("Content-Security-Policy", CSP))
    out += list(response.headers.items())
    if close:
        out.append(("Connection", "close"))
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in out]


class Server:
    """uvicorn serving :class:`App` on a socket bound here (port 0: any free port), with a deep backlog.

    The interface of ``socketserver``'s servers, which the tests and ``kg
    serve`` use: ``server_address``, ``serve_forever()`` (in any thread),
    ``shutdown()`` from another, then ``server_close()``.
    """

    def __init__(
        self,
        address: tuple[str, int],
        endpoint: Endpoint,
        quiet: bool = False,
        listening: socket.socket | None = None,
    ) -> None:
        host, port = address
        self.socket = listening if listening is not None else listen(host, port)
        self.server_address = self.socket.getsockname()
        self.endpoint = endpoint
        self.app = App(endpoint, host)
        config = uvicorn.Config(
            self.app,
            http=Handler,
            ws="none",
            lifespan="off",
            interface="asgi3",
            backlog=BACKLOG,
            timeout_keep_alive=int(CLIENT_TIMEOUT),
            timeout_graceful_shutdown=5,
            h11_max_incomplete_event_size=MAX_HEAD,
            server_header=False,
            access_log=not quiet,
            log_config=None,
            log_level="warning" if quiet else "info",
        )
        self.uvicorn = uvicorn.Server(config)
        self.stopped = threading.Event()

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` (or, in the main thread, Ctrl-C or SIGTERM)."""
        self.stopped.clear()
        try:
            self.uvicorn.run(sockets=[self.socket])
        finally:
            self.stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` and wait for it (answers under way get a few seconds)."""
        self.uvicorn.should_exit = True
        self.stopped.wait(30)

    def server_close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()
        self.app.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` with a deep backlog."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    return socket.create_server((host.strip("[]"), port), family=family, backlog=BACKLOG)


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``, not listening yet: uvicorn listens once a front is ready to
    answer, so that no client connects to a server still forking its workers."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock


def make_server(
    graphs: object,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    quiet: bool = False,
    **limits: Any,
) -> Server:
    """A server on ``host:port`` (port 0: any free port) for ``graphs`` (paths, a store, an rdflib graph).

    ``limits``: ``workers``, ``queue``, ``memory_mb`` and ``quick_ms`` of the :class:`Endpoint`.
    """
    endpoint = Endpoint(open_graph(graphs), timeout=timeout, max_rows=max_rows, **limits)
    return Server((host, port), endpoint, quiet=quiet)


def serve(
    graphs: object,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    fronts: int = 1,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    quiet: bool = False,
    **limits: Any,
) -> None:
    """``kg serve``: answer queries until interrupted, in ``fronts`` processes.

    Each front process is an event loop with its own query workers (the
    ``workers`` are shared out among them) on one listening socket; the graph
    is loaded once, before the fronts are forked, and shared copy-on-write.
    Why more than one: on a busy machine a single event loop thread gets a
    small share of a CPU, and every connection waits when it is not running
    (benchmarks/README.md).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    store = open_graph(graphs)
    listening = bind(host, port)
    bound_host, bound_port = listening.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    log.info(
        "SPARQL endpoint on http://%s:%d/sparql (query page: http://%s:%d/)",
        shown,
        bound_port,
        shown,
        bound_port,
    )
    if fronts > 1 and "workers" in limits:
        limits["workers"] = max(1, -(-limits["workers"] // fronts))
    elif fronts > 1:
        limits["workers"] = max(1, Endpoint.default_workers() // fronts)
    # What is loaded now stays: kept out of the collector's full passes (33 ms each, pauses every
    # connection), and left untouched in the pages the fronts and query workers share copy-on-write.
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGTERM, _after_uvicorn_stopped)
    children: list[int] = []
    for _ in range(fronts - 1):
        if (pid := os.fork()) == 0:  # a forked front: serve, then leave without the parent's clean-up
            status = 0
            try:
                _run_front(store, (host, port), listening, timeout, max_rows, quiet, limits)
            except BaseException:  # noqa: BLE001 - a front that fails ends alone
                status = 1
            finally:
                os._exit(status)
        children.append(pid)
    try:
        _run_front(store, (host, port), listening, timeout, max_rows, quiet, limits)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


#: The front this process runs, and whether it was asked to stop: a SIGTERM may come before uvicorn
#: has put its own handler in place (while the workers are forked), or after it stopped.
_front: list[Server] = []
_stopping = threading.Event()


def _after_uvicorn_stopped(signum: int, frame: object) -> None:
    """SIGTERM outside uvicorn's own handling: stop the front if it runs, and do not start one.

    uvicorn answers SIGTERM by stopping gracefully and then raising it again
    for the handler it found; the default one would end the process before
    its clean-up (the other fronts, the idle workers).
    """
    _stopping.set()
    for server in _front:
        server.uvicorn.should_exit = True


def _run_front(
    store: object,
    address: tuple[str, int],
    listening: socket.socket,
    timeout: float,
    max_rows: int,
    quiet: bool,
    limits: dict[str, Any],
) -> None:
    endpoint = Endpoint(store, timeout=timeout, max_rows=max_rows, **limits)  # type: ignore[arg-type]
    server = Server(address, endpoint, quiet=quiet, listening=listening)
    _front.append(server)
    try:
        if not _stopping.is_set():
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
