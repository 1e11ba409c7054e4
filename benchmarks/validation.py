"""The SHACL check of a build's output, kg's compiled engine against pySHACL (issue 22).

    python benchmarks/validation.py UNION.nt              # kg's engine: violations, CPU and wall seconds
    python benchmarks/validation.py UNION.nt --pyshacl    # and pySHACL on the same triples, reports compared

UNION.nt is what ``kg build CORPUS -o UNION.nt`` writes (N-Triples, the union
the build validates). CPU seconds are those of this process: the machine may be
shared, and wall seconds then say more about the neighbours than about kg.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from kg.rdf.export import ntriples_to_graph
from kg.rdf.validate import ValidationReport, load_shapes, validate, validate_ntriples


def timed(label: str, run) -> ValidationReport:  # noqa: ANN001 - a callable returning a report
    cpu, wall = time.process_time(), time.perf_counter()
    report = run()
    print(
        f"{label}: {report.summary()}; CPU {time.process_time() - cpu:.2f} s, "
        f"wall {time.perf_counter() - wall:.2f} s",
        flush=True,
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("union", type=Path)
    parser.add_argument("--pyshacl", action="store_true", help="run pySHACL too and compare the reports")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # rdflib warns of each ill-typed literal
    load_shapes()  # parsed once per process, by either engine: not part of the timing
    data = args.union.read_bytes()
    ours = timed("kg's compiled engine", lambda: validate_ntriples(data))
    if not args.pyshacl:
        return
    reference = timed("rdflib parse + pySHACL", lambda: validate(ntriples_to_graph(data), engine="pyshacl"))
    differ = set(ours.violations) ^ set(reference.violations)
    print(f"same violations: {'yes' if not differ else 'no'} ({len(differ)} differ)")
    for violation in sorted(differ)[:20]:
        print(("  only kg's: " if violation in ours.violations else "  only pySHACL's: ") + violation.line())


if __name__ == "__main__":
    main()
