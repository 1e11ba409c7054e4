"""The answer of a query, and how it is written: a terminal table, the W3C formats, Turtle.

A :class:`Result` holds the rows already read (at most a limit of them, so an
endpoint's memory and answers stay bounded), so it can be written more than
once and cut at a row limit. The SPARQL 1.1 results formats (JSON, XML, CSV,
TSV) come from Oxigraph's own serializers: the rows are handed to them as W3C
JSON, which :func:`pyoxigraph.parse_query_results` reads back.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.rdf.formats import by_name
from kg.rdf.namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: Result formats by name: the four W3C formats of SELECT and ASK answers.
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: Graph formats (CONSTRUCT and DESCRIBE answers) by name: kg's formats of one graph
#: (:mod:`kg.rdf.formats`), and RDF/XML, which SPARQL clients ask for but kg never writes to a file.
GRAPH_FORMATS = {
    "turtle": by_name("turtle").oxigraph,
    "nt": by_name("nt").oxigraph,
    "rdf-xml": ox.RdfFormat.RDF_XML,
    "json-ld": by_name("json-ld").oxigraph,
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Prefixes written in Turtle answers. "r" is left out: resource IRIs have slashes
#: in their local part, which Turtle would have to escape ("r:person\/...").
TURTLE_PREFIXES = {p: str(ns) for p, ns in sorted(PREFIXES.items()) if p != "r"}

#: The widest a table cell gets before it is cut with an ellipsis.
MAX_CELL = 60


@dataclass
class Result:
    """What a query answered: rows of a SELECT, the boolean of an ASK, or triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False  # more rows (or triples) than the limit were there
    #: The parameters of the query and the values given for them. A SELECT must
    #: project its parameters (Oxigraph binds them so); the table leaves them out.
    params: tuple[str, ...] = ()
    given: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Term]]:
        """Each row as a dict of its bound variables."""
        for row in self.rows:
            yield {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}

    def values(self, variable: str) -> list[str | None]:
        """The plain values (IRI, literal text) of one column, row by row."""
        index = self.variables.index(variable)
        return [None if row[index] is None else row[index].value for row in self.rows]  # type: ignore[union-attr]

    # --- The W3C formats ---------------------------------------------------------

    def to_json(self) -> dict:
        """The SPARQL 1.1 Query Results JSON document."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [
            {v: term_json(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}

    def serialize(self, fmt: str) -> bytes:
        """The answer as bytes: json, xml, csv or tsv for SELECT and ASK; a graph format for triples."""
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise ValueError(f"a graph is written as {', '.join(GRAPH_FORMATS)}, not {fmt}")
            return ox.serialize(self.triples, format=GRAPH_FORMATS[fmt], prefixes=self._used_prefixes())
        if fmt not in RESULT_FORMATS:
            raise ValueError(f"results are written as {', '.join(RESULT_FORMATS)}, not {fmt}")
        document = json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")
        if fmt == "json":
            return document
        parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=RESULT_FORMATS[fmt])

    def _used_prefixes(self) -> dict[str, str]:
        iris = {t.value for triple in self.triples for t in triple if isinstance(t, ox.NamedNode)}
        return {p: ns for p, ns in TURTLE_PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}

    # --- The terminal ------------------------------------------------------------

    def table(self, width: int | None = None) -> str:
        """An aligned text table with a row count; ``true``/``false`` for an ASK; Turtle for triples."""
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        if self.kind == "graph":
            return self.serialize("turtle").decode("utf-8").rstrip("\n")
        width = width or shutil.get_terminal_size((120, 24)).columns
        shown = [i for i, v in enumerate(self.variables) if v not in self.params]
        cells = [[display(row[i]) for i in shown] for row in self.rows]
        headers = [self.variables[i] for i in shown]
        return format_table(headers, cells, width) + "\n" + self.count_line()

    def count_line(self) -> str:
        noun = "triple" if self.kind == "graph" else "row"
        count = len(self)
        more = " (cut at the row limit: there are more)" if self.truncated else ""
        given = ", ".join(f"{k}={v}" for k, v in self.given.items())
        return f"{count} {noun}{'' if count == 1 else 's'}{more}" + (f" for {given}" if given else "")


def from_oxigraph(answer: object, limit: int | None = None) -> Result:
    """Read an Oxigraph answer into a Result, at most ``limit`` rows or triples of it."""
    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[tuple[Term | None, ...]] = []
        truncated = False
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(solution))
        return Result("select", variables=variables, rows=rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in answer:  # type: ignore[attr-defined]
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(triple)
    return Result("graph", triples=triples, truncated=truncated)


def term_json(term: Term) -> dict:
    """One RDF term as the W3C JSON results format writes it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    found: dict[str, str] = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        found["datatype"] = term.datatype.value
    return found


# A prefixed name's local part (SPARQL 1.1 PN_LOCAL) takes these only after a backslash;
# "-" and "." are plain inside it but not at its start ("." not at its end either).
_ALWAYS_ESCAPED = frozenset("~!$&'()*+,;=/?#@%")


def compact(iri: str) -> str:
    """An IRI as a SPARQL term that parses when pasted back into a query.

    With the project's prefixes where the local part can be one, its reserved
    characters escaped (``r:person\\/boris-pistorius``, ``dkg:Person``), else
    in full (``<https://...>``).
    """
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            local = _local_name(iri[len(str(namespace)) :])
            return f"{prefix}:{local}" if local is not None else f"<{iri}>"
    return f"<{iri}>"


def _local_name(local: str) -> str | None:
    """``local`` written as a PN_LOCAL, reserved characters escaped; None when it cannot be one."""
    written = []
    for i, char in enumerate(local):
        edge = (i == 0 and char in "-.") or (i == len(local) - 1 and char == ".")
        if char in _ALWAYS_ESCAPED or edge:
            written.append("\\" + char)
        elif char.isalnum() or char in "_-.:":
            written.append(char)
        else:
            return None
    return "".join(written)


def display(term: Term | None) -> str:
    """A term as a table cell: IRIs compacted, literals as their text, unbound as nothing."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {display(term.subject)} {display(term.predicate)} {display(term.object)} >>"
    return term.value


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_table(headers: list[str], rows: list[list[str]], width: int = 120) -> str:
    """Columns aligned, every cell on one line, long cells cut so the table fits ``width``.

    Cells are first cut at MAX_CELL characters; if the table is still too wide
    the widest column gives way first, down to 10 characters.
    """
    rows = [[_cut(cell, MAX_CELL) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    separators = 2 * (len(headers) - 1)
    while sum(widths) + separators > width and max(widths, default=0) > 10:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    lines = ["  ".join(_cut(h, w).ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
