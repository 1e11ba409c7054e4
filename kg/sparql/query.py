"""SPARQL over the graphs ``kg`` writes: ``kg query`` and the engine behind ``kg serve``.

The data flow is: open the graph (:func:`open_graph`: files into an in-memory
Oxigraph store, or a persistent store directory as it is), resolve the query
(:func:`resolve`: SPARQL text, a ``.rq`` file or the name of a saved query),
bind its parameters (:func:`bind`), check it (:func:`check`), run it
(:func:`run`) and format the :class:`kg.sparql.results.Result`.

Why Oxigraph and not rdflib: it is complete (SPARQL 1.1 and the W3C results
formats), fast, and opens the persistent store ``kg build --store`` writes.
The saved queries are plain SPARQL 1.1 and run in rdflib too (the tests check
both engines give the same rows).

The default graph a query sees is the union of every graph of the store, so
a TriG, N-Quads or store graph (one named graph per article) answers the same
queries as the merged Turtle. Oxigraph's union keeps a triple once per graph
that holds it (bag semantics), so the saved queries count with ``DISTINCT``
where an entity's own triples could repeat across articles.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.formats import by_name, rdf_extensions, rdf_from_path
from kg.rdf.namespaces import PREFIXES
from kg.rdf.vocab import QUERIES_FOLDER
from kg.sparql.results import Result, from_oxigraph
from kg.sparql.store import has_union, open_store

#: Prefixes every query may use without declaring them: the ontology's.
QUERY_PREFIXES: dict[str, str] = {p: str(ns) for p, ns in sorted(PREFIXES.items())}

#: The fixed exchange rates of the funding queries (the file's header gives their date and source).
RATES_FILE = Path(str(resources.files("kg") / "data" / "eur_rates.tsv"))

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


class QueryError(ValueError):
    """A query that cannot run: bad syntax, unknown name, bad parameter. One line, for a user."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message gives the line and column."""


class QueryRefused(QueryError):
    """A query the caller does not allow: an update, SERVICE or LOAD on a read-only endpoint."""


# --- Saved queries ---------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter a saved query declares with ``# param: name — what it is``."""

    name: str
    help: str

    @property
    def names_an_entity(self) -> bool:
        """Whether the value is an entity's name: its help says so ("a name as written")."""
        return "a name as written" in self.help


@dataclass(frozen=True)
class SavedQuery:
    """One ``.rq`` file of ontology/queries: its header comments and its SPARQL."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str  # the whole file: positions in error messages are the file's

    @property
    def sparql(self) -> str:
        """The query without its header comment lines."""
        return "\n".join(line for line in self.text.splitlines() if not line.startswith("# ")).strip()


_HEADER = re.compile(r"^# (title|description): (.*)$", re.MULTILINE)
_PARAM = re.compile(r"^# param: ([A-Za-z_]\w*)\s*(?:—|–|-|:)?\s*(.*)$", re.MULTILINE)


def read_saved(path: str | Path) -> SavedQuery:
    """A ``.rq`` file with its ``# title:``, ``# description:`` and ``# param:`` header lines."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header = dict(_HEADER.findall(text))
    params = tuple(Param(name, help.strip()) for name, help in _PARAM.findall(text))
    return SavedQuery(path.stem, header.get("title", path.stem), header.get("description", ""), params, text)


def saved_queries(folder: Path = QUERIES_FOLDER) -> dict[str, SavedQuery]:
    """The queries shipped with the package, by name (the file name without ``.rq``)."""
    return {path.stem: read_saved(path) for path in sorted(folder.glob("*.rq"))}


def resolve(query: str, folder: Path = QUERIES_FOLDER) -> SavedQuery:
    """``query`` as SPARQL: the name of a saved query, a ``.rq`` file, or the text itself."""
    saved = saved_queries(folder)
    if query in saved:
        return saved[query]
    if query.endswith(".rq") and "\n" not in query:
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        return read_saved(path)
    if re.fullmatch(r"[\w-]+", query.strip()):
        names = ", ".join(saved)
        raise QueryError(f"{query!r} is neither SPARQL nor a saved query ({names})")
    return SavedQuery("", "", "", (), query)


# --- Parameters --------------------------------------------------------------------


