"""Query workers forked once and reused: a query costs a message, not a fork.

Why: a worker forked per query cost some 13-17 ms before the query even
started (the fork, leaving the network, reaping the child), which capped a
two-core server near 30 queries a second under load. A worker here is forked
once, leaves the network (:func:`kg.sparql.guard.leave_network`), caps its
address space (``RLIMIT_AS``) and then answers queries sent over a socket
pair, one at a time. The store is shared copy-on-write with the server.

A worker is killed and replaced when its query runs out of time, out of
memory, or ran long (niced, see :class:`kg.sparql.serve.WorkerPool`): the
next query gets a fresh one. Messages are pickles with an 8-byte length;
an answer carries the CPU seconds its query took, which the server uses to
know the queries it may run itself (the quick lane of
:class:`kg.sparql.endpoint.Endpoint`).

A worker is forked by a thread of the server, which holds the listening
socket and its clients' connections: the worker closes every socket but its
own first, else a connection the server closes would stay open (no FIN) as
long as a worker lived.
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
import stat
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


def cpu_seconds(pid: int) -> float:
    """CPU seconds process ``pid`` has used (/proc: schedstat in ns, else stat in ticks); 0: unknown."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat_file:
            fields = stat_file.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


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


def _close_other_sockets(keep: int) -> None:
    """Close every socket this process inherited but ``keep``: the server's listener and its clients.

    Each is replaced by /dev/null rather than closed: a socket object of the
    server's still in this process's memory may close its number one day,
    and that must not be a file the store has opened since.
    """
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: nothing to find them by
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            if fd in (keep, null):
                continue
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
    finally:
        os.close(null)


def _serve_queries(
    sock: socket.socket, execute: Callable[..., object], memory_mb: int | None, warm_up: tuple | None
) -> None:
    """The worker's life: leave the network, cap the memory, run the ``warm_up`` job, then answer each
    job until the socket closes. (A worker's first query took 25 ms more than the next ones, the pages
    it touched copied on write; the warm-up pays that before a client waits.)"""
    _close_other_sockets(sock.fileno())
    faulthandler.disable()  # a worker stopped for its memory aborts: no dump of the server's threads
    offline = leave_network()
    if memory_mb is not None and (current := _address_space()):
        cap = current + memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if warm_up is not None:
        with contextlib.suppress(Exception):
            pickle.dumps(execute(*warm_up))
    _send(sock, ("ready", offline))
    while (job := _receive_blocking(sock)) is not None:
        started = time.process_time()
        try:
            answer: tuple = ("ok", execute(*job))  # type: ignore[misc]
        except MemoryError:
            answer = ("memory", "")
        except BaseException:  # noqa: BLE001 - reported to the server, which logs it
            answer = ("error", traceback.format_exc())
        _send(sock, (*answer, time.process_time() - started))


@dataclass(frozen=True)
class Outcome:
    """What came of a job: ``kind`` is "ok" (``value`` is the answer), "timeout", "busy", "memory",
    "died", "error" (``value``: the traceback) or "online" (the worker could not leave the network);
    whether it ran long, and the CPU seconds the worker spent on it (when it answered)."""

    kind: str
    value: object = ""
    long: bool = False
    cpu: float | None = None


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


def spawn(execute: Callable[..., object], memory_mb: int | None, warm_up: tuple | None = None) -> Worker:
    """Fork a worker that runs ``execute(*job)`` for each job it is sent (and for ``warm_up`` first)."""
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            parent_end.close()
            _serve_queries(child_end, execute, memory_mb, warm_up)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    child_end.close()
    ready = _receive_blocking(parent_end)
    offline = isinstance(ready, tuple) and ready[0] == "ready" and bool(ready[1])
    return Worker(pid, parent_end, offline)


