"""One changed article rebuilt through the Python API, in a process that keeps running.

``benchmarks/bench.py`` times ``kg build`` as a command, where every rebuild
pays for starting Python and importing spaCy (about a second) before it reads
a single article. A notebook, a watcher or a service calling :func:`kg.build`
pays that once; this script measures that case: in one process, a cold store
build of CORPUS with a fact cache, then one article changed (the file given,
rewritten by bench.py before it says "go" on stdin) and the same build again.

    python benchmarks/incremental_api.py CORPUS STORE CACHE   # prints JSON
"""

from __future__ import annotations

import json
import sys
import time

import kg


def timed_build(corpus: str, store: str, cache: str) -> tuple[float, kg.BuildReport]:
    started = time.perf_counter()
    report = kg.build([corpus], store=store, cache=cache, validate=False)
    return time.perf_counter() - started, report


def main() -> None:
    corpus, store, cache = sys.argv[1:4]
    cold, cold_report = timed_build(corpus, store, cache)
    print(json.dumps({"cold": cold}), flush=True)
    sys.stdin.readline()  # bench.py changes one article meanwhile
    rebuild, report = timed_build(corpus, store, cache)
    figures = {
        "cold": cold,
        "rebuild": rebuild,
        "ratio": cold / rebuild,
        "extracted": report.articles - report.cached,
        "unchanged": report.unchanged,
        "cold_articles": cold_report.articles,
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