def term(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term.

    ``<iri>``, an absolute http(s) IRI, or a prefixed name with a known prefix
    (``r:person/boris-pistorius``, ``topic:drones``) is an IRI; anything else a
    plain string literal, which the saved queries match against labels without
    regard to case.
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return ox.NamedNode(value[1:-1])
    if re.fullmatch(r"https?://\S+", value):
        return ox.NamedNode(value)
    prefix, colon, local = value.partition(":")
    if colon and prefix in QUERY_PREFIXES and not re.search(r"\s", local):
        return ox.NamedNode(QUERY_PREFIXES[prefix] + re.sub(r"\\(.)", r"\1", local))  # as tables print it
    return ox.Literal(value)


def bind(query: SavedQuery, params: Mapping[str, str] | None) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Substitutions for ``params``; a saved query takes only the parameters it declares."""
    params = dict(params or {})
    declared = {p.name for p in query.params}
    if query.name and (unknown := sorted(set(params) - declared)):
        known = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"{query.name} has no parameter {', '.join(unknown)} (it takes: {known})")
    return {ox.Variable(name): term(value) for name, value in params.items()}


_NAMES = """
SELECT DISTINCT ?entity ?label WHERE {
  VALUES ?wanted { %s }
  { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
  ?entity rdfs:label ?label .
  FILTER (REGEX(STR(?entity), "/(person|organization|country|place|program)/[^/]+$"))  # entities, not events
  FILTER (%s)
} ORDER BY ?label ?entity
"""
_EXACT = "LCASE(STR(?name)) = LCASE(?wanted)"
_PART = "CONTAINS(CONCAT(' ', LCASE(STR(?name)), ' '), CONCAT(' ', LCASE(?wanted), ' '))"
AMBIGUOUS_SHOWN = 5


def entity_named(store: ox.Store, name: str, options: Mapping[str, object]) -> ox.Literal | None:
    """The label of the one entity ``name`` names, as ``kg view --focus`` finds it, or None.

    A name the graph holds as a label or another name is left as it is (the
    saved queries match those); otherwise a unique entity one of whose names
    holds ``name`` as whole words ("Stoltenberg" for "Jens Stoltenberg") is
    taken. Several: a `QueryError` naming them, as ``--focus`` does.
    """
    wanted = str(ox.Literal(" ".join(name.split())))  # N-Triples form: quotes and backslashes escaped
    for test in (_EXACT, _PART):
        rows = list(store.query(_NAMES % (wanted, test), prefixes=QUERY_PREFIXES, **options))
        found: dict[str, str] = {}
        for row in rows:
            found.setdefault(row["entity"].value, row["label"].value)
        if len(found) == 1:
            return None if test == _EXACT else ox.Literal(next(iter(found.values())))
        if len(found) > 1:
            if test == _EXACT:
                return None
            shown = ", ".join(sorted(set(found.values()))[:AMBIGUOUS_SHOWN])
            raise QueryError(f"{name!r} names several entities: {shown}; give the full name or the IRI")
    return None


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["topic=drones", "person=Boris Pistorius"]`` -> a dict; a pair without ``=`` is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*", name.strip()):
            raise QueryError(f"bad parameter {pair!r}: write NAME=VALUE")
        params[name.strip()] = value
    return params


# --- What a query is, read lexically -------------------------------------------------

# The terminals of the SPARQL grammar that can hide a keyword: comments,
# strings (the long forms first), IRIs, variables and prefixed names. A word
# left over is a keyword; "SERVICE" inside any of these is not one.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!\"\"))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def keywords(text: str) -> list[str]:
    """The bare words of a query, upper-cased, in order: its keywords and function names.

    A language tag (``"x"@service``) is not a keyword either.
    """
    found: list[str] = []
    previous = ""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "word" and previous != "@":
            found.append(match.group().upper())
        previous = match.group()
    return found


def form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; the update keyword it starts with; None if neither."""
    words = keywords(text)
    for word in words:
        if word in ("PREFIX", "BASE"):
            continue
        if word in QUERY_FORMS or word in UPDATE_KEYWORDS:
            return word
        return None
    return None


def check(text: str, *, allow_service: bool = True) -> str | None:
    """Refuse what must never run: any update (LOAD among them); SERVICE unless allowed.

    Returns the query form. A lexical check (see ``_TOKEN``), not a substring
    search: SERVICE in a string, a comment, an IRI or a prefixed name passes.
    """
    query_form = form(text)
    words = set(keywords(text))
    if "LOAD" in words:
        raise QueryRefused("LOAD is refused: queries here are read-only and never fetch other files or hosts")
    if query_form in UPDATE_KEYWORDS:
        raise QueryRefused(f"{query_form} is an update; updates are refused: the graph is read-only")
    if not allow_service and "SERVICE" in words:
        raise QueryRefused("SERVICE is refused: this endpoint sends no requests to other hosts")
    return query_form


# --- Opening graphs --------------------------------------------------------------------


def open_graph(source: object) -> ox.Store:
    """An Oxigraph store of ``source``: a store as it is, an rdflib graph, or paths.

    Paths are graph files (``.ttl .nt .nq .trig .jsonld``, format from the
    extension), loaded into one in-memory store (TriG and N-Quads keep their
    named graphs), or one directory: a persistent store ``kg build --store``
    wrote, opened read-only.
    """
    if isinstance(source, ox.Store):
        return source
    if hasattr(source, "serialize") and hasattr(source, "triples"):  # an rdflib Graph or Dataset
        store = ox.Store()
        fmt = by_name("nquads" if hasattr(source, "graphs") else "nt")
        store.load(source.serialize(format=fmt.name, encoding="utf-8"), format=fmt.oxigraph)
        return store
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]  # type: ignore[union-attr]
    if not paths:
        raise QueryError("no graph given")
    directories = [p for p in paths if p.is_dir()]
    if directories:
        if len(paths) > 1:
            raise QueryError(f"{directories[0]}: a store directory is queried alone, not with other graphs")
        return open_store_directory(directories[0])
    store = ox.Store()
    for path in paths:
        known = rdf_from_path(path)  # a directory is a persistent store, above
        if known is None:
            raise QueryError(f"{path}: unknown graph format; use one of {rdf_extensions()} or a store")
        fmt = known.oxigraph
        if not path.is_file():
            raise QueryError(f"{path}: no such file")
        # The triples of a file go to a graph of its own, named by the file's URL,
        # as a store keeps one graph per article: counts summed over the union
        # (dkg:mentionCount) stay right when two files hold the same triple.
        graph = None if known.quads else ox.NamedNode(path.resolve().as_uri())
        try:
            store.load(path=str(path), format=fmt, to_graph=graph)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"{path}: not valid {fmt.name}: {_one_line(str(exc))}") from None
    return store