class Workers:
    """The idle workers, and how a job is run on one with a time limit.

    ``spare`` workers are kept forked ahead by a thread of their own, so that
    a query does not wait for a fork: under load a fork, leaving the network
    and the first answer took 0.4 s, and the first queries to arrive (before
    any worker existed) were the slowest of a load test. The thread forks
    only when fewer than ``spare`` workers live (one was stopped), not when
    one is merely busy: a fork holds the GIL some 7 ms.
    """

    def __init__(
        self,
        execute: Callable[..., object],
        memory_mb: int | None,
        spare: int = 0,
        warm_up: tuple | None = None,
    ) -> None:
        self.execute, self.memory_mb, self.spare, self.warm_up = execute, memory_mb, spare, warm_up
        self.idle: list[Worker] = []
        self.lock = threading.Lock()
        self.wanted = threading.Condition(self.lock)
        self.closed = False
        # The first ones now, before the server answers (in kg serve: before it has any thread).
        self.idle = [spawn(execute, memory_mb, warm_up) for _ in range(spare)]
        self.live = len(self.idle)
        if spare:
            threading.Thread(target=self._keep_spares, name="kg-spawner", daemon=True).start()

    def _keep_spares(self) -> None:
        while True:
            with self.wanted:
                while not self.closed and self.live >= self.spare:
                    self.wanted.wait()
                if self.closed:
                    return
                self.live += 1
            worker = spawn(self.execute, self.memory_mb, self.warm_up)
            with self.lock:
                if not self.closed:
                    self.idle.append(worker)
                    continue
            worker.stop()
            return

    def take(self) -> Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
            self.live += 1
        return spawn(self.execute, self.memory_mb, self.warm_up)

    def discard(self, worker: Worker) -> None:
        """Stop a worker that must not answer again (ran out of time or memory, ran long, died)."""
        worker.stop()
        with self.lock:
            self.live -= 1
            self.wanted.notify()

    def give_back(self, worker: Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
            self.closed = True
            self.wanted.notify_all()
        for worker in idle:
            worker.stop()

    def ask(
        self,
        job: tuple,
        timeout: float,
        offline_required: bool,
        long_after: float,
        make_long: Callable[[int], bool] | None,
        long_cpu: float = 0.0,
    ) -> Outcome:
        """Run ``job`` on a worker: what came of it (see :meth:`_wait` for ``long_after``, ``make_long``
        and ``long_cpu``)."""
        worker = self.take()
        if offline_required and not worker.offline:
            self.give_back(worker)
            return Outcome("online")
        keep = False
        try:
            _send(worker.sock, job)
            outcome = self._wait(worker, timeout, long_after, make_long, long_cpu)
            keep = outcome.kind in ("ok", "error") and not outcome.long
            return outcome
        except OSError:
            return Outcome("died")
        finally:
            if keep:
                self.give_back(worker)
            else:
                self.discard(worker)

    @staticmethod
    def _wait(
        worker: Worker,
        timeout: float,
        long_after: float,
        make_long: Callable[[int], bool] | None,
        long_cpu: float,
    ) -> Outcome:
        """The worker's answer; ``make_long(pid)`` once it has used ``long_cpu`` seconds of CPU (looked at
        every ``long_after`` seconds; at once when ``long_after`` is 0), and "busy" when that says no."""
        started = time.monotonic()
        deadline = started + timeout
        long_at = started + long_after if make_long is not None else float("inf")
        cpu_before = cpu_seconds(worker.pid)
        long = False
        buffer = b""
        with selectors.DefaultSelector() as selector:  # poll/epoll: no FD_SETSIZE limit
            selector.register(worker.sock, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return Outcome("timeout", long=long)
                if now >= long_at:
                    used = cpu_seconds(worker.pid) - cpu_before
                    if long_after and used < long_cpu:  # slow, perhaps, but not working hard: look again
                        long_at = now + long_after
                    else:
                        long_at, long = float("inf"), True
                        if make_long is not None and not make_long(worker.pid):
                            return Outcome("busy", long=long)
                if not selector.select(min(deadline, long_at) - now):
                    continue
                chunk = worker.sock.recv(1 << 20)
                if not chunk:
                    with contextlib.suppress(ChildProcessError):
                        done, status = os.waitpid(worker.pid, 0)
                        if done and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT:
                            return Outcome("memory", long=long)  # Rust aborts when an allocation fails
                    return Outcome("died", long=long)
                buffer += chunk
                if len(buffer) >= _LENGTH.size:
                    size = _LENGTH.unpack(buffer[: _LENGTH.size])[0]
                    if len(buffer) >= _LENGTH.size + size:
                        kind, value, cpu = pickle.loads(buffer[_LENGTH.size : _LENGTH.size + size])
                        return Outcome(kind, value, long, cpu)
