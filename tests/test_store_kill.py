"""A store rebuild is atomic: killed at any point, read meanwhile, or run twice at once.

Every build here is a real ``kg build --store`` process; the kills are
``SIGKILL``; the stores are real Oxigraph stores read back through Oxigraph.
The corpus is 60 articles (the seeds, retitled); the rebuild keeps 20 as they
are, edits 20, removes 20 and adds 20, so it writes, replaces and prunes graphs
and changes the union in the default graph. The fact cache is warm, so the
processes spend their time writing the store, where the kills must land.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.sparql.query import query as kg_query
from kg.sparql.snapshots import LOCK_FILE
from kg.sparql.store import dump_nquads, open_store

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
KG = str(Path(sys.executable).parent / "kg")

#: Kill points, as fractions of one uninterrupted rebuild's wall time (the last ones: after it ends).
KILL_FRACTIONS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.5)

GRAPHS_AND_QUADS = """
SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?quads) WHERE { GRAPH ?g { ?s ?p ?o } }"""
UNION_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def write_articles(folder: Path, numbers: range | list[int], edited: range = range(0)) -> Path:
    folder.mkdir(parents=True)
    for number in numbers:
        lines = SEEDS[number % len(SEEDS)].read_text(encoding="utf-8").splitlines()
        lines[0] = f"{lines[0]} {number}"
        text = "\n".join(lines) + "\n"
        if number in edited:
            text += "\nBoris Pistorius said Germany would wait.\n"
        (folder / f"a{number:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def kg_build(corpus: Path, store: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [KG, "build", str(corpus), "--store", str(store), "-q"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=300)
    return process.returncode, err


def quads(store: Path) -> set[bytes]:
    return set(dump_nquads(open_store(store)).splitlines())


def seen_state(store: Path) -> tuple[int, int, int]:
    """What ``kg query`` sees of a store, opened once: its article graphs, their quads, the union's quads."""
    opened = open_store(store)
    row = kg_query(opened, GRAPHS_AND_QUADS).rows[0]
    union = kg_query(opened, UNION_QUADS).rows[0]
    return int(row[0].value), int(row[1].value), int(union[0].value)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two corpora, each built cold into a store; the rebuild of the new one over the old one, timed."""
    root = tmp_path_factory.mktemp("states")
    env = dict(os.environ, KG_CACHE_DIR=str(root / "cache"))
    old = write_articles(root / "old", range(60))
    new = write_articles(root / "new", [*range(40), *range(60, 80)], edited=range(20, 40))
    for corpus in (old, new):
        code, err = finished(kg_build(corpus, root / f"{corpus.name}.store", env))
        assert code == 0, err
    shutil.copytree(root / "old.store", root / "timed", symlinks=True)
    started = time.monotonic()
    code, err = finished(kg_build(new, root / "timed", env))
    assert code == 0, err
    return {
        "root": root,
        "env": env,
        "old": old,
        "new": new,
        "old_quads": quads(root / "old.store"),
        "new_quads": quads(root / "new.store"),
        "rebuild_seconds": time.monotonic() - started,
    }


def test_a_rebuild_killed_at_any_point_leaves_the_old_or_the_new_store_and_the_next_build_repairs_it(
    states: dict,
) -> None:
    root, env = states["root"], states["env"]
    old, new = states["old_quads"], states["new_quads"]
    assert old != new
    left = []
    for number, fraction in enumerate(KILL_FRACTIONS):
        store = root / f"killed-{number}"
        shutil.copytree(root / "old.store", store, symlinks=True)
        build = kg_build(states["new"], store, env)
        time.sleep(fraction * states["rebuild_seconds"])
        build.send_signal(signal.SIGKILL)
        build.wait()
        after_kill = quads(store)
        assert after_kill in (old, new), f"killed at {fraction:.2f}: a store that is neither state"
        left.append("old" if after_kill == old else "new")
        code, err = finished(kg_build(states["new"], store, env))
        assert code == 0, err
        assert quads(store) == new, (
            f"killed at {fraction:.2f}: the next build did not give the cold-build store"
        )
        assert (
            len([p for p in store.iterdir() if p.name.startswith("kg-gen-")]) <= 2
        )  # unfinished ones deleted
    print("states left by the kills:", list(zip(KILL_FRACTIONS, left, strict=True)))
    assert "old" in left and "new" in left  # the kills landed before, inside and after the rebuild


def test_kg_query_never_sees_a_half_built_store(states: dict) -> None:
    """Reads while builds replace half of the store, back and forth: every read is one state or the other."""
    root, env = states["root"], states["env"]
    store = root / "read-while-building"
    shutil.copytree(root / "old.store", store, symlinks=True)
    expected = {seen_state(root / "old.store"), seen_state(root / "new.store")}
    reads = 0
    for corpus in (states["new"], states["old"], states["new"]):
        build = kg_build(corpus, store, env)
        while build.poll() is None:
            assert seen_state(store) in expected
            reads += 1
        code, err = finished(build)
        assert code == 0, err
    assert seen_state(store) == seen_state(root / "new.store")
    assert reads >= 10


def test_a_second_build_on_the_same_store_is_refused_in_one_line(states: dict, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(states["root"] / "old.store", store, symlinks=True)
    first = subprocess.Popen(
        [KG, "build", str(states["new"]), "--store", str(store), "-q", "--no-cache"],
        env=states["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (store / LOCK_FILE).read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.02)
    second = subprocess.run(
        [KG, "build", str(states["old"]), "--store", str(store), "-q"],
        env=states["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.poll() is None, "the first build ended before the second started"
    assert second.returncode == 2
    assert second.stderr.strip().splitlines() == [
        f"Error: {store}: the store is being written by another kg build (pid {first.pid})"
    ]
    code, err = finished(first)
    assert code == 0, err
    assert quads(store) == states["new_quads"]
    assert not (store / LOCK_FILE).read_text().strip()  # released: the pid is gone


def test_a_build_that_reads_nothing_keeps_the_store_as_it_was(states: dict, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(states["root"] / "old.store", store, symlinks=True)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\xff\xfe not text")
    code, _ = finished(kg_build(empty, store, states["env"]))
    assert code != 0
    assert quads(store) == states["old_quads"]
    assert len([p for p in store.iterdir() if p.name.startswith("kg-gen-")]) == 1
