"""Query workers forked once and reused: a query costs a message, not a fork.

Why: a worker forked per query cost some 13-17 ms before the query even
started (the fork, leaving the network, reaping the child), which capped a
two-core server near 30 queries a second under load. A worker here is forked
once, leaves the network (:func:`kg.sparql.guard.leave_network`), caps its
address space (``RLIMIT_AS``) and then answers queries sent over a socket
pair, one at a time. The store is shared copy-on-write with the server.

A worker is killed and replaced when its query runs out of time, out of
memory, or ran long (niced, see :class:`kg.sparql.serve.WorkerPool`): the
next query gets a fresh one. Messages are pickles with an 8-byte length.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import selectors
import signal
import socket
import struct
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from kg.sparql.guard import leave_network

_LENGTH = struct.Struct("!Q")


def _address_space() -> int:
    """This process's virtual memory size in bytes (``/proc/self/statm``), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _send(sock: socket.socket, value: object) -> None:
    data = pickle.dumps(value)
    sock.sendall(_LENGTH.pack(len(data)) + data)


def _receive_blocking(sock: socket.socket) -> object | None:
    """One message, or None when the other end closed."""
    head = _read_exactly(sock, _LENGTH.size)
    if head is None:
        return None
    data = _read_exactly(sock, _LENGTH.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve_queries(sock: socket.socket, execute: Callable[..., object], memory_mb: int | None) -> None:
    """The worker's life: leave the network, cap the memory, then answer each job until the socket closes."""
    faulthandler.disable()  # a worker stopped for its memory aborts: no dump of the server's threads
    offline = leave_network()
    if memory_mb is not None and (current := _address_space()):
        cap = current + memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    _send(sock, ("ready", offline))
    while (job := _receive_blocking(sock)) is not None:
        try:
            answer: tuple = ("ok", execute(*job))  # type: ignore[misc]
        except MemoryError:
            answer = ("memory", "")
        except BaseException:  # noqa: BLE001 - reported to the server, which logs it
            answer = ("error", traceback.format_exc())
        _send(sock, answer)


@dataclass
class Worker:
    pid: int
    sock: socket.socket
    offline: bool

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()
        _reap_later(self.pid)


def _reap_later(pid: int) -> None:
    try:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return
    except ChildProcessError:
        return
    threading.Thread(target=_wait_quietly, args=(pid,), daemon=True).start()


def _wait_quietly(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def spawn(execute: Callable[..., object], memory_mb: int | None) -> Worker:
    """Fork a worker that runs ``execute(*job)`` for each job it is sent."""
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            parent_end.close()
            _serve_queries(child_end, execute, memory_mb)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    child_end.close()
    ready = _receive_blocking(parent_end)
    offline = isinstance(ready, tuple) and ready[0] == "ready" and bool(ready[1])
    return Worker(pid, parent_end, offline)


class Workers:
    """The idle workers, and how a job is run on one with a time limit."""

    def __init__(self, execute: Callable[..., object], memory_mb: int | None) -> None:
        self.execute, self.memory_mb = execute, memory_mb
        self.idle: list[Worker] = []
        self.lock = threading.Lock()

    def take(self) -> Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return spawn(self.execute, self.memory_mb)

    def give_back(self, worker: Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.stop()

    def ask(
        self,
        job: tuple,
        timeout: float,
        offline_required: bool,
        long_after: float,
        make_long: Callable[[int], bool] | None,
    ) -> tuple[str, object, bool]:
        """Run ``job`` on a worker: ("ok", answer), or ("timeout" | "busy" | "memory" | "died" | "error"
        | "online", detail); and whether it ran long."""
        worker = self.take()
        if offline_required and not worker.offline:
            self.give_back(worker)
            return "online", "", False
        keep = False
        try:
            _send(worker.sock, job)
            kind, value, long = self._wait(worker, timeout, long_after, make_long)
            keep = kind in ("ok", "error") and not long
            return kind, value, long
        except OSError:
            return "died", "", False
        finally:
            if keep:
                self.give_back(worker)
            else:
                worker.stop()

    @staticmethod
    def _wait(
        worker: Worker, timeout: float, long_after: float, make_long: Callable[[int], bool] | None
    ) -> tuple[str, object, bool]:
        started = time.monotonic()
        deadline = started + timeout
        long_at = started + long_after if make_long is not None else float("inf")
        long = False
        buffer = b""
        with selectors.DefaultSelector() as selector:  # poll/epoll: no FD_SETSIZE limit
            selector.register(worker.sock, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return "timeout", "", long
                if now >= long_at:
                    long_at, long = float("inf"), True
                    if make_long is not None and not make_long(worker.pid):
                        return "busy", "", long
                if not selector.select(min(deadline, long_at) - now):
                    continue
                chunk = worker.sock.recv(1 << 20)
                if not chunk:
                    with contextlib.suppress(ChildProcessError):
                        done, status = os.waitpid(worker.pid, 0)
                        if done and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT:
                            return "memory", "", long  # Rust aborts when an allocation fails
                    return "died", "", long
                buffer += chunk
                if len(buffer) >= _LENGTH.size:
                    size = _LENGTH.unpack(buffer[: _LENGTH.size])[0]
                    if len(buffer) >= _LENGTH.size + size:
                        kind, value = pickle.loads(buffer[_LENGTH.size : _LENGTH.size + size])
                        return kind, value, long
