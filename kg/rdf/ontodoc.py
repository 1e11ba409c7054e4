"""Write the generated parts of ontology/README.md from the ontology itself.

The diagram, the table of terms and the example queries of the README are
made from ``dkg.ttl``, ``topics.ttl`` and ``queries/*.rq``, never by hand, so
the documentation cannot drift from the model: a test fails when the README
is stale, and ``python -m kg.rdf.ontodoc ontology/README.md`` brings it up to date.

Each generated part sits between ``<!-- BEGIN name -->`` and
``<!-- END name -->`` lines; everything outside them is hand-written prose.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.rdf.export import write_atomic
from kg.rdf.namespaces import DKG, PREFIXES
from kg.rdf.vocab import QUERIES_FOLDER, classes_graph, topics, topics_graph

#: Properties that align a dkg term with a term of another vocabulary.
ALIGNING = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, RDFS.seeAlso)
PROPERTY_TYPES = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}
_MARKERS = re.compile(r"(<!-- BEGIN (?P<name>[\w-]+) -->\n)(.*?)(<!-- END (?P=name) -->)", re.DOTALL)


@dataclass(frozen=True)
class Query:
    """One example query of ontology/queries/, with the title and text of its header comments."""

    name: str
    title: str
    description: str
    text: str


def compact(node: object) -> str:
    """``dkg:Person`` for a known namespace, ``<iri>`` otherwise."""
    text = str(node)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if prefix != "r" and text.startswith(str(namespace)) and len(text) > len(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return f"<{text}>"


def members(graph: Graph, node: object) -> list[URIRef]:
    """The classes a domain or range names: itself, or the members of its owl:unionOf."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        return [m for m in Collection(graph, union) if isinstance(m, URIRef)] if union else []
    return [node] if isinstance(node, URIRef) else []


def dkg_terms(graph: Graph) -> list[tuple[URIRef, str]]:
    """Every class and property the ontology declares in the dkg namespace, with its kind."""
    found: dict[URIRef, str] = {}
    for rdf_type, kind in [(OWL.Class, "class"), *PROPERTY_TYPES.items()]:
        for term in graph.subjects(RDF.type, rdf_type):
            if isinstance(term, URIRef) and term.startswith(str(DKG)):
                found.setdefault(term, kind)
    order = {"class": 0, "object property": 1, "datatype property": 2, "annotation property": 3}
    return sorted(found.items(), key=lambda item: (order[item[1]], str(item[0])))


def alignments(graph: Graph, term: URIRef) -> list[str]:
    """The external terms ``term`` is aligned with, as Markdown ("`schema:Person`", "see also `org:Post`")."""
    found = []
    for prop in ALIGNING:
        for target in graph.objects(term, prop):
            if isinstance(target, URIRef) and not target.startswith(str(DKG)):
                relation = "see also " if prop == RDFS.seeAlso else ""
                found.append(f"{relation}`{compact(target)}`")
    return found


def _local(node: URIRef) -> str:
    return compact(node).split(":", 1)[-1].strip("<>")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# --- The diagram ---------------------------------------------------------------


