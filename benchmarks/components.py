"""Where the embedded pipeline spends its time: seconds per component over a corpus.

The end-to-end figures of ``bench.py`` say the pipeline is most of a build;
this says which component. Each component runs over the same documents in
pipeline order (the tokenizer first), timed on its own, in one process.

    python benchmarks/components.py CORPUS_DIR [--limit 1000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.nlp.pipeline import doc_to_facts, load_pipeline
from kg.read.documents import Document, read_documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=1000, help="articles to run (default: 1,000)")
    args = parser.parse_args()
    documents = [d for d in read_documents([args.corpus]) if isinstance(d, Document)][: args.limit]
    nlp = load_pipeline()
    texts = [d.text for d in documents]
    started = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    timings = [("tokenizer", time.perf_counter() - started)]
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        docs = list(component.pipe(docs)) if hasattr(component, "pipe") else [component(doc) for doc in docs]
        timings.append((name, time.perf_counter() - started))
    started = time.perf_counter()
    for doc, document in zip(docs, documents, strict=True):
        doc_to_facts(doc, document)
    timings.append(("doc_to_facts", time.perf_counter() - started))
    total = sum(seconds for _, seconds in timings)
    words = sum(len(text.split()) for text in texts)
    print(f"{len(docs):,} articles, {words:,} words: {total:.2f} s in the pipeline")
    print(f"  {'component':<20} {'seconds':>8} {'ms/article':>11} {'share':>6}")
    for name, seconds in timings:
        print(f"  {name:<20} {seconds:>8.2f} {seconds / len(docs) * 1000:>11.2f} {seconds / total:>6.0%}")


if __name__ == "__main__":
    main()
