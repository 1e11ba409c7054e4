"""The benchmark of ``kg build``: speed, scaling, memory, store, cache, engines, Dask.

    benchmarks/run                       # the whole benchmark (N = 100, 1,000, 10,000), from a fresh checkout
    python benchmarks/bench.py --quick   # a smoke run: N = 100 and 1,000
    python benchmarks/bench.py --sizes 200,2000 --skip engines,dask

What it does, in this order (benchmarks/README.md explains every figure):

1. generates the corpus once (benchmarks/corpus.py, deterministic) into a
   temporary folder: the largest N, and hard links to its first articles for
   the smaller ones;
2. per N: the tokenizer floor (``spacy.blank("en").pipe`` over the same texts,
   in this process), then ``kg build CORPUS --output out.nt`` as a user runs
   it (the SHACL check of what it wrote included) and the same with
   ``--no-validate`` beside it, and ``--jobs 1`` and ``--jobs 2`` with
   ``--no-validate`` (the pipeline's scaling), each a separate process
   timed by wall clock, its peak memory the largest sum of the RSS of the
   process and all its descendants (sampled every 20 ms from /proc), and the
   seconds per stage (from ``--timings``, or a snippet timing kg's functions
   until that option exists);
3. at the largest N: ``kg build --store DIR`` (peak memory), then rdflib
   against Oxigraph on its graph: writing N-Triples and Turtle, and every saved
   query (rdflib on the graph in memory, Oxigraph on the persistent store);
   then every saved query on the store of the first articles whose union holds
   a million triples (``--query-triples``), the graph size the target names;
4. at N = 1,000: the incremental cache (``--cache DIR``): cold build, one
   article changed, rebuild, the store compared with a cold build; one
   article removed, its named graph gone;
5. at N = 1,000: ``--engine dask`` against the local build into a store.

An option the CLI rejects (not implemented yet) is reported as "n/a (option
not available)", and the rest goes on. The results go to
benchmarks/results.json (``--json``); ``--update-readme`` writes the printed
report into benchmarks/README.md between its figure markers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import queue
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 - benchmarks/corpus.py, next to this file

GIB = 1024**3
MIB = 1024**2
SIZES = (100, 1000, 10000)
QUICK_SIZES = (100, 1000)
INCREMENTAL_N = 1000
DASK_N = 1000
STAGES = ("read", "pipeline", "rdf", "write", "validate")
SAMPLE_SECONDS = 0.02
README = HERE / "README.md"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"

#: The builds timed per N: --jobs 1 and 2 without the SHACL check (the pipeline's
#: scaling), then the default command, which validates what it wrote, with the
#: same command under --no-validate beside it (issue 22).
NO_VALIDATE = "default --no-validate"
BUILD_RUNS = (
    ("jobs 1", ["--jobs", "1", "--no-validate"]),
    ("jobs 2", ["--jobs", "2", "--no-validate"]),
    ("default", []),
    (NO_VALIDATE, ["--no-validate"]),
)

#: The issue's targets.
TARGET_VALIDATE_RATIO = 1.3  # default build (validating) / the same with --no-validate
TARGET_FLOOR_RATIO = 4.0  # build seconds / tokenizer seconds
TARGET_LINEAR = 11.0  # time(10 N) / time(N)
TARGET_SPEEDUP = 1.7  # --jobs 2 over --jobs 1
TARGET_STORE_RSS = 1.5 * GIB  # peak of a 10,000-article build into the store
TARGET_QUERY_SECONDS = 1.0  # each saved query on the persistent store
TARGET_QUERY_TRIPLES = [1_000_000]  # ... of a graph this size (its union); --query-triples
TARGET_INCREMENTAL = 20.0  # cold build / rebuild after one change


# --- Printing -------------------------------------------------------------------------------------

_LINES: list[str] = []


def say(text: str = "") -> None:
    """Print a line of the report (and keep it for the README)."""
    print(text, flush=True)
    _LINES.append(text)


def note(text: str) -> None:
    """Progress on stderr, not part of the report."""
    print(f"  .. {text}", file=sys.stderr, flush=True)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def fmt_mib(value: int | None) -> str:
    return "-" if value is None else f"{value / MIB:,.0f} MiB"


def fmt_int(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def fmt_cores(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> None:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    say(
        indent
        + "  ".join(
            h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    for row in rows:
        cells = [
            str(c).rjust(w) if i else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        say(indent + "  ".join(cells))


# --- Peak memory of a process tree ----------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc/*/stat."""
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2 :].split()  # after "pid (comm) "
        kids.setdefault(int(fields[1]), []).append(int(entry.name))
    return kids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    """The summed RSS of ``root`` and all its descendants, in bytes."""
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo.extend(kids.get(pid, ()))
    return total