def diagram(graph: Graph | None = None) -> str:
    """A Mermaid class diagram: classes with their literal properties, links, and kinds."""
    graph = graph if graph is not None else classes_graph()
    lines = ["```mermaid", "classDiagram", "    direction LR"]
    attributes: dict[str, list[str]] = {}
    links: list[str] = []
    for term, kind in dkg_terms(graph):
        if kind == "annotation property":
            continue
        name = _local(term)
        domains = [_local(d) for d in members(graph, graph.value(term, RDFS.domain))]
        ranges = [_local(r) for r in members(graph, graph.value(term, RDFS.range))]
        if kind == "datatype property":
            for domain in domains:
                attributes.setdefault(domain, []).append(f"+{ranges[0] if ranges else 'Literal'} {name}")
        elif kind == "object property":
            links += [f"    {d} --> {r} : {name}" for d in domains for r in ranges]
    for term, kind in dkg_terms(graph):
        if kind != "class":
            continue
        name = _local(term)
        body = attributes.get(name, [])
        lines.append(f"    class {name}" + (" {" if body else ""))
        if body:
            lines += [f"        {attribute}" for attribute in body] + ["    }"]
        for parent in graph.objects(term, RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent.startswith(str(DKG)):
                lines.append(f"    {_local(parent)} <|-- {name}")
    lines += links
    lines.append("```")
    return "\n".join(lines)


# --- The table of terms ----------------------------------------------------------


def _classes_text(graph: Graph, node: object) -> str:
    return " or ".join(f"`{compact(m)}`" for m in members(graph, node)) or "—"


def term_table(graph: Graph | None = None) -> str:
    """One row per term: what it is, what it means, what it links, what it aligns with."""
    graph = graph if graph is not None else classes_graph()
    rows = [
        "| term | kind | meaning | domain → range | aligned with |",
        "|---|---|---|---|---|",
    ]
    for term, kind in dkg_terms(graph):
        comment = _cell(str(graph.value(term, RDFS.comment) or ""))
        if kind == "class":
            parents = sorted(compact(p) for p in graph.objects(term, RDFS.subClassOf) if p.startswith(DKG))
            links = "sub-class of " + ", ".join(f"`{p}`" for p in parents) if parents else ""
        else:
            domain = _classes_text(graph, graph.value(term, RDFS.domain))
            links = f"{domain} → {_classes_text(graph, graph.value(term, RDFS.range))}"
        aligned = ", ".join(alignments(graph, term))
        rows.append(f"| `{compact(term)}` | {kind} | {comment} | {links} | {aligned} |")
    return "\n".join(rows)


def topic_table(graph: Graph | None = None) -> str:
    """The concept scheme as a table: concept, broader concept, definition, the words read for it."""
    graph = graph if graph is not None else topics_graph()
    rows = ["| concept | broader | meaning | also read as |", "|---|---|---|---|"]
    for key, topic in topics().items():
        definition = _cell(str(graph.value(topic.iri, SKOS.definition) or ""))
        broader = ", ".join(f"`topic:{b}`" for b in topic.broader)
        words = ", ".join(topic.alt_labels[:6]) + (", …" if len(topic.alt_labels) > 6 else "")
        rows.append(f"| `topic:{key}` ({topic.label}) | {broader} | {definition} | {_cell(words)} |")
    return "\n".join(rows)


# --- The example queries -------------------------------------------------------


def read_query(path: Path) -> Query:
    """A query file: ``# title:`` and ``# description:`` header lines, then SPARQL."""
    text = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^# (title|description): (.*)$", text, re.MULTILINE))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# ")).strip()
    return Query(path.stem, header.get("title", path.stem), header.get("description", ""), body)


def example_queries(folder: Path = QUERIES_FOLDER) -> list[Query]:
    return [read_query(path) for path in sorted(folder.glob("*.rq"))]


def query_params(path: Path) -> list[tuple[str, str]]:
    """The ``# param: name — what it is`` lines of a query file (bound by ``kg query --param``)."""
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^# param: ([A-Za-z_]\w*)\s*(?:—|–|-|:)?\s*(.*)$", text, re.MULTILINE)


def queries_section(folder: Path = QUERIES_FOLDER) -> str:
    parts = []
    for query in example_queries(folder):
        params = query_params(folder / f"{query.name}.rq")
        takes = "; ".join(f"`{name}`: {help}" for name, help in params)
        takes = f"Parameters (`--param NAME=VALUE`, optional): {takes}.\n" if params else ""
        parts.append(
            f"### {query.title}\n\n{query.description}\n{takes}"
            f"(`queries/{query.name}.rq`)\n\n```sparql\n{query.text}\n```"
        )
    return "\n\n".join(parts)


# --- The README ------------------------------------------------------------------

SECTIONS = {
    "diagram": diagram,
    "terms": term_table,
    "topics": topic_table,
    "queries": queries_section,
}


def render(readme: str) -> str:
    """``readme`` with every generated section written anew."""

    def fill(match: re.Match) -> str:
        name = match.group("name")
        if name not in SECTIONS:
            raise ValueError(f"unknown generated section {name!r}")
        return f"{match.group(1)}{SECTIONS[name]()}\n{match.group(4)}"

    return _MARKERS.sub(fill, readme)


@click.command()
@click.argument("readme", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Exit with status 1 if the file is stale; write nothing.")
def main(readme: Path, check: bool) -> None:
    """Regenerate the diagram, term tables and queries in README (ontology/README.md)."""
    before = readme.read_text(encoding="utf-8")
    after = render(before)
    if check:
        if before != after:
            click.echo(
                f"{readme}: generated sections are stale; run python -m kg.rdf.ontodoc {readme}", err=True
            )
            sys.exit(1)
        return
    if before != after:
        write_atomic(readme, after.encode("utf-8"))
    click.echo(f"{readme}: {'updated' if before != after else 'up to date'}")


if __name__ == "__main__":
    main()
