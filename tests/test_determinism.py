"""Reproducible builds: the same articles give the same bytes and the same IRIs.

Python salts ``hash()`` per process (PYTHONHASHSEED), so set and dict-of-set
orders differ between runs; a build must not let that leak into its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_corpus
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg import build_graph
from kg.rdf.namespaces import DKG

ARTICLE_ALPHA = (
    "Estonia and Finland agree on radars\n\n"
    "Estonian Defence Minister Kalle Tamm met Aino Virtanen in Helsinki on Tuesday. "
    "“We will buy the radars together,” Tamm said.\n"
    "The Baltic Ammunition Agency (BAA) will manage the orders, and Lithuania sent Ukraine "
    "€40 million for air defence.\n"
    "The Weimar Triangle countries (France, Germany and Poland) welcomed the plan.\n"
)
ARTICLE_BETA = (
    "Finnish Defence Minister Aino Virtanen said the BAA had signed contracts for 90,000 shells. "
    "According to the Estonian defence ministry, Kalle Tamm will visit the Nordic Defence "
    "Procurement Forum in Tartu on 12 May.\n"
    "Mart Kuusk, director of the Baltic Ammunition Agency, told reporters that Warsaw signed "
    "the agreement on Monday.\n"
)
CORE_TYPES = (DKG.Person, DKG.Organization, DKG.Country, DKG.Place, DKG.Program)

BUILD_ALL_FORMATS = """
import sys
from kg import build_dataset_from
from kg.builder.output import write_file
from kg.rdf.formats import FORMATS
folder, out = sys.argv[1], sys.argv[2]
dataset = build_dataset_from([folder])
for fmt, suffix in FORMATS.items():
    write_file(out + suffix, dataset, fmt)
"""


def test_two_processes_with_different_hash_seeds_write_identical_bytes(tmp_path):
    folder = write_corpus(tmp_path / "articles", {"alpha.txt": ARTICLE_ALPHA, "beta.md": ARTICLE_BETA})
    runs = {}
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"seed-{seed}"
        runs[seed] = (
            subprocess.Popen(
                [sys.executable, "-c", BUILD_ALL_FORMATS, str(folder), str(out)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            out,
        )
    outputs = {}
    for seed, (proc, out) in runs.items():  # both run at once: two cores
        _, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stderr
        outputs[seed] = out
    for suffix in (".ttl", ".nt", ".trig", ".nq", ".jsonld"):
        first = Path(str(outputs["1"]) + suffix).read_bytes()
        second = Path(str(outputs["4242"]) + suffix).read_bytes()
        assert first, suffix
        assert first == second, f"{suffix} differs between PYTHONHASHSEED=1 and 4242"
    nt_lines = Path(str(outputs["1"]) + ".nt").read_text(encoding="utf-8").splitlines()
    assert nt_lines == sorted(nt_lines)
    graph = Graph().parse(str(outputs["1"]) + ".ttl", format="turtle")
    assert set(graph.subjects(RDF.type, DKG.Statement))


def entity_table(graph: Graph) -> set[tuple[str, str, str]]:
    return {
        (str(s), str(t), str(graph.value(s, RDFS.label)))
        for t in CORE_TYPES
        for s in graph.subjects(RDF.type, t)
    }


def speaker_table(graph: Graph) -> set[tuple[str, str]]:
    return {
        (str(graph.value(s, DKG.speaker)), str(graph.value(s, DKG.text)))
        for s in graph.subjects(RDF.type, DKG.Statement)
    }


def test_article_order_does_not_change_entity_iris(nlp, tmp_path):
    forward = write_corpus(tmp_path / "forward", {"01-alpha.txt": ARTICLE_ALPHA, "02-beta.txt": ARTICLE_BETA})
    backward = write_corpus(
        tmp_path / "backward", {"01-beta.txt": ARTICLE_BETA, "02-alpha.txt": ARTICLE_ALPHA}
    )
    one = build_graph([forward], nlp=nlp)
    other = build_graph([backward], nlp=nlp)
    entities = entity_table(one)
    assert entities == entity_table(other)
    iris = {iri for iri, _, _ in entities}
    base = "https://w3id.org/defense-kg/resource/"
    for key in ("person/kalle-tamm", "person/aino-virtanen", "organization/baltic-ammunition-agency"):
        assert base + key in iris
    assert speaker_table(one) == speaker_table(other)
    tamm = URIRef(base + "person/kalle-tamm")
    assert len(set(one.objects(tamm, RDFS.label))) == 1


@pytest.mark.parametrize("text", [ARTICLE_ALPHA, ARTICLE_BETA])
def test_extracting_twice_gives_equal_facts(extract, text):
    first, second = extract(text), extract(text)
    assert first.entities == second.entities
    assert first.statements == second.statements
    assert first.fundings == second.fundings
    assert first.roles == second.roles
    assert first.memberships == second.memberships
    assert first.events == second.events
