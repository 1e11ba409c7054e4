"""Adversarial texts: seconds per megabyte of each, against a budget, at two sizes, and linear or not.

Every extractor should be linear in an article's length, so the time per
megabyte of a hostile text (runs of one mark, unclosed quotes, thousands of
names) should stay near that of ordinary news, and stay the same when the
text doubles. For each case this prints the CPU seconds per MB at ``--kb``
and at twice that (the pipeline, then the article's RDF triples), their ratio
(about 1 when linear, about 2 when quadratic), the pipeline step whose time
grew most, and whether the larger is within ``--budget`` seconds per MB and
the ratio within ``--max-ratio``; it exits 1 when a case is over either.

    python benchmarks/adversarial.py [--kb 64] [--budget 20] [--max-ratio 1.5] [--cases quote-runs,names]

Times are CPU seconds of this process (``time.process_time``), the least of
``--repeat`` runs: on a machine shared with other jobs the wall clock
stretches with their load, the CPU time of one process far less.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.facts import Document
from kg.nlp.pipeline import doc_to_facts, load_pipeline
from kg.rdf.mapping import article_triples

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEWS = (SEEDS / "001_cbf8df3273eff8f0.txt").read_text(encoding="utf-8").split("\n", 2)[2]

#: A step that takes less than this (CPU seconds) on the larger text is below the timer's noise:
#: its growth is not reported, and a case this fast in all is not judged for linearity.
NOISE_SECONDS = 0.02


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


#: Twenty words, of which the names of ``few_word_name`` are made.
FEW_WORDS = "Arc Bay Cove Dale Elm Fen Glen Holt Isle Jut Keel Loch Mere Ness Oak Pike Quay Rill Sand Tor"


def few_word_name(n: int) -> str:
    """Thousands of distinct names of one to four words of twenty: each word in a great many names,
    and many names a short form of others (the worst case of an index of names by word)."""
    words = random.Random(n).sample(FEW_WORDS.split(), random.Random(-n).randint(1, 4))
    return f"The {' '.join(words)} Agency met."


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
    "names-sharing-words": lambda size: repeated(
        lambda n: f"The Baltic {n} Defence Agency and the Baltic Defence Agency {n} met.", size
    ),
    "names-from-few-words": lambda size: repeated(few_word_name, size),
    "statements-and-topics": lambda size: repeated(
        lambda n: f'"We need drones, air defence and sanctions {n}," said Mark Rutte.', size
    ),
}


@dataclass
class Timing:
    """CPU seconds per MB of one text: the pipeline, the RDF, and each step of the pipeline (seconds)."""

    pipeline: float
    rdf: float
    steps: dict[str, float]


def cpu_seconds(work: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of ``work()`` and its result, with the garbage collector run before, not during."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        result = work()
        return time.process_time() - started, result
    finally:
        gc.enable()


def timed(nlp, text: str) -> Timing:
    """The pipeline one step at a time (what ``nlp(text)`` does), then the facts and their triples."""
    megabytes = len(text.encode()) / 1e6
    steps = {}
    steps["tokenizer"], doc = cpu_seconds(lambda: nlp.make_doc(text))
    for name, component in nlp.pipeline:
        steps[name], doc = cpu_seconds(lambda component=component, doc=doc: component(doc))
    document = Document("adversarial", text, "adversarial.txt")
    steps["facts"], facts = cpu_seconds(lambda: doc_to_facts(doc, document))
    rdf, _ = cpu_seconds(lambda: article_triples(facts, "https://w3id.org/defense-kg/resource/"))
    return Timing(sum(steps.values()) / megabytes, rdf / megabytes, steps)


def least(nlp, text: str, repeat: int) -> Timing:
    """The least of ``repeat`` timings of ``text``, step by step."""
    runs = [timed(nlp, text) for _ in range(repeat)]
    return Timing(
        min(r.pipeline for r in runs),
        min(r.rdf for r in runs),
        {step: min(r.steps[step] for r in runs) for step in runs[0].steps},
    )


def grew_most(small: Timing, large: Timing) -> str:
    """The step whose time grew most from the smaller text to the larger, over the noise: "name ×ratio"."""
    growth = {
        step: seconds / max(small.steps[step], 1e-6)
        for step, seconds in large.steps.items()
        if seconds >= NOISE_SECONDS
    }
    if not growth:
        return "-"
    step = max(growth, key=growth.get)
    return f"{step} ×{growth[step]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=64, help="the smaller text's size in KB (default 64)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per MB allowed (default 20)")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=1.5,
        help="seconds per MB at twice the size over those at the size, allowed (default 1.5; quadratic: 2)",
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each text; the least counts (default 2)"
    )
    parser.add_argument("--cases", default=",".join(CASES), help="cases to run, comma-separated")
    args = parser.parse_args()
    nlp = load_pipeline()
    nlp("Warm up: Mark Rutte said so.")
    size = args.kb * 1000
    print(
        f"{'case':<24}{'s/MB ' + str(args.kb) + ' KB':>14}{'s/MB ' + str(2 * args.kb) + ' KB':>14}"
        f"{'ratio':>8}  {'step that grew most':<24}{'rdf s/MB':>9}  within {args.budget:g} s/MB  linear"
    )
    over, superlinear = [], []
    for name in args.cases.split(","):
        small = least(nlp, CASES[name](size), args.repeat)
        large = least(nlp, CASES[name](2 * size), args.repeat)
        ratio = large.pipeline / small.pipeline
        within = large.pipeline + large.rdf <= args.budget
        noise = sum(large.steps.values()) < NOISE_SECONDS
        linear = ratio <= args.max_ratio or noise
        over += [] if within else [name]
        superlinear += [] if linear else [name]
        print(
            f"{name:<24}{small.pipeline:>14.2f}{large.pipeline:>14.2f}{ratio:>8.2f}  "
            f"{grew_most(small, large):<24}{large.rdf:>9.2f}  {'yes' if within else 'NO':<17}"
            f"{'(noise)' if noise else 'yes' if linear else 'NO'}",
            flush=True,
        )
    if over:
        print(f"over budget: {', '.join(over)}", file=sys.stderr)
    if superlinear:
        print(
            f"over {args.max_ratio:g} times the seconds per MB at twice the size: {', '.join(superlinear)}",
            file=sys.stderr,
        )
    return 1 if over or superlinear else 0


if __name__ == "__main__":
    sys.exit(main())
