"""Adversarial texts: seconds per megabyte of each, against a budget, at two sizes.

Every extractor should be linear in an article's length, so the time per
megabyte of a hostile text (runs of one mark, unclosed quotes, thousands of
names) should stay near that of ordinary news, and stay the same when the
text doubles. For each case this prints the seconds per MB at ``--kb`` and
at twice that (the pipeline, then the article's RDF triples), their ratio
(about 1 when linear, about 2 when quadratic) and whether the larger one is
within ``--budget`` seconds per MB; it exits 1 when a case is over.

    python benchmarks/adversarial.py [--kb 64] [--budget 20] [--cases quote-runs,names]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.facts import Document
from kg.nlp.pipeline import doc_to_facts, load_pipeline
from kg.rdf.mapping import article_triples

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEWS = (SEEDS / "001_cbf8df3273eff8f0.txt").read_text(encoding="utf-8").split("\n", 2)[2]


def repeated(unit: Callable[[int], str], size: int, separator: str = " ") -> str:
    """``unit(0) + separator + unit(1) ...`` until the UTF-8 text holds ``size`` bytes."""
    parts, total, n = [], 0, 0
    while total < size:
        part = unit(n)
        parts.append(part)
        total += len(part.encode()) + len(separator)
        n += 1
    return "Title\n\n" + separator.join(parts)


def run_of(mark: str) -> Callable[[int], str]:
    """One run of ``mark`` as long as the whole text: the tokenizer's worst case."""

    def text(size: int) -> str:
        return f"Rutte said {mark * (size // len(mark.encode()))} and left."

    return text


#: Each case: a text of about ``size`` bytes.
CASES: dict[str, Callable[[int], str]] = {
    "news": lambda size: repeated(lambda n: NEWS, size, "\n\n"),
    "quote-runs": run_of("“"),
    "star-runs": run_of("*"),
    "bang-runs": run_of("!"),
    "short-quote-runs": lambda size: repeated(lambda n: "“" * 40 + f" word{n}", size),
    "unclosed-quote": lambda size: (
        "Title\n\nHe called it “a wall. "
        + repeated(lambda n: f"Mark Rutte said allies must spend more on drones {n}.", size)[7:]
    ),
    "names": lambda size: repeated(lambda n: f"Zorvex{n} Industries makes drones.", size),
    "statements-and-topics": lambda size: repeated(
        lambda n: f'"We need drones, air defence and sanctions {n}," said Mark Rutte.', size
    ),
}


def seconds_per_mb(nlp, text: str) -> tuple[float, float]:
    """Seconds per MB of the pipeline, then of the article's RDF triples."""
    megabytes = len(text.encode()) / 1e6
    document = Document("adversarial", text, "adversarial.txt")
    started = time.perf_counter()
    facts = doc_to_facts(nlp(text), document)
    extracted = time.perf_counter()
    article_triples(facts, "https://w3id.org/defense-kg/resource/")
    return (extracted - started) / megabytes, (time.perf_counter() - extracted) / megabytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=64, help="the smaller text's size in KB (default 64)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per MB allowed (default 20)")
    parser.add_argument("--cases", default=",".join(CASES), help="cases to run, comma-separated")
    args = parser.parse_args()
    nlp = load_pipeline()
    nlp("Warm up: Mark Rutte said so.")
    size = args.kb * 1000
    print(
        f"{'case':<24}{'s/MB ' + str(args.kb) + ' KB':>14}{'s/MB ' + str(2 * args.kb) + ' KB':>14}"
        f"{'ratio':>8}{'rdf s/MB':>10}  within {args.budget:g} s/MB"
    )
    over = []
    for name in args.cases.split(","):
        small, _ = seconds_per_mb(nlp, CASES[name](size))
        large, rdf = seconds_per_mb(nlp, CASES[name](2 * size))
        within = large + rdf <= args.budget
        if not within:
            over.append(name)
        verdict = "yes" if within else "NO"
        print(
            f"{name:<24}{small:>14.2f}{large:>14.2f}{large / small:>8.2f}{rdf:>10.2f}  {verdict}", flush=True
        )
    if over:
        print(f"over budget: {', '.join(over)}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
