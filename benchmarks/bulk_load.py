"""What loading a store costs Oxigraph itself: one bulk load against the batches kg writes.

A ``kg build --store`` spends most of its parent's time in ``Store.bulk_load``.
This script separates the loader from kg: it loads an N-Quads file into a new
store once in a single call and once in batches of ``--batch`` lines, each in
a child process, and prints wall seconds, CPU seconds, µs per quad and the
child's peak RSS, and how much longer a batch takes as the store grows. (kg
writes in batches to bound memory: 100,000 article quads each, plus their
copies in the union, about 160,000 lines in all.)

    python benchmarks/bulk_load.py QUADS.nq [--batch 100000]
    python benchmarks/bulk_load.py STORE_DIR     # dumps the store to N-Quads first

The N-Quads of a store: ``kg build CORPUS --store DIR`` then this script on DIR.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox


def load(quads: Path, store_dir: Path, batch: int) -> dict[str, float]:
    """Load ``quads`` into a new store at ``store_dir``: in one call when ``batch`` is 0."""
    store = ox.Store(str(store_dir))
    started, cpu = time.perf_counter(), time.process_time()
    batch_seconds: list[float] = []
    if batch == 0:
        store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    else:
        with quads.open("rb") as lines:
            chunk: list[bytes] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) >= batch:
                    batch_seconds.append(_bulk_load(store, chunk))
            if chunk:
                _bulk_load(store, chunk)
    store.flush()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "first_batch": batch_seconds[0] if batch_seconds else None,
        "last_batch": batch_seconds[-1] if batch_seconds else None,
    }


def _bulk_load(store: ox.Store, chunk: list[bytes]) -> float:
    """Load the N-Quads lines of ``chunk`` and empty it; return the seconds taken."""
    started = time.perf_counter()
    store.bulk_load(input=b"".join(chunk), format=ox.RdfFormat.N_QUADS)
    chunk.clear()
    return time.perf_counter() - started


def in_child(quads: Path, batch: int, workdir: Path) -> dict[str, float]:
    """:func:`load` in a fresh process, so that its peak RSS is its own."""
    store_dir = workdir / f"store-{batch}"
    shutil.rmtree(store_dir, ignore_errors=True)
    args = [sys.executable, __file__, "--child", str(batch), str(quads), str(store_dir)]
    result = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    shutil.rmtree(store_dir, ignore_errors=True)
    return result


def dump_store(store_dir: Path, target: Path) -> None:
    ox.Store.read_only(str(store_dir)).dump(str(target), format=ox.RdfFormat.N_QUADS)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        batch, quads, store_dir = int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
        print(json.dumps(load(quads, store_dir, batch)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="an N-Quads file, or a store directory to dump")
    parser.add_argument("--batch", type=int, default=100_000, help="quads per bulk load (default: 100,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bulk-") as tmp:
        workdir = Path(tmp)
        quads = args.source
        if quads.is_dir():
            quads = workdir / "store.nq"
            started = time.perf_counter()
            dump_store(args.source, quads)
            print(f"dumped {args.source} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with quads.open("rb") as lines:
            count = sum(1 for _ in lines)
        print(f"bulk load of {count:,} quads into a new Oxigraph {ox.__version__} store")
        print(f"  {'run':<22} {'seconds':>8} {'CPU s':>7} {'CPU us/quad':>12} {'peak RSS':>10}")
        for batch, label in ((0, "one call"), (args.batch, f"batches of {args.batch:,}")):
            r = in_child(quads, batch, workdir)
            per_quad = r["cpu_seconds"] / count * 1e6
            print(
                f"  {label:<22} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
                f"{per_quad:>12.1f} {r['peak_rss_mib']:>6,.0f} MiB"
            )
            if r["first_batch"] is not None:
                print(
                    f"    a full batch took {r['first_batch']:.2f} s into the new store, "
                    f"{r['last_batch']:.2f} s at the end"
                )


if __name__ == "__main__":
    main()