def open_store_directory(path: Path) -> ox.Store:
    """A persistent store (``kg build --store``), read-only."""
    try:
        return open_store(path, read_only=True)
    except OSError as exc:
        raise QueryError(f"{path}: not a readable store: {_one_line(str(exc))}") from None


# --- Currency conversion -----------------------------------------------------------------

_RATES_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)# BEGIN rates.*?^[ \t]*# END rates[^\n]*$", re.MULTILINE | re.DOTALL
)


def eur_rates() -> dict[str, Decimal]:
    """Units of each currency to one euro, read from ``kg/data/eur_rates.tsv``."""
    rates: dict[str, Decimal] = {}
    with RATES_FILE.open(encoding="utf-8") as lines:
        data = (line for line in lines if line.strip() and not line.startswith("#"))
        rows = csv.reader(data, delimiter="\t")
        for row in rows:
            rates[row[0].strip().upper()] = Decimal(row[1].strip())
    return rates


def rates_date() -> str:
    """The date the rates are from, as the file's ``# date:`` header line gives it."""
    match = re.search(r"^# date: (\S+)", RATES_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else ""


def rates_values(indent: str = "") -> str:
    """The rates as the SPARQL VALUES block the funding queries carry between their rate markers.

    The queries hold the table itself, not a call to a function of ``kg``, so
    they run as they stand in any SPARQL store; the data file stays the one
    place to change a rate (then ``python -m kg.sparql.query``, and a test checks it).
    """
    pairs = [f'("{code}" {rate})' for code, rate in sorted(eur_rates().items())]
    rows = [" ".join(pairs[i : i + 6]) for i in range(0, len(pairs), 6)]
    return "\n".join(
        [
            f"{indent}# BEGIN rates: units to one euro on {rates_date()}, from kg/data/eur_rates.tsv",
            f"{indent}VALUES (?currency ?perEuro) {{",
            *(f"{indent}  {row}" for row in rows),
            f"{indent}}}",
            f"{indent}# END rates",
        ]
    )


def sync_rates(text: str) -> str:
    """``text`` with every rate block rewritten from the data file."""
    return _RATES_BLOCK.sub(lambda match: rates_values(match.group("indent")), text)


# --- Running ---------------------------------------------------------------------------------


def _one_line(message: str) -> str:
    return " ".join(message.split())


def unknown_prefix(text: str) -> str | None:
    """The first prefix a query uses that neither it (PREFIX) nor kg (the ontology's) declares."""
    declared = set(QUERY_PREFIXES)
    tokens = [m for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    for i, match in enumerate(tokens):
        if match.lastgroup != "pname":
            continue
        prefix = match.group().split(":", 1)[0]
        if i > 0 and tokens[i - 1].group().upper() == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared:
            return prefix
    return None


def syntax_message(exc: SyntaxError, text: str = "") -> str:
    """Oxigraph's "error at 3:14: expected ..." as "line 3, column 14: expected ...".

    An undeclared prefix is named ("unknown prefix foo:"), not answered with
    the grammar's list of every character that could have come next.
    """
    message = _one_line(str(exc))
    prefix = unknown_prefix(text) if "Prefix not found" in message else None
    if prefix is not None:
        known = " ".join(f"{name}:" for name in sorted(QUERY_PREFIXES) if name)
        return f"unknown prefix {prefix}: (declare it with PREFIX {prefix}: <...>; kg declares {known})"
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if match:
        return f"syntax error at line {match.group(1)}, column {match.group(2)}: {match.group(3)}"
    return f"syntax error: {message}"


def run(
    store: ox.Store,
    query: SavedQuery | str,
    params: Mapping[str, str] | None = None,
    *,
    limit: int | None = None,
    allow_service: bool = True,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> Result:
    """Run ``query`` on ``store`` and read at most ``limit`` rows (or triples) of its answer.

    The ontology's prefixes are bound; ``params`` are substituted for the
    variables of the same name (a SELECT must project them). The default graph
    is the store's own (a kg store keeps the union of its article graphs there,
    see :mod:`kg.sparql.store`), or the union of the named graphs when it is empty
    (graph files, each loaded into a graph of its own), unless
    ``default_graph`` names some graphs.
    """
    saved = query if isinstance(query, SavedQuery) else SavedQuery("", "", "", (), query)
    check(saved.text, allow_service=allow_service)
    substitutions = bind(saved, params)
    options: dict[str, object] = {"use_default_graph_as_union": not default_graph and not has_union(store)}
    if default_graph:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    for param in saved.params:
        variable = ox.Variable(param.name)
        value = substitutions.get(variable)
        if param.names_an_entity and isinstance(value, ox.Literal):
            substitutions[variable] = entity_named(store, value.value, options) or value
    try:
        answer = store.query(
            saved.text,
            prefixes=QUERY_PREFIXES,
            substitutions=substitutions or None,
            **options,
        )
        result = from_oxigraph(answer, limit)
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_message(exc, saved.text)) from None
    except RuntimeError as exc:  # e.g. a parameter the SELECT does not project
        raise QueryError(_one_line(str(exc))) from None
    except OSError as exc:  # a SERVICE that could not be reached, a store read error
        raise QueryError(_one_line(str(exc))) from None
    result.params = tuple(p.name for p in saved.params) or tuple(params or ())
    result.given = dict(params or {})
    return result


def query(
    graph: object,
    query: str,
    params: Mapping[str, str] | None = None,
    *,
    limit: int | None = None,
) -> Result:
    """``kg query GRAPH QUERY``: open ``graph``, resolve ``query``, run it.

    >>> from kg import query
    >>> result = query("seeds.ttl", "posts")
    >>> result = query(["a.ttl", "b.ttl"], "statements", {"topic": "drones"})
    >>> print(result.table())
    """
    return run(open_graph(graph), resolve(query), params, limit=limit)


def main() -> None:
    """``python -m kg.sparql.query``: rewrite the rate blocks of the saved queries from the data file."""
    for path in sorted(QUERIES_FOLDER.glob("*.rq")):
        before = path.read_text(encoding="utf-8")
        after = sync_rates(before)
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"{path}: rates updated")


if __name__ == "__main__":
    main()
