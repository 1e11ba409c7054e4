"""What a build did: the figures of ``kg build``'s summary, and the seconds of each stage."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from kg.facts import FactCounts, fact_kinds
from kg.rdf.validate import ValidationReport

__all__ = ["BuildReport", "Stopwatch"]


@dataclass
class BuildReport:
    """What a build read and wrote: the figures of ``kg build``'s summary."""

    articles: int = 0
    entities: int = 0
    #: Facts of each kind (kg.facts.fact_kinds), by name: ``report.statements`` reads ``facts["statements"]``.
    facts: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    output: str = ""
    #: Quads written to article graphs in the store of ``build(..., store=DIR)``: this build's,
    #: not the store's size, and not counting the union the default graph keeps.
    stored: int = 0
    #: The check of the written graph against ontology/shapes.ttl (None with validate=False).
    validation: ValidationReport | None = None
    #: Articles whose facts came from the cache, not the pipeline.
    cached: int = 0
    #: Articles a store build skipped: the store holds them built from the same text and pipeline.
    unchanged: int = 0
    #: Article graphs removed from the store: their articles are no longer in the corpus.
    removed: int = 0
    #: Processes that ran the pipeline.
    jobs: int = 1
    #: Wall-clock seconds per stage: read, pipeline, rdf, write, union and compact (stores), validate.
    stages: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        if name.startswith("_") or name not in {kind.name for kind in fact_kinds()}:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.facts[name]

    def count(self, counts: FactCounts) -> None:
        self.articles += 1
        self.facts.update(dict(counts.kinds))

    def summary(self) -> str:
        notes = [f"{len(self.errors)} skipped"] if self.errors else []
        notes += [f"{self.cached} from cache"] if self.cached else []
        notes += [f"{self.unchanged} unchanged"] if self.unchanged else []
        notes += [f"{self.removed} removed"] if self.removed else []
        skipped = f" ({', '.join(notes)})" if notes else ""
        return (
            f"{self.articles} articles{skipped}: {self.entities} entities, {self._fact_figures()}; "
            f"{self.triples} triples in {self.seconds:.1f} s{self._validation_note()}"
        )

    def _fact_figures(self) -> str:
        return ", ".join(f"{self.facts[kind.name]} {kind.name}" for kind in fact_kinds())

    def _validation_note(self) -> str:
        checked = self.validation
        if checked is None:
            return ""
        if checked.conforms:
            return f", valid against {checked.shapes} in {checked.seconds:.1f} s"
        count = len(checked.errors)
        return f", {count} SHACL violation{'' if count == 1 else 's'} (run kg validate {self.output})"


class Stopwatch:
    """Seconds per stage of a build, the stages taking turns: ``switch(name)`` starts ``name``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stage: str | None = None
        self.since = time.perf_counter()

    def switch(self, stage: str | None) -> None:
        now = time.perf_counter()
        if self.stage is not None:
            self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + now - self.since
        self.stage, self.since = stage, now

    def credit(self, seconds: dict[str, float], taken_from: str) -> None:
        """Count ``seconds`` (by stage) spent inside stage ``taken_from`` to their own stages instead.

        For work timed where it ran: a batch run in this process spends the
        build's "pipeline" time on extraction and mapping to RDF alike.
        """
        for stage, spent in seconds.items():
            if stage != taken_from:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + spent
                self.seconds[taken_from] = self.seconds.get(taken_from, 0.0) - spent
