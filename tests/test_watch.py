"""Rebuilding as articles arrive: kg.watch and ``kg build --watch``.

A watch must build again after an article is added, changed or removed, and
only then; each build must leave the store as a cold build of the corpus at
that moment would. The API runs in a thread of this process; the command runs
as a real process, stopped with Ctrl-C (SIGINT). Texts are invented.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import sorted_quads, write_corpus

import kg.api
from kg.builder.watch import changes, corpus_state, watch
from kg.sparql.store import graph_names, open_store

WAIT = 120  # seconds a test waits for a build before it fails: far above what one takes
INTERVAL = 0.05

ARTICLES = {
    "riga.txt": "Ministers meet in Riga\n\nLatvian Defence Minister Andris Spruds said the brigade "
    "would be ready by 2027.\n",
    "oslo.txt": 'Nordic plan\n\n"We will double our ammunition output," said Defence Minister Aino '
    "Virtanen in Oslo.\n",
}
LATE = (
    "A late pledge\n\nThe European Union will provide €200 million to the Estonian drone programme, "
    "Estonian Prime Minister Kristen Michal said.\n"
)


pytestmark = pytest.mark.usefixtures("session_pipeline")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", ARTICLES)


class Watcher:
    """kg.watch in a thread; each build's report arrives on a queue."""

    def __init__(self, corpus: Path, store: Path, cache: Path) -> None:
        self.reports: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        builds = watch([corpus], store=store, cache=cache, validate=False, interval=INTERVAL, stop=self.stop)
        self.thread = threading.Thread(target=lambda: [self.reports.put(r) for r in builds], daemon=True)
        self.thread.start()

    def next_report(self) -> kg.api.BuildReport:
        return self.reports.get(timeout=WAIT)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive()


@pytest.fixture
def watcher(corpus: Path, tmp_path: Path) -> Iterator[Watcher]:
    running = Watcher(corpus, tmp_path / "store", tmp_path / "cache")
    yield running
    running.close()


def test_each_change_is_built_once_and_the_store_matches_a_cold_build(corpus, tmp_path, watcher):
    first = watcher.next_report()
    assert (first.articles, first.unchanged) == (2, 0)

    (corpus / "tallinn.txt").write_text(LATE, encoding="utf-8")
    added = watcher.next_report()
    assert (added.articles, added.unchanged) == (1, 2)  # only the new article is extracted
    with pytest.raises(queue.Empty):
        watcher.reports.get(timeout=20 * INTERVAL)  # nothing changed since: no build

    (corpus / "riga.txt").unlink()
    removed = watcher.next_report()
    assert (removed.articles, removed.removed) == (0, 1)
    watcher.close()

    cold = tmp_path / "cold"
    kg.api.build([corpus], store=cold, cache=False, validate=False)
    assert sorted_quads(tmp_path / "store") == sorted_quads(cold)
    assert len(graph_names(open_store(tmp_path / "store"))) == 2


def test_a_changed_article_is_extracted_again(corpus, watcher):
    watcher.next_report()
    riga = corpus / "riga.txt"
    riga.write_text(riga.read_text(encoding="utf-8").replace("2027", "2028"), encoding="utf-8")
    report = watcher.next_report()
    assert (report.articles, report.unchanged) == (1, 1)


def test_an_emptied_folder_is_not_built_until_articles_come_back(corpus, tmp_path, watcher):
    watcher.next_report()
    for path in corpus.iterdir():
        path.unlink()
    with pytest.raises(queue.Empty):
        watcher.reports.get(timeout=20 * INTERVAL)
    (corpus / "tallinn.txt").write_text(LATE, encoding="utf-8")
    report = watcher.next_report()
    assert (report.articles, report.removed) == (1, 2)
    assert len(graph_names(open_store(tmp_path / "store"))) == 1


def test_a_corpus_still_being_written_waits_until_it_is_still(corpus):
    """changes() yields a new state only once two looks one interval apart agree."""
    stop = threading.Event()
    states = changes([corpus], 0.5, stop)
    assert next(states) == corpus_state([corpus])
    target = corpus / "growing.txt"

    def write_slowly() -> None:
        for part in range(5):
            with target.open("a", encoding="utf-8") as out:
                out.write(f"Part {part} of a long article said the minister.\n")
            stop.wait(0.02)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    settled = next(states)
    writer.join()
    stop.set()
    sizes = {Path(path).name: size for path, _, size in settled}
    assert sizes[target.name] == target.stat().st_size  # the whole file, not a part of it


def test_corpus_state_sees_additions_edits_and_removals(corpus):
    before = corpus_state([corpus])
    (corpus / "oslo.txt").write_text("Changed\n\nA different text of another length.\n", encoding="utf-8")
    edited = corpus_state([corpus])
    (corpus / "riga.txt").unlink()
    assert before != edited != corpus_state([corpus])
    assert corpus_state([corpus / "missing"]) == ()


# --- kg build --watch, as a process ----------------------------------------------------------


def test_the_command_builds_again_and_stops_on_ctrl_c(corpus, tmp_path):
    store = tmp_path / "store"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store)]
    command += ["--watch", "--interval", "0.1", "--no-validate", "--cache", str(tmp_path / "cache")]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"}
    )
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True)
    reader.start()

    def next_summary() -> str:
        while True:
            line = lines.get(timeout=WAIT)
            if "articles" in line:
                return line

    try:
        assert "2 articles:" in next_summary()
        (corpus / "tallinn.txt").write_text(LATE, encoding="utf-8")
        assert "1 articles (2 unchanged)" in next_summary()
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=WAIT)
    reader.join(timeout=WAIT)
    rest = "".join(lines.get() for _ in range(lines.qsize()))
    assert status == 0, rest
    assert "stopped watching" in rest
    assert len(graph_names(open_store(store))) == 3


def test_the_command_refuses_a_missing_folder_even_when_watching(tmp_path):
    missing = tmp_path / "missing"
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(missing), "--store", str(tmp_path / "s"), "--watch"],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert result.returncode == 2
    assert str(missing) in result.stderr