class PeakSampler(threading.Thread):
    """Samples the RSS of a process tree every 20 ms and keeps the largest sum."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.done.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak


# --- Running a command ----------------------------------------------------------------------------


@dataclass
class Run:
    """One measured process: ``status`` is ok, n/a (option not available), failed or timeout."""

    label: str
    command: list[str]
    status: str = "ok"
    seconds: float | None = None
    peak_rss: int | None = None
    returncode: int | None = None
    note: str = ""
    stages: dict[str, float] | None = None
    #: Processes the build used, as --timings reports it.
    jobs: int | None = None
    triples: int | None = None
    #: The 1-minute load average when the run started: the machine may be shared.
    load_before: float | None = None
    #: CPU seconds of the run's processes (the harness's sampling thread included).
    cpu_seconds: float | None = None
    #: Cores kept busy by other processes during the run, on average: how shared the machine was.
    others_cores: float | None = None
    #: The seconds of every repetition (``--repeat``); the run kept is the fastest.
    repeats: list[float] = field(default_factory=list)
    stderr_tail: str = ""
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def cell(self, value: str) -> str:
        """``value`` for a good run, else what happened instead."""
        return value if self.ok else self.status


_REJECTED = re.compile(r"No such option: (--[\w-]+)|Invalid value for '(--[\w-]+)'")


def measure(label: str, command: list[str], cwd: Path, timeout: float | None = None) -> Run:
    """Run ``command`` to its end: wall-clock seconds and peak RSS of its process tree."""
    run = Run(label, [str(c) for c in command], load_before=load_average())
    note(f"{label}: {' '.join(run.command[1:])}")
    busy, own = machine_busy(), own_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(
        run.command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    sampler = PeakSampler(proc.pid)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group this call started
        stdout, stderr = proc.communicate()
        run.status = "timeout"
    run.seconds = time.perf_counter() - started
    run.peak_rss = sampler.stop()
    run.cpu_seconds = own_cpu() - own
    if busy is not None:
        others = (machine_busy() or 0) - busy - run.cpu_seconds
        run.others_cores = max(0.0, others / run.seconds)
    run.returncode = proc.returncode
    run.stdout, run.stderr = stdout, stderr
    run.stderr_tail = "\n".join(stderr.strip().splitlines()[-5:])
    rejected = _REJECTED.search(stderr)
    if run.status == "ok" and proc.returncode == 2 and rejected:
        run.status = "n/a"
        run.note = f"option not available: {rejected.group(1) or rejected.group(2)}"
    elif run.status == "ok" and proc.returncode != 0:
        run.status = "failed"
        run.note = f"exit {proc.returncode}: {_last_line(stderr)}"
    if not run.ok:
        run.seconds = run.peak_rss = None
        note(f"{label}: {run.status} {run.note}")
    else:
        reported = _timings(stderr)
        if reported:
            run.stages, run.jobs = reported.get("stages"), reported.get("jobs")
    return run


def machine_busy() -> float | None:
    """CPU seconds all processes of the machine spent so far (the "cpu" line of /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load_average() -> float | None:
    try:
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            return float(loadavg.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _timings(stderr: str) -> dict | None:
    """What ``kg build --timings`` prints as JSON on stderr: {"stages": {...}, "jobs": N}."""
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        stages = data.get("stages", data) if isinstance(data, dict) else None
        if isinstance(stages, dict) and any(k in stages for k in STAGES):
            jobs = data.get("jobs") if isinstance(data.get("jobs"), int) else None
            return {
                "stages": {k: float(v) for k, v in stages.items() if isinstance(v, (int, float))},
                "jobs": jobs,
            }
    return None


def kg_command() -> list[str]:
    """The ``kg`` of this Python: the script next to it, else ``python -m kg``."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg"]


_HELP: list[str] = []


def help_mentions(option: str) -> bool:
    """Whether ``kg build --help`` lists ``option`` (for options whose absence changes nothing measured)."""
    if not _HELP:
        done = subprocess.run([*kg_command(), "build", "--help"], capture_output=True, text=True, check=False)
        _HELP.append(done.stdout)
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", _HELP[0]) is not None


#: Added to every build that must extract every article: ``--no-cache`` where kg has a default cache.
COLD: list[str] = []
#: Added to every build: ``--timings`` once kg has it.
TIMINGS: list[str] = []
#: How many times each end-to-end build runs (the fastest is kept): ``--repeat``.
REPEAT: list[int] = [1]


def count_lines(path: Path) -> int | None:
    if not path.is_file():
        return None
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


# --- The corpus and the floor ---------------------------------------------------------------------


def make_corpora(sizes: list[int], work: Path, seed: int) -> dict[int, Path]:
    """The largest corpus generated once; the smaller ones are hard links to its first articles."""
    largest = max(sizes)
    folders = {largest: work / f"corpus-{largest}"}
    started = time.perf_counter()
    corpus.generate(largest, folders[largest], seed)
    note(f"generated {largest} articles in {time.perf_counter() - started:.1f} s")
    for n in sorted(sizes):
        if n != largest:
            folders[n] = link_first(folders[largest], n, work / f"corpus-{n}")
    return folders


def link_first(source: Path, n: int, folder: Path) -> Path:
    """``folder`` holding the first ``n`` articles of the corpus in ``source``, as hard links."""
    folder.mkdir()
    for i in range(n):
        name = corpus.file_name(i)
        try:
            os.link(source / name, folder / name)
        except OSError:
            shutil.copyfile(source / name, folder / name)
    return folder


def read_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def tokenizer_floor(texts: list[str]) -> dict[str, float]:
    """Words per second of ``spacy.blank("en")`` tokenizing ``texts``, in this process."""
    import spacy  # noqa: PLC0415

    nlp = spacy.blank("en")
    for _ in nlp.pipe(texts[:20]):  # warm up: the floor is the steady rate
        pass
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": words, "tokens": tokens, "words_per_s": words / seconds}


# --- Stage seconds until --timings exists ---------------------------------------------------------

STAGE_SNIPPET = r"""
import json, sys, time
from kg.api import extract
from kg.read.documents import DocumentError, read_documents
from kg.rdf.export import union, write_graph
from kg.rdf.mapping import build_dataset
from kg.nlp.pipeline import load_pipeline

corpus, out = sys.argv[1], sys.argv[2]
clock, stages = time.perf_counter, {}
started = clock()
docs = [d for d in read_documents([corpus]) if not isinstance(d, DocumentError)]
stages["read"] = clock() - started
started = clock()
facts = list(extract(docs, load_pipeline()))
stages["pipeline"] = clock() - started
started = clock()
graph = union(build_dataset(facts))
stages["rdf"] = clock() - started
started = clock()
triples = write_graph(out, graph, "nt")
stages["write"] = clock() - started
print(json.dumps({"stages": stages, "triples": triples}))
"""


def snippet_stages(folder: Path, work: Path) -> Run:
    out = work / "stages.nt"
    run = measure("stages (snippet)", [sys.executable, "-c", STAGE_SNIPPET, str(folder), str(out)], work)
    if run.ok:
        try:
            data = json.loads(run.stdout.strip().splitlines()[-1])
            run.stages, run.triples = data["stages"], data["triples"]
        except (ValueError, KeyError, IndexError):
            run.status, run.note = "failed", "no figures printed"
    out.unlink(missing_ok=True)
    return run


# --- The sections ---------------------------------------------------------------------------------


@dataclass
class Results:
    machine: dict = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    corpus: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)
    builds: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)
    linearity: dict = field(default_factory=dict)
    store: dict = field(default_factory=dict)
    engines: dict = field(default_factory=dict)
    #: The saved queries on a store of the target's size (section_target_store).
    target_store: dict = field(default_factory=dict)
    incremental: dict = field(default_factory=dict)
    dask: dict = field(default_factory=dict)
    targets: list = field(default_factory=list)


def run_dict(run: Run) -> dict:
    data = asdict(run)
    data.pop("stdout")
    data.pop("stderr")
    data.pop("stderr_tail")
    if not run.ok:
        data["stderr_tail"] = run.stderr_tail
    return data


def section_builds(results: Results, folders: dict[int, Path], work: Path) -> dict[int, Path]:
    """Floor and end-to-end builds per N; returns the N-Triples file of the largest N (kept)."""
    kept: dict[int, Path] = {}
    largest = max(folders)
    for n in sorted(folders):
        texts = read_texts(folders[n])
        floor = tokenizer_floor(texts)
        del texts
        results.floor[n] = floor
        results.corpus[n] = {"articles": n, "words": floor["words"]}
        runs = {}
        for label, extra in BUILD_RUNS:
            out = work / f"out-{n}-{label.replace(' ', '').replace('-', '')}.nt"
            command = [*kg_command(), "build", folders[n], "--output", out, *COLD, *extra]
            tries = [measure(f"N={n} {label}", [*command, *TIMINGS], work) for _ in range(REPEAT[0])]
            run = min(tries, key=lambda r: r.seconds if r.ok else float("inf"))
            run.repeats = [r.seconds for r in tries if r.ok]
            if run.ok:
                run.triples = count_lines(out)
            runs[label] = run
            if n == largest and run.ok and largest not in kept:
                kept[largest] = out
            elif out.exists():
                out.unlink()
        results.builds[n] = {label: run_dict(run) for label, run in runs.items()}
        results.stages[n] = {label: run.stages for label, run in runs.items() if run.ok and run.stages}
        if not results.stages[n]:  # kg without --timings
            stage_run = snippet_stages(folders[n], work)
            if stage_run.ok:
                results.stages[n] = {"snippet, 1 process": stage_run.stages}
        print_builds_row(results, n)
    return kept


def print_builds_row(results: Results, n: int) -> None:
    floor, words = results.floor[n], results.corpus[n]["words"]
    say()
    say(
        f"N = {n:,} articles, {words:,} words; tokenizer floor {floor['words_per_s']:,.0f} words/s "
        f"({fmt_seconds(floor['seconds'])} s)"
    )
    rows = []
    for label, run in results.builds[n].items():
        ok = run["status"] == "ok"
        seconds = run["seconds"]
        rows.append(
            [
                f"kg build {label}",
                fmt_seconds(seconds) if ok else run["status"],
                fmt_int(n / seconds) if ok else "",
                fmt_int(words / seconds) if ok else "",
                fmt_ratio(seconds / floor["seconds"]) if ok else "",
                fmt_mib(run["peak_rss"]) if ok else "",
                str(run["jobs"] or "") if ok else "",
                fmt_int(run["triples"]) if ok else run["note"],
                fmt_seconds(run["cpu_seconds"]) if ok else "",
                fmt_cores(run["others_cores"]) if ok else "",
            ]
        )
    headers = ["run", "seconds", "articles/s", "words/s", "x floor", "peak RSS", "processes", "triples"]
    headers += ["CPU s", "others"]
    table(headers, rows)
    print_stages(results.stages[n])


def print_stages(stages: dict[str, dict[str, float]], title: str = "stage seconds") -> None:
    """One row per run of the seconds ``--timings`` gave for each stage."""
    if not stages:
        say(f"  {title}: n/a")
        return
    keys = [k for k in STAGES if any(k in s for s in stages.values())]
    rows = [[label, *(fmt_seconds(s.get(k)) for k in keys)] for label, s in stages.items()]
    table([title, *keys], rows)


#: A pure-Python loop of about 3 s, the kind of work kg's pipeline does; it prints its seconds.
BURN = (
    "import time\nstarted = time.perf_counter()\nx = 0\n"
    "for i in range(15_000_000):\n    x += i * i % 7\n"
    "print(time.perf_counter() - started)\n"
)


def parallel_ceiling(jobs: int = 2, pairs: int = 3) -> float | None:
    """How much faster ``jobs`` processes of pure Python go than one, on this machine, now.

    Cores of a virtual machine may share a physical core, its caches or its
    clock boost: two busy processes then each run slower than one alone, and
    no ``--jobs 2`` can beat this ratio. The loop's own seconds are compared
    (one run alone against the slowest of ``jobs`` together), in ``pairs``
    taken in turn; the median pair is kept, the machine's speed drifting.
    """
    command = [sys.executable, "-c", BURN]
    ratios = []
    try:
        for _ in range(pairs):
            alone = float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(jobs)]
            together = max(float(proc.communicate()[0]) for proc in procs)
            ratios.append(jobs * alone / together)
    except (ValueError, subprocess.CalledProcessError):
        return None
    return statistics.median(ratios)


def speedups_and_linearity(results: Results) -> None:
    say()
    say("Scaling")
    ceiling = results.linearity["ceiling"] = parallel_ceiling()
    rows = [["2 processes of a pure-Python loop over 1 (this machine's ceiling)", fmt_ratio(ceiling), ""]]
    for n, runs in results.builds.items():
        one, two = runs.get("jobs 1"), runs.get("jobs 2")
        value = None
        if one and two and one["status"] == two["status"] == "ok":
            value = one["seconds"] / two["seconds"]
        results.linearity.setdefault("speedup", {})[n] = value
        rows.append(
            [
                f"--jobs 2 over --jobs 1, N = {n:,}",
                fmt_ratio(value) if value else "n/a",
                f">= {TARGET_SPEEDUP}x",
            ]
        )
    sizes = sorted(results.builds)
    for small, big in zip(sizes[:-1], sizes[1:], strict=True):
        for label in ("jobs 1", "default"):
            a, b = results.builds[small].get(label), results.builds[big].get(label)
            value = None
            if a and b and a["status"] == b["status"] == "ok":
                value = b["seconds"] / a["seconds"]
            key = f"{big}/{small} {label}"
            results.linearity.setdefault("time_ratio", {})[key] = {
                "ratio": value,
                "articles_ratio": big / small,
            }
            target = f"<= {TARGET_LINEAR * big / small / 10:.1f}" if big != small else ""
            rows.append(
                [f"time(N={big:,}) / time(N={small:,}), {label}", f"{value:.2f}" if value else "n/a", target]
            )
    table(["", "value", "target"], rows)


def section_store(results: Results, folder: Path, work: Path) -> Path | None:
    n = len(list(folder.glob("*.txt")))
    store = work / f"store-{n}"
    run = measure(
        f"N={n} store",
        [*kg_command(), "build", folder, "--store", store, "--no-validate", *COLD, *TIMINGS],
        work,
    )
    quads = _quads(run)
    results.store = {"articles": n, "run": run_dict(run), "quads": quads}
    say()
    say(f"Store: kg build --store DIR --no-validate, N = {n:,}")
    table(
        ["run", "seconds", "articles/s", "peak RSS", "article quads", "target", "others"],
        [
            [
                "kg build --store",
                run.cell(fmt_seconds(run.seconds)),
                fmt_int(n / run.seconds) if run.ok else "",
                fmt_mib(run.peak_rss) if run.ok else "",
                fmt_int(quads) if run.ok else run.note,
                f"peak < {TARGET_STORE_RSS / GIB:.1f} GiB" + ("" if n >= 10000 else " (at N = 10,000)"),
                fmt_cores(run.others_cores),
            ]
        ],
    )
    if run.stages:
        print_stages({"kg build --store": run.stages})
    return store if run.ok else None


def _quads(run: Run) -> int | None:
    match = re.search(r"\((\d+) quads", run.stderr)
    return int(match.group(1)) if match else None


# --- Engines: rdflib against Oxigraph -------------------------------------------------------------

#: The engines compared, each in a child process of its own.
ENGINES = {
    "rdflib": "rdflib, in-memory Graph parsed from the N-Triples",
    "oxigraph-memory": "Oxigraph, in-memory Store loaded from the N-Triples",
    "oxigraph-store": "Oxigraph, the persistent store (read-only)",
}
LOAD_TIMEOUT = 3600.0  # seconds to parse the graph or write a file
#: An engine's child process is stopped when its memory passes this (the machine has other work).
ENGINE_MEMORY: list[float] = [14 * GIB]


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def engine_steps(engine: str, nt: str, store: str, write: bool, queries: list[str], timeout: float):
    """The steps of one engine, yielded as dicts: load, writes, then each query."""
    from kg.sparql.query import QUERY_PREFIXES, run, saved_queries  # noqa: PLC0415

    saved = saved_queries()
    clock = time.perf_counter
    out = Path(tempfile.gettempdir()) / f"kg-bench-{os.getpid()}"
    if engine == "rdflib":
        from rdflib import Graph  # noqa: PLC0415

        graph = Graph(bind_namespaces="none")
        started = clock()
        graph.parse(nt, format="nt")
        yield {"step": "load", "seconds": clock() - started, "triples": len(graph)}
        for prefix, iri in QUERY_PREFIXES.items():
            graph.bind(prefix, iri)
        for fmt, suffix in (("nt", ".nt"), ("turtle", ".ttl")) if write else ():
            started = clock()
            graph.serialize(destination=str(out) + suffix, format=fmt, encoding="utf-8")
            yield {"step": fmt, "seconds": clock() - started}
            Path(str(out) + suffix).unlink(missing_ok=True)
        # rdflib runs Python code throughout, so an alarm stops a query without losing the graph
        signal.signal(signal.SIGALRM, _on_alarm)
        for name in queries:
            started = clock()
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout)
                rows = sum(1 for _ in graph.query(saved[name].text, initNs=QUERY_PREFIXES))
                signal.setitimer(signal.ITIMER_REAL, 0)
            except _Timeout:
                yield {"step": "query", "name": name, "status": "timeout"}
                continue
            yield {"step": "query", "name": name, "seconds": clock() - started, "rows": rows}
        return
    import pyoxigraph as ox  # noqa: PLC0415

    started = clock()
    if engine == "oxigraph-store":
        db = ox.Store.read_only(store)
    else:
        db = ox.Store()
        db.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
    seconds = clock() - started
    union = next(iter(db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
    yield {"step": "load", "seconds": seconds, "triples": len(db), "union": int(union.value)}
    formats = (("nt", ox.RdfFormat.N_TRIPLES, ".nt"), ("turtle", ox.RdfFormat.TURTLE, ".ttl"))
    for key, fmt, suffix in formats if write and engine == "oxigraph-memory" else ():
        started = clock()
        db.dump(str(out) + suffix, fmt, from_graph=ox.DefaultGraph(), prefixes=QUERY_PREFIXES)
        yield {"step": key, "seconds": clock() - started}
        Path(str(out) + suffix).unlink(missing_ok=True)
    for name in queries:
        times = []
        while len(times) < 3 and sum(times) < 5:  # best of 3 when quick
            started = clock()
            result = run(db, saved[name])
            times.append(clock() - started)
        yield {
            "step": "query",
            "name": name,
            "seconds": times[0],
            "best": min(times),
            "rows": len(result.rows),
        }


def engine_child(argv: list[str]) -> int:
    """``bench.py _engine ENGINE NT STORE WRITE TIMEOUT QUERY...``: one JSON line per step on stdout."""
    engine, nt, store, write, timeout, *queries = argv
    try:
        for step in engine_steps(engine, nt, store, write == "1", queries, float(timeout)):
            print(json.dumps(step), flush=True)
    except Exception as exc:  # noqa: BLE001 - the parent reports it against the step under way
        print(json.dumps({"step": "error", "error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
        return 1
    return 0


def _read_lines(proc: subprocess.Popen, lines: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        lines.append(line)


def run_engine(engine: str, nt: Path, store: Path | None, queries: list[str], query_timeout: float) -> dict:
    """Run one engine's steps in a child process, each step against a deadline.

    A step that overruns its deadline is killed with the child, marked "timeout",
    and the child is started again for the queries after it (the graph loaded again).
    """
    figures: dict = {"queries": {}, "failed": {}, "peak_rss": 0}
    write, remaining = engine != "oxigraph-store", list(queries)
    while True:
        plan = ["load", *(["nt", "turtle"] if write else []), *remaining]
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "_engine",
            engine,
            str(nt),
            str(store or ""),
        ]
        command += ["1" if write else "0", str(query_timeout), *remaining]
        note(f"{engine}: {len(remaining)} queries" + (" and writes" if write else ""))
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        lines: list[str] = []
        reader = threading.Thread(target=_read_lines, args=(proc, lines), daemon=True)
        reader.start()
        done, failed_at = 0, None

        # rdflib stops its own queries at the cap (see engine_steps); Oxigraph's are killed
        cap = query_timeout + (30 if engine == "rdflib" else 0)
        limits = [LOAD_TIMEOUT] * (len(plan) - len(remaining)) + [cap] * len(remaining) + [0.0]
        until = time.perf_counter() + limits[0]
        while done < len(plan):
            if len(lines) > done:
                step = json.loads(lines[done])
                if step["step"] == "error":
                    failed_at = (done, step["error"])
                    break
                if step["step"] == "query":
                    figures["queries"][step["name"]] = step
                else:
                    figures[step["step"]] = step["seconds"]
                    figures.setdefault("triples", step.get("triples"))
                    figures.setdefault("union", step.get("union"))
                done += 1
                until = time.perf_counter() + limits[done]
            elif proc.poll() is not None and len(lines) == done:
                reader.join(timeout=5)
                if len(lines) == done:
                    failed_at = (done, f"exited with status {proc.returncode}")
                    break
            elif time.perf_counter() > until:
                os.killpg(proc.pid, signal.SIGKILL)  # the process group started above
                failed_at = (done, "timeout")
                break
            elif sampler.peak > ENGINE_MEMORY[0]:
                os.killpg(proc.pid, signal.SIGKILL)
                failed_at = (done, f"memory > {ENGINE_MEMORY[0] / GIB:.0f} GiB")
                break
            else:
                time.sleep(0.02)
        proc.wait()
        figures["peak_rss"] = max(figures["peak_rss"], sampler.stop())
        if failed_at is None:
            return figures
        at, why = failed_at
        name = plan[at]
        if name not in remaining:  # the load or a write: the rest cannot run
            figures["failed"][name] = why
            for query in remaining:
                figures["queries"][query] = {"status": "n/a"}
            return figures
        figures["queries"][name] = {"status": why}
        remaining = remaining[remaining.index(name) + 1 :]
        write = False
        if not remaining:
            return figures


def section_engines(
    results: Results, nt: Path | None, store: Path | None, work: Path, query_timeout: float
) -> None:
    from kg.sparql.query import saved_queries  # noqa: PLC0415

    say()
    say("Engines: rdflib against Oxigraph")
    if nt is None or not nt.is_file():
        say("  n/a (no N-Triples file of the largest build)")
        return
    triples = count_lines(nt)
    names = list(saved_queries())
    engines = {}
    for engine in ENGINES:
        if engine == "oxigraph-store" and store is None:
            continue
        engines[engine] = run_engine(engine, nt, store, names, query_timeout)
    say(
        f"  graph: {fmt_int(triples)} triples ({nt.stat().st_size / MIB:,.0f} MiB of N-Triples, "
        f"the union of the largest build); store: {fmt_int(results.store.get('quads'))} quads in "
        f"article graphs, {fmt_int(engines.get('oxigraph-store', {}).get('triples'))} with the union"
    )
    results.engines = {"triples": triples, "query_timeout": query_timeout, **engines}
    rd, om = engines.get("rdflib", {}), engines.get("oxigraph-memory", {})
    rows = []
    for step, label in (
        ("load", "parse N-Triples into memory"),
        ("nt", "write N-Triples"),
        ("turtle", "write Turtle"),
    ):
        row = [label]
        for figures in (rd, om):
            seconds = figures.get(step)
            failed = figures.get("failed", {}).get(step, "n/a")
            row += [
                fmt_seconds(seconds) if seconds else failed,
                fmt_int(triples / seconds) if seconds else "",
            ]
        rows.append(row)
    table(["step", "rdflib s", "triples/s", "oxigraph s", "triples/s"], rows)
    peaks = ", ".join(f"{e} {fmt_mib(f.get('peak_rss'))}" for e, f in engines.items())
    say(f"  peak RSS of the child process: {peaks}")
    say()
    say(
        "  saved queries, seconds (rows): rdflib and Oxigraph in memory on the N-Triples (the merged "
        "graph), Oxigraph on the persistent store (one named graph per article, queried as their union);"
    )
    say(
        f"  Oxigraph: first run / best of 3; cap {query_timeout:.0f} s a query; "
        f"target < {TARGET_QUERY_SECONDS:.0f} s each on the store"
    )
    rows = []
    for name in names:
        row = [name]
        for engine in ENGINES:
            q = engines.get(engine, {}).get("queries", {}).get(name)
            row.append(_query_cell(q, engine != "rdflib"))
        rows.append(row)
    table(["query", "rdflib", "oxigraph memory", "oxigraph store"], rows)


def section_target_store(results: Results, folder: Path, work: Path, query_timeout: float) -> None:
    """The saved queries on a store of the target's size: a graph of about a million triples.

    The target speaks of a 1-million-triple graph, and the union of the largest
    corpus is bigger, so the store of its first articles whose union holds about
    that many triples is built and queried as well (nothing to do when the
    largest union is that small already).
    """
    from kg.sparql.query import saved_queries  # noqa: PLC0415

    union = results.engines.get("triples")
    n = len(list(folder.glob("*.txt")))
    if not union or union <= TARGET_QUERY_TRIPLES[0] * 1.1:
        return
    k = min(n, math.ceil(n * TARGET_QUERY_TRIPLES[0] / union / 100) * 100)
    subset = link_first(folder, k, work / f"corpus-{k}-target")
    store = work / f"store-{k}"
    run = measure(
        f"N={k} store",
        [*kg_command(), "build", subset, "--store", store, "--no-validate", *COLD, *TIMINGS],
        work,
    )
    names = list(saved_queries())
    engine = run_engine("oxigraph-store", Path(os.devnull), store, names, query_timeout) if run.ok else {}
    results.target_store = {"articles": k, "run": run_dict(run), **engine}
    say()
    say(
        f"Saved queries on a store of the target's size: the first {k:,} articles, "
        f"{fmt_int(engine.get('union'))} triples in the default graph (their union), "
        f"{fmt_int(engine.get('triples'))} quads with the article graphs; "
        f"built in {run.cell(fmt_seconds(run.seconds))} s"
    )
    say(
        f"  Oxigraph, the persistent store (read-only): first run / best of 3, seconds (rows); "
        f"cap {query_timeout:.0f} s a query; target < {TARGET_QUERY_SECONDS:.0f} s each"
    )
    queries = engine.get("queries", {})
    table(["query", "oxigraph store"], [[name, _query_cell(queries.get(name), True)] for name in names])


def _query_cell(figures: dict | None, best: bool) -> str:
    if not figures:
        return "n/a"
    if "seconds" not in figures:
        return figures.get("status", "error")
    text = f"{figures['seconds']:.3f}"
    if best and "best" in figures:
        text += f" / {figures['best']:.3f}"
    return f"{text} ({figures['rows']:,})"


# --- Incremental builds ---------------------------------------------------------------------------


def _dump_lines(store: Path) -> list[bytes] | None:
    import pyoxigraph as ox  # noqa: PLC0415

    try:
        data = ox.Store.read_only(str(store)).dump(format=ox.RdfFormat.N_QUADS)
    except OSError:
        return None
    return sorted(line for line in data.splitlines() if line.strip())


def _graph_names(store: Path) -> list[str] | None:
    import pyoxigraph as ox  # noqa: PLC0415

    try:
        return sorted(str(g.value) for g in ox.Store.read_only(str(store)).named_graphs())
    except OSError:
        return None


def changed_text(article: Path) -> str:
    """The article with one sentence added: the change every incremental rebuild below measures."""
    return article.read_text(encoding="utf-8").rstrip() + "\n\nThe ministry declined to comment further.\n"


def section_incremental(results: Results, source: Path, work: Path) -> None:
    n = len(list(source.glob("*.txt")))
    folder = work / f"incremental-{n}"
    shutil.copytree(source, folder)  # copies: the article changed below must not change the other corpora
    store, cache, reference = work / "inc-store", work / "inc-cache", work / "inc-reference"
    build = [*kg_command(), "build", folder, "--no-validate", *TIMINGS]
    cold = measure(f"N={n} cold + cache", [*build, "--store", store, "--cache", cache], work)
    figures: dict = {"articles": n, "cold": run_dict(cold)}
    changed = folder / corpus.file_name(0)
    changed.write_text(changed_text(changed), encoding="utf-8")
    warm = reference_run = None
    if cold.ok:
        warm = measure(f"N={n} one changed", [*build, "--store", store, "--cache", cache], work)
        figures["one_changed"] = run_dict(warm)
        reference_run = measure(f"N={n} cold, no cache", [*build, "--store", reference, *COLD], work)
        figures["reference"] = run_dict(reference_run)
        if warm.ok and reference_run.ok:
            figures["ratio"] = cold.seconds / warm.seconds
            figures["identical"] = _dump_lines(store) == _dump_lines(reference)
        before = _graph_names(store) or []
        removed = folder / corpus.file_name(1)
        removed_iri = next((g for g in before if g.rstrip("/").endswith(removed.stem)), None)
        removed.unlink()
        after_run = measure(f"N={n} one removed", [*build, "--store", store, "--cache", cache], work)
        figures["one_removed"] = run_dict(after_run)
        after = _graph_names(store) or []
        figures["graphs_before"], figures["graphs_after"] = len(before), len(after)
        figures["removed_graph"] = removed_iri
        figures["removed_graph_gone"] = removed_iri is not None and removed_iri not in after
    figures["api"] = incremental_in_process(source, work)
    if help_mentions("--watch"):
        figures["watch"] = incremental_watch(source, work)
    results.incremental = figures
    say()
    say(f"Incremental: kg build --store DIR --cache DIR, N = {n:,}")
    shown = [("cold build with --cache", cold)]
    if warm is not None:
        shown += [
            ("one article changed, rebuilt", warm),
            ("cold build without cache (reference)", reference_run),
        ]
    rows = [[label, r.cell(fmt_seconds(r.seconds)), fmt_cores(r.others_cores), r.note] for label, r in shown]
    table(["run", "seconds", "others", ""], rows)
    stages = {"cold, --cache": cold.stages, "one changed": warm.stages if warm else None}
    print_stages({label: value for label, value in stages.items() if value})
    if "ratio" in figures:
        say(
            f"  cold / rebuild: {figures['ratio']:.1f}x (target >= {TARGET_INCREMENTAL:.0f}x); "
            f"store identical to a cold build: {'yes' if figures['identical'] else 'NO'}"
        )
    api = figures.get("api") or {}
    if "ratio" in api:
        say(
            f"  in one process (kg.build, benchmarks/incremental_api.py): cold {api['cold']:.2f} s, "
            f"one changed {api['rebuild']:.3f} s ({api['extracted']} extracted, "
            f"{api['unchanged']} unchanged): {api['ratio']:.1f}x"
        )
    watched = figures.get("watch") or {}
    if "ratio" in watched:
        say(
            f"  kg build --watch (one process kept running): cold {watched['cold']:.2f} s, one changed "
            f"{watched['rebuild']:.3f} s ({watched['extracted']} extracted), seen and rebuilt "
            f"{watched['latency']:.2f} s after the write (looking every {WATCH_INTERVAL} s): "
            f"{watched['ratio']:.1f}x"
        )
    if "graphs_after" in figures:
        say(
            f"  one article removed: graphs {figures['graphs_before']} -> {figures['graphs_after']}, "
            f"its graph gone: {'yes' if figures['removed_graph_gone'] else 'NO'}"
        )


def incremental_in_process(source: Path, work: Path) -> dict:
    """Cold build and one-changed rebuild through kg.build in one process (see incremental_api.py)."""
    folder = work / "incremental-api"
    shutil.copytree(source, folder)
    script = Path(__file__).with_name("incremental_api.py")
    command = [sys.executable, str(script), str(folder), str(work / "api-store"), str(work / "api-cache")]
    note(f"in-process incremental: {' '.join(command[1:])}")
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=work)
    try:
        if not proc.stdout.readline():  # the cold build is done
            return {}
        changed = folder / corpus.file_name(0)
        text = changed_text(changed)
        changed.write_text(text, encoding="utf-8")
        out, _ = proc.communicate("go\n", timeout=600)
        return json.loads(out.strip().splitlines()[-1]) if proc.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        proc.kill()
        return {}


WATCH_INTERVAL = 0.2  # seconds between two looks of kg build --watch at the corpus


def incremental_watch(source: Path, work: Path) -> dict:
    """``kg build --watch``: its cold build, then the rebuild after one article changes.

    *cold* is the wall clock from starting the command to its first summary (start-up
    included, as for ``kg build``); *rebuild* the seconds the second build reports
    (``--timings``); *latency* the wall clock from writing the article to that
    build's summary, which adds the watch's waiting (up to two intervals).
    """
    folder = work / "incremental-watch"
    shutil.copytree(source, folder)
    command = [
        *kg_command(),
        "build",
        folder,
        "--store",
        work / "watch-store",
        "--cache",
        work / "watch-cache",
    ]
    command += ["--no-validate", "--watch", "--interval", str(WATCH_INTERVAL), *TIMINGS]
    note(f"watch: {' '.join(map(str, command))}")
    lines: queue.Queue[str] = queue.Queue()
    started = time.perf_counter()
    proc = subprocess.Popen(list(map(str, command)), stderr=subprocess.PIPE, text=True, cwd=work)
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()

    def next_build() -> tuple[int, dict]:
        """The articles extracted and the --timings of the next build the watch reports."""
        extracted = -1
        while True:
            line = lines.get(timeout=900)
            summary = re.match(r"\[[^\]]*\] ([\d,]+) articles", line)
            if summary:
                extracted = int(summary.group(1).replace(",", ""))
            elif line.startswith("{") and '"seconds"' in line:
                return extracted, json.loads(line)

    try:
        next_build()
        cold = time.perf_counter() - started
        changed = folder / corpus.file_name(0)
        text = changed_text(changed)
        written = time.perf_counter()
        changed.write_text(text, encoding="utf-8")
        extracted, rebuild = next_build()
        latency = time.perf_counter() - written
    except (queue.Empty, ValueError):
        return {}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "cold": cold,
        "rebuild": rebuild["seconds"],
        "latency": latency,
        "ratio": cold / rebuild["seconds"],
        "extracted": extracted,
        "interval": WATCH_INTERVAL,
    }


# --- Dask -----------------------------------------------------------------------------------------


def section_dask(results: Results, folder: Path, work: Path) -> None:
    n = len(list(folder.glob("*.txt")))
    build = [*kg_command(), "build", folder, "--no-validate", *COLD, *TIMINGS]
    local = measure(f"N={n} local store", [*build, "--store", work / "dask-local"], work)
    dask = measure(f"N={n} dask store", [*build, "--engine", "dask", "--store", work / "dask-store"], work)
    results.dask = {"articles": n, "local": run_dict(local), "dask": run_dict(dask)}
    say()
    say(f"Dask: kg build --engine dask --store DIR (LocalCluster), N = {n:,}")
    rows = []
    for label, run in (("local (kg build --store)", local), ("--engine dask", dask)):
        rows.append(
            [
                label,
                run.cell(fmt_seconds(run.seconds)),
                fmt_mib(run.peak_rss) if run.ok else "",
                fmt_int(_quads(run)) if run.ok else run.note,
                fmt_cores(run.others_cores),
            ]
        )
    table(["run", "seconds", "peak RSS", "article quads", "others"], rows)


# --- Targets --------------------------------------------------------------------------------------


def check_targets(results: Results) -> None:
    largest = max(results.builds) if results.builds else None
    found = []

    def add(name: str, value: str, target: str, passed: bool | None) -> None:
        found.append(
            {
                "target": name,
                "value": value,
                "goal": target,
                "result": "n/a" if passed is None else ("PASS" if passed else "FAIL"),
            }
        )

    if largest:
        run, floor = results.builds[largest].get("default"), results.floor[largest]
        ratio = run["seconds"] / floor["seconds"] if run and run["status"] == "ok" else None
        add(
            f"build / tokenizer floor, N = {largest:,}, default jobs",
            fmt_ratio(ratio),
            f"<= {TARGET_FLOOR_RATIO:.0f}x",
            None if ratio is None else ratio <= TARGET_FLOOR_RATIO,
        )
        checked, unchecked = results.builds[largest].get("default"), results.builds[largest].get(NO_VALIDATE)
        both_ok = checked and unchecked and checked["status"] == unchecked["status"] == "ok"
        overhead = checked["seconds"] / unchecked["seconds"] if both_ok else None
        add(
            f"default build (SHACL check) / --no-validate, N = {largest:,}",
            fmt_ratio(overhead)
            + (
                f" ({fmt_seconds(checked['seconds'])} s / {fmt_seconds(unchecked['seconds'])} s)"
                if both_ok
                else ""
            ),
            f"<= {TARGET_VALIDATE_RATIO}x",
            None if overhead is None else overhead <= TARGET_VALIDATE_RATIO,
        )
        speedup = results.linearity.get("speedup", {}).get(largest)
        ceiling = results.linearity.get("ceiling")
        add(
            f"--jobs 2 / --jobs 1, N = {largest:,}",
            fmt_ratio(speedup) + (f" (ceiling {fmt_ratio(ceiling)})" if ceiling else ""),
            f">= {TARGET_SPEEDUP}x",
            None if speedup is None else speedup >= TARGET_SPEEDUP,
        )
    for key, value in results.linearity.get("time_ratio", {}).items():
        if value["articles_ratio"] == 10 and key.endswith("default"):
            ratio = value["ratio"]
            add(
                f"time ratio {key.split()[0]}",
                "-" if ratio is None else f"{ratio:.2f}",
                f"<= {TARGET_LINEAR:.0f}",
                None if ratio is None else ratio <= TARGET_LINEAR,
            )
    if results.store:
        run = results.store["run"]
        peak = run["peak_rss"] if run["status"] == "ok" else None
        add(
            f"store build peak RSS, N = {results.store['articles']:,}",
            fmt_mib(peak),
            f"< {TARGET_STORE_RSS / GIB:.1f} GiB at N = 10,000",
            None if peak is None else peak < TARGET_STORE_RSS,
        )
    for figures in (results.target_store, results.engines.get("oxigraph-store", {})):
        queries = figures.get("queries", {})
        if not queries:
            continue
        timed = [q["seconds"] for q in queries.values() if "seconds" in q]
        fast = sum(1 for t in timed if t < TARGET_QUERY_SECONDS)
        value = f"{fast} of {len(queries)} under {TARGET_QUERY_SECONDS:.0f} s"
        if len(timed) < len(queries):
            value += f", {len(queries) - len(timed)} stopped at a time or memory cap"
        elif timed:
            value += f", slowest {max(timed):.2f} s"
        add(
            f"saved queries on the store of {fmt_int(figures.get('union'))} triples "
            f"({fmt_int(figures.get('triples'))} quads with the article graphs)",
            value,
            f"< {TARGET_QUERY_SECONDS:.0f} s each on {fmt_int(TARGET_QUERY_TRIPLES[0])} triples",
            fast == len(queries),
        )
    if results.incremental:
        ratio = results.incremental.get("ratio")
        add(
            "incremental: cold / one changed",
            fmt_ratio(ratio),
            f">= {TARGET_INCREMENTAL:.0f}x",
            None if ratio is None else ratio >= TARGET_INCREMENTAL,
        )
        api_ratio = (results.incremental.get("api") or {}).get("ratio")
        add(
            "incremental in one process (kg.build): cold / one changed",
            fmt_ratio(api_ratio),
            f">= {TARGET_INCREMENTAL:.0f}x",
            None if api_ratio is None else api_ratio >= TARGET_INCREMENTAL,
        )
        watch_ratio = (results.incremental.get("watch") or {}).get("ratio")
        add(
            "incremental with kg build --watch: cold / one changed",
            fmt_ratio(watch_ratio),
            f">= {TARGET_INCREMENTAL:.0f}x",
            None if watch_ratio is None else watch_ratio >= TARGET_INCREMENTAL,
        )
        same = results.incremental.get("identical")
        add(
            "incremental: same store as a cold build",
            {None: "-", True: "yes", False: "no"}[same],
            "yes",
            same,
        )
        gone = (
            results.incremental.get("removed_graph_gone") if "graphs_after" in results.incremental else None
        )
        add("removed article's graph gone", {None: "-", True: "yes", False: "no"}[gone], "yes", gone)
    if results.dask:
        dask, local = results.dask["dask"], results.dask["local"]
        ok = dask["status"] == "ok"
        value = "yes" if ok else dask["status"]
        if ok and local["status"] == "ok":
            value += f", {dask['seconds'] / local['seconds']:.2f}x the local build's time"
        add(f"kg build --engine dask, N = {results.dask['articles']:,}", value, "runs (reported)", ok)
    results.targets = found
    say()
    say("Targets")
    table(
        ["target", "value", "goal", "result"],
        [[f["target"], f["value"], f["goal"], f["result"]] for f in found],
    )


# --- Main -----------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    version = subprocess.run(
        [*kg_command(), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "kg": version,
        "commit": commit,
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB,
    }


def update_readme(lines: list[str]) -> None:
    text = README.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        note(f"{README}: no {BEGIN} ... {END} markers; not updated")
        return
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    body = "\n".join(["", "```", *lines, "```", ""])
    README.write_text(head + BEGIN + body + END + tail, encoding="utf-8")
    note(f"figures written to {README}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_engine"]:
        return engine_child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated corpus sizes [default: 100,1000,10000]")
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes 100,1000")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed")
    parser.add_argument("--skip", default="", help="sections to skip: store,engines,incremental,dask")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each end-to-end build this many times, keep the fastest [1]",
    )
    parser.add_argument(
        "--engine-memory",
        type=float,
        default=14,
        help="GiB an engine's process may use before it is stopped [14]",
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        help="seconds a saved query may take in any engine [120; 30 with --quick]",
    )
    parser.add_argument(
        "--query-triples",
        type=int,
        default=TARGET_QUERY_TRIPLES[0],
        help="triples of the graph the saved queries are timed on, besides the largest [1000000]",
    )
    parser.add_argument(
        "--json", type=Path, help="results file [benchmarks/results.json; results-quick.json with --quick]"
    )
    parser.add_argument("--workdir", type=Path, help="where the corpora and outputs go [a temporary folder]")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--update-readme", action="store_true", help="write the report into benchmarks/README.md"
    )
    args = parser.parse_args(argv)
    sizes = (
        sorted({int(s) for s in args.sizes.split(",")})
        if args.sizes
        else list(QUICK_SIZES if args.quick else SIZES)
    )
    query_timeout = args.query_timeout or (30.0 if args.quick else 120.0)
    ENGINE_MEMORY[0] = args.engine_memory * GIB
    TARGET_QUERY_TRIPLES[0] = args.query_triples
    REPEAT[0] = max(1, args.repeat)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    json_path = args.json or HERE / (
        "results-quick.json" if args.quick and not args.sizes else "results.json"
    )

    work = Path(tempfile.mkdtemp(prefix="kg-bench-", dir=args.workdir))
    results = Results(machine=machine(), sizes=sizes)
    m = results.machine
    say(
        f"kg benchmark: {m['kg']} at {m['commit']}, Python {m['python']}, {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gib']:.0f} GiB"
    )
    say(
        f"corpus: benchmarks/corpus.py seed {args.seed}, N = {', '.join(f'{n:,}' for n in sizes)}; "
        "builds are `kg build CORPUS --output out.nt` (the default command, SHACL check included), "
        "`--no-validate` beside it, and `--jobs 1` / `--jobs 2` with `--no-validate`"
    )
    started = time.perf_counter()
    try:
        folders = make_corpora(sizes, work, args.seed)
        # kg's default cache (~/.cache/kg) must neither serve nor keep the benchmark's articles
        os.environ["KG_CACHE_DIR"] = str(work / "default-cache")
        COLD[:] = ["--no-cache"] if help_mentions("--no-cache") else []
        TIMINGS[:] = ["--timings"] if help_mentions("--timings") else []
        # one build first, not reported: the first process after a while reads its code from disk
        smallest = folders[min(folders)]
        measure(
            "warm-up", [*kg_command(), "build", smallest, "-o", work / "warm-up.nt", "--no-validate"], work
        )
        kept = section_builds(results, folders, work)
        speedups_and_linearity(results)
        largest = max(sizes)
        store = None
        if "store" not in skip:
            store = section_store(results, folders[largest], work)
        if "engines" not in skip:
            section_engines(results, kept.get(largest), store, work, query_timeout)
            if "store" not in skip:
                section_target_store(results, folders[largest], work, query_timeout)
        mid = max((n for n in sizes if n <= INCREMENTAL_N), default=min(sizes))
        if "incremental" not in skip:
            section_incremental(results, folders[mid], work)
        if "dask" not in skip:
            section_dask(results, folders[max((n for n in sizes if n <= DASK_N), default=min(sizes))], work)
        check_targets(results)
    finally:
        if args.keep:
            note(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    say()
    say(f"benchmark took {(time.perf_counter() - started) / 60:.1f} min")
    json_path.write_text(json.dumps(asdict(results), indent=2, default=str) + "\n", encoding="utf-8")
    note(f"results written to {json_path}")
    if args.update_readme:
        update_readme(_LINES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
