"""The ``kg`` command line. Each command mirrors a function of :mod:`kg.api`.

``kg build`` exit status: 0 when every article was built; 1 when some were
skipped (the graph of the others is still written), or with ``--strict`` when
the graph breaks a SHACL shape (written too); 2 on bad usage or nothing to
build. Without ``--strict``, SHACL violations are printed (not with
``--quiet``) but not fatal: they are bugs of the extractor, not of the input.

``kg validate`` exit status: 0 when every graph conforms to the shapes; 1 when
some do not; 2 when a file cannot be read or parsed.

``kg push`` exit status: 0 when every graph was stored; 1 when the store
refused one or could not be reached; 2 on bad usage or an unreadable graph.

``kg view`` exit status: 0 when the page was written (what it left out is
printed); 1 when it could not be written; 2 on bad usage or an unreadable graph.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import click

from kg.api import BuildReport, GraphReadError, ValidationReport, build, validate_file
from kg.builder.cache import default_folder
from kg.builder.watch import watch
from kg.rdf.formats import FORMATS, RDF_FORMATS, format_for
from kg.rdf.mapping import check_base
from kg.rdf.namespaces import DEFAULT_BASE
from kg.rdf.validate import ENGINES as SHACL_ENGINES
from kg.rdf.validate import load_shapes
from kg.read.documents import (
    DocumentError,
    NoInputError,
    find_sources,
    read_sources,
    skipped_files,
    skipped_summary,
)
from kg.read.fetch import Fetcher, is_url
from kg.read.web import FeedFollower, fetch_pages, page_links, web_folder
from kg.sparql.query import QueryError, parse_params, saved_queries
from kg.sparql.query import query as run_query
from kg.sparql.snapshots import StoreInUseError
from kg.version import __version__

PROGRESS_FROM = 5  # files; fewer build too fast for a bar to help
SHOWN_VIOLATIONS = 10  # printed by kg build; kg validate prints them all


class BadUsage(click.ClickException):
    """Bad arguments or nothing to read: one line on stderr, exit status 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Turn defence-policy news articles into a knowledge graph."""


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str), metavar="PATH|URL...")
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="Build the items of an RSS or Atom feed.")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL", help="Build the pages a sitemap lists.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="File to write (its extension picks the format: .ttl .nt .nq .trig .jsonld .graphml .gexf).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="A graph store directory to write each article's graph into (created if missing).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Format of the output file  [default: from its extension, else turtle]",
)
@click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    help="Namespace of the resources minted.",
)
@click.option(
    "--spacy-model",
    metavar="NAME|PATH",
    help="An installed spaCy pipeline to use instead of the embedded one.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph written against ontology/shapes.ttl (skip it on very large corpora).",
)
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, path_type=str),
    help="A SHACL shapes file to validate against instead of ontology/shapes.ttl.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when the graph breaks a shape (it is still written).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that run the pipeline  [default: all cores; small corpora use one]",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="Folder of extracted facts, so unchanged articles are not extracted again  "
    "[default: $KG_CACHE_DIR or ~/.cache/kg]",
)
@click.option("--no-cache", is_flag=True, help="Extract every article, and cache nothing.")
@click.option(
    "--prune/--keep-missing",
    default=True,
    show_default=True,
    help="Remove from the store the articles no longer under PATH, or keep them.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: here, or on a Dask cluster (pip install 'kg[dask]').",
)
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler (default: a local cluster).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Worker processes of the local Dask cluster.",
)
@click.option(
    "--shards",
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="Folder the Dask workers write their N-Quads shards to (shared with a remote --scheduler).",
)
@click.option(
    "--watch",
    "keep_watching",
    is_flag=True,
    help="After the build, keep running: build again whenever an article is added, changed or removed.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=2.0,
    show_default=True,
    help="With --watch, seconds between two looks at the corpus.",
)
@click.option(
    "--feed-interval",
    type=click.FloatRange(min=1),
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="With --watch, seconds between two asks of each feed and sitemap.",
)
@click.option(
    "--lang-any",
    is_flag=True,
    help="Read text in any language (by default, text that is not English is skipped).",
)
@click.option("--timings", is_flag=True, help="Print the seconds of each stage as JSON on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings only.")
def build_command(
    paths: tuple[str, ...],
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    output: str | None,
    store: str | None,
    fmt: str | None,
    base: str,
    spacy_model: str | None,
    validate: bool,
    shapes: str | None,
    strict: bool,
    jobs: int | None,
    cache_dir: str | None,
    no_cache: bool,
    prune: bool,
    engine: str,
    scheduler: str | None,
    workers: int,
    shards: str | None,
    keep_watching: bool,
    interval: float,
    feed_interval: float,
    lang_any: bool,
    timings: bool,
    quiet: bool,
) -> None:
    """Read articles (.txt, .md, .html, .jsonl; files or folders) and write their graph.

    \b
    Examples:
      kg build seeds/ --output seeds.ttl
      kg build seeds/ --store seeds.store
      kg build corpus/ --store corpus.store --no-validate --jobs 2
      kg build corpus/ --store corpus.store --watch   # and again as articles arrive
      kg build https://example.org/news/story.html --feed https://example.org/rss -o news.ttl
    """
    if output is None and store is None:
        raise BadUsage("nothing to write: give --output FILE, --store DIR or both")
    if not (paths or feeds or sitemaps):
        raise BadUsage("nothing to read: give a PATH, a URL, --feed URL or --sitemap URL")
    fmt = fmt or format_for(output)
    web = _web_fetcher(cache_dir, no_cache)
    try:
        check_base(base)
        _check_spacy_model(spacy_model)
        files = tuple(path for path in paths if not is_url(path))
        sources = _sources(files, keep_watching) if files else []
        _say_skipped(files)
        unfetched: list[str] = []
        fetched: list = []
        if not keep_watching:  # with --watch, the follower fetches (see _watch)
            fetched = _fetched(
                paths,
                feeds,
                sitemaps,
                web,
                on_error=lambda message: (unfetched.append(message), _warn(message)),
            )
        sources += fetched
        if not sources and not keep_watching:
            raise NoInputError(" ".join(paths + feeds + sitemaps), "no page could be fetched")
        if validate:
            load_shapes(shapes)
    except (NoInputError, ValueError, GraphReadError) as exc:
        raise BadUsage(str(exc)) from None

    options = dict(
        store=store,
        format=fmt,
        base=base,
        spacy_model=spacy_model,
        validate=validate,
        shapes=shapes,
        jobs=jobs,
        cache=False if no_cache else (cache_dir or True),
        prune=prune,
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        shards=shards,
        lang_any=lang_any,
    )
    show = partial(_show_report, output=output, store=store, strict=strict, timings=timings, quiet=quiet)
    try:
        if keep_watching:
            urls = tuple(path for path in paths if is_url(path))
            follower = FeedFollower(web, urls, feeds, sitemaps, every=feed_interval, on_error=_warn)
            _watch(files, output, interval, options, show, follower)
            return
        with _progress(len(sources), quiet) as advance:
            report = build(
                # The files are listed again by the build (a file gone since is not an error of the whole
                # build); the pages named by URL are read from their saved copies.
                [*files, *fetched],
                output,
                on_error=lambda message: (_warn(message), advance()),
                on_progress=advance,
                **options,
            )
    except (NoInputError, DocumentError) as exc:
        raise BadUsage(str(exc).lstrip(": ")) from None
    except StoreInUseError as exc:
        raise BadUsage(f"{exc.filename}: {exc.strerror}") from None
    except (ValueError, OSError, ImportError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(max(show(report), 1 if unfetched else 0))


def _say_skipped(files: tuple[str, ...]) -> None:
    """One line naming the files under the folders that are not read, and why."""
    summary = skipped_summary(skipped_files(files))
    if summary:
        _warn(summary)


def _check_spacy_model(name: str | None) -> None:
    """A spaCy pipeline that is neither a folder nor installed: one line naming the installed ones."""
    if name is None or os.path.isdir(name):
        return
    import importlib.util

    if importlib.util.find_spec(name.replace("-", "_")) is not None:
        return
    installed = ", ".join(installed_pipelines()) or "none"
    raise BadUsage(f"spaCy pipeline {name!r} is not installed (installed pipelines: {installed})")


def installed_pipelines() -> list[str]:
    """The names spaCy loads installed pipeline packages by."""
    from importlib.metadata import packages_distributions

    import spacy.util

    models = {name.replace("-", "_").lower() for name in spacy.util.get_installed_models()}
    return sorted(
        module
        for module, dists in packages_distributions().items()
        if any(dist.replace("-", "_").lower() in models for dist in dists)
    )


def _web_fetcher(cache_dir: str | None, no_cache: bool) -> Fetcher:
    """Fetched pages are kept in the cache folder (a temporary one with --no-cache, fetched anew)."""
    if no_cache:
        return Fetcher(Path(tempfile.mkdtemp(prefix="kg-web-")), refetch=True)
    return Fetcher(web_folder(cache_dir or default_folder()))


def _fetched(
    paths: tuple[str, ...], feeds: tuple[str, ...], sitemaps: tuple[str, ...], web: Fetcher, on_error=None
) -> list:
    """The saved copies of the pages named by URL, by a feed or by a sitemap."""
    urls = [path for path in paths if is_url(path)]
    if not (urls or feeds or sitemaps):
        return []
    links = page_links(urls, web, feeds=feeds, sitemaps=sitemaps, on_error=on_error or _warn)
    return fetch_pages(links, web, on_error=on_error or _warn)


def _sources(paths: tuple[str, ...], keep_watching: bool) -> list:
    """The files to build; with --watch, folders may still be empty (articles will come)."""
    try:
        return find_sources(paths)
    except NoInputError:
        if keep_watching and all(os.path.isdir(path) for path in paths):
            return []
        raise


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _watch(
    paths: tuple[str, ...], output: str | None, interval: float, options: dict, show, pages: FeedFollower
) -> None:
    """``kg build --watch``: build, then build again after each change (new feed items too), until Ctrl-C."""
    try:
        for report in watch(paths, interval=interval, output=output, on_error=_warn, pages=pages, **options):
            click.echo(f"[{time.strftime('%H:%M:%S')}] ", err=True, nl=False)
            show(report)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)


def _show_report(
    report: BuildReport, *, output: str | None, store: str | None, strict: bool, timings: bool, quiet: bool
) -> int:
    """Print what a build did (its summary, violations, timings); return its exit status."""
    invalid = report.validation is not None and not report.validation.conforms
    if invalid and (strict or not quiet):
        _print_violations(report.validation, output)
    if not quiet:
        targets = [output] if output else []
        targets += [f"store {store} ({report.stored} quads written to article graphs)"] if store else []
        click.echo(f"{report.summary()} -> {', '.join(targets)}", err=True)
    if timings:
        figures = {stage: round(seconds, 3) for stage, seconds in report.stages.items()}
        click.echo(
            json.dumps({"stages": figures, "jobs": report.jobs, "seconds": round(report.seconds, 3)}),
            err=True,
        )
    return 1 if report.errors or (strict and invalid) else 0


def _print_violations(checked: ValidationReport, output: str) -> None:
    """The first violations on stderr, apart from the input warnings; ``kg validate`` lists them all."""
    lines = [v.line() for v in checked.errors]
    for line in lines[:SHOWN_VIOLATIONS]:
        click.echo(f"shacl: {line}", err=True)
    if len(lines) > SHOWN_VIOLATIONS:
        more = len(lines) - SHOWN_VIOLATIONS
        click.echo(f"shacl: ... and {more} more violations (run kg validate {output})", err=True)


@main.command("read")
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--jsonl",
    is_flag=True,
    help="One JSON object per document (id, path, title, date, url, publisher, text).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="Where fetched pages are kept  [default: $KG_CACHE_DIR or ~/.cache/kg]",
)
@click.option("--no-cache", is_flag=True, help="Fetch pages anew, and keep none.")
@click.option(
    "--lang-any",
    is_flag=True,
    help="Show text in any language (by default, text that is not English is skipped).",
)
def read_command(
    paths: tuple[str, ...], jsonl: bool, cache_dir: str | None, no_cache: bool, lang_any: bool
) -> None:
    """Show each document exactly as kg build reads it: title, date, url, publisher and text.

    What a build puts into the graph, and what benchmarks/extraction.py scores.
    Exit status: 0 all read; 1 some could not be read (each named on stderr);
    2 nothing to read.

    \b
    Examples:
      kg read seeds/
      kg read saved-page.html --jsonl
      kg read https://example.org/news/story.html
    """
    files = tuple(path for path in paths if not is_url(path))
    try:
        sources = find_sources(files) if files else []
    except NoInputError as exc:
        raise BadUsage(str(exc)) from None
    _say_skipped(files)
    failures: list[str] = []
    sources += _fetched(paths, (), (), _web_fetcher(cache_dir, no_cache), on_error=failures.append)
    for failure in failures:
        _warn(failure)
    if not sources:
        raise BadUsage("nothing could be read")
    status, first = (1 if failures else 0), True
    for item in read_sources(sources, lang_any=lang_any):
        if isinstance(item, DocumentError):
            _warn(str(item))
            status = 1
            continue
        if jsonl:
            click.echo(json.dumps(_document_fields(item), ensure_ascii=False))
        else:
            click.echo(("" if first else "\n") + _document_text(item))
        first = False
    sys.exit(status)


def _document_fields(doc) -> dict[str, str | None]:
    return {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "date": doc.date,
        "url": doc.url,
        "publisher": doc.publisher,
        "text": doc.text,
    }


def _document_text(doc) -> str:
    """A document for a person: its fields, one a line, then its text."""
    fields = _document_fields(doc)
    text = fields.pop("text")
    head = "\n".join(f"{name}: {value}" for name, value in fields.items() if value)
    return f"{head}\n\n{text}\n"


@main.command("validate")
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(list(RDF_FORMATS)),
    help="Format of the files  [default: from each file's extension]",
)
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, path_type=str),
    help="A SHACL shapes file to use instead of ontology/shapes.ttl.",
)
@click.option(
    "--engine",
    type=click.Choice(list(SHACL_ENGINES)),
    default="compiled",
    show_default=True,
    help="kg's compiled SHACL engine (pySHACL for shapes it cannot run), or pySHACL, the reference.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print the violations only, no summary.")
def validate_command(
    graphs: tuple[str, ...], fmt: str | None, shapes: str | None, engine: str, quiet: bool
) -> None:
    """Check graph files (Turtle, N-Triples, N-Quads, TriG, JSON-LD) against the ontology's shapes.

    Prints each violation on one line, then a summary per file.

    \b
    Example:
      kg validate seeds.ttl
    """
    try:
        load_shapes(shapes)
    except GraphReadError as exc:
        raise BadUsage(str(exc)) from None
    status = 0
    for path in graphs:
        try:
            checked = validate_file(path, format=fmt, shapes=shapes, engine=engine)
        except GraphReadError as exc:
            click.echo(f"error: {exc}", err=True)
            status = 2
            continue
        prefix = f"{path}: " if len(graphs) > 1 else ""
        for line in checked.lines():
            click.echo(prefix + line)
        if not quiet:
            click.echo(f"{path}: {checked.summary()}")
        if not checked.conforms:
            status = max(status, 1)
    sys.exit(status)


@main.command("query")
@click.argument("args", nargs=-1, metavar="GRAPH... QUERY")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "nt"]),
    default="table",
    show_default=True,
    help="table, or a SPARQL results format (SELECT, ASK), or turtle/nt (CONSTRUCT, DESCRIBE).",
)
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the query."
)
@click.option("--limit", type=click.IntRange(min=0), help="Read at most this many rows.")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and their parameters.")
def query_command(
    args: tuple[str, ...], fmt: str, params: tuple[str, ...], limit: int | None, list_saved: bool
):
    """Run SPARQL on graph files or a store: QUERY is SPARQL text, a .rq file, or a saved query's name.

    The ontology's prefixes (dkg:, r:, topic:, rdfs:, skos: ...) are bound.
    GRAPH is one or more files (.ttl .nt .nq .trig .jsonld) or a store directory.

    \b
    Examples:
      kg query --list
      kg query seeds.ttl posts
      kg query seeds.ttl statements --param topic=drones --param person=Pistorius
      kg query seeds.ttl 'SELECT ?name WHERE { ?p a dkg:Person ; rdfs:label ?name }' --format csv
    """
    if list_saved:
        for name, saved in saved_queries().items():
            takes = f"  [{', '.join(p.name for p in saved.params)}]" if saved.params else ""
            click.echo(f"{name:<20} {saved.title}{takes}")
        return
    if len(args) < 2:
        raise BadUsage("give a GRAPH and a QUERY (or --list); see kg query --help")
    *graphs, text = args
    try:
        result = run_query(graphs, text, parse_params(params), limit=limit)
        output = result.table() + "\n" if fmt == "table" else result.serialize(fmt).decode("utf-8")
    except (QueryError, ValueError) as exc:
        raise BadUsage(str(exc)) from None
    click.echo(output, nl=not output.endswith("\n"))


@main.command("serve")
@click.argument("graphs", nargs=-1, required=True, metavar="GRAPH...")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default)."
)
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option(
    "--max-rows", default=10000, show_default=True, type=int, help="Rows (or triples) an answer holds."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Queries run at once (and as many long ones)  [default: the CPUs, at least 2]",
)
@click.option(
    "--memory-mb",
    default=1024,
    show_default=True,
    type=click.IntRange(16),
    help="Memory one query may take, in MB; past it the query gets a 503.",
)
@click.option(
    "--fronts",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes answering HTTP, each with its share of the workers.",
)
@click.option(
    "--quick-ms",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0),
    help="A query that took under this CPU time in a worker runs in the server next time; 0: never.",
)
def serve_command(
    graphs: tuple[str, ...],
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int | None,
    memory_mb: int,
    fronts: int,
    quick_ms: float,
) -> None:
    """Serve graph files or a store as a read-only SPARQL 1.1 endpoint, with a query page at /.

    \b
    Example:
      kg serve seeds.ttl            # then open http://127.0.0.1:7878/
    """
    from kg.sparql.serve import serve  # noqa: PLC0415

    try:
        limits = {"memory_mb": memory_mb, "quick_ms": quick_ms} | ({"workers": workers} if workers else {})
        serve(list(graphs), host=host, port=port, fronts=fronts, timeout=timeout, max_rows=max_rows, **limits)
    except QueryError as exc:
        raise BadUsage(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@main.command("push")
@click.argument("source", metavar="GRAPH", type=click.Path(exists=True, path_type=str))
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The SPARQL 1.1 Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph).",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Graph a Turtle, N-Triples or JSON-LD file goes to  [default: the default graph]",
)
@click.option("--user", help="User name for HTTP basic auth; the password is read from $KG_PUSH_PASSWORD.")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds one request may take.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def push_command(
    source: str, endpoint: str, graph: str | None, user: str | None, timeout: float, quiet: bool
) -> None:
    """Upload GRAPH (a graph file or a store directory) to a triple store, one named graph per article.

    Each graph replaces the graph of the same name (HTTP PUT), so pushing
    again changes nothing. Exit status: 0 all pushed; 1 the store refused a
    graph or could not be reached; 2 bad usage or an unreadable GRAPH.

    \b
    Example:
      kg push seeds.trig --endpoint http://localhost:7878/store
    """
    from kg.sparql.push import PushError, check_endpoint, open_source, push  # noqa: PLC0415

    try:  # usage errors (exit 2) before anything is sent
        check_endpoint(endpoint)
        store = open_source(source, graph)
    except PushError as exc:
        raise BadUsage(str(exc)) from None
    try:
        report = push(
            store,
            endpoint,
            graph=graph,
            user=user,
            password=os.environ.get("KG_PUSH_PASSWORD"),
            timeout=timeout,
        )
    except PushError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo(f"{report.summary()} -> {endpoint}", err=True)


@main.command("view")
@click.argument("graphs", nargs=-1, required=True, metavar="GRAPH...")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML page to write."
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option("--focus", metavar="ENTITY", help="Draw only what is around this entity (name or IRI).")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(0), help="Links from --focus.")
@click.option(
    "--types", multiple=True, metavar="CLASS[,CLASS]", help="Draw only these classes (Person, Ministry...)."
)
@click.option("--max-nodes", default=None, type=click.IntRange(1), help="Most nodes drawn  [default: 400]")
@click.option("--title", help="The page's title  [default: the file name]")
@click.option("-q", "--quiet", is_flag=True, help="Print what was left out only.")
def view_command(
    graphs: tuple[str, ...],
    output: str,
    open_page: bool,
    focus: str | None,
    hops: int,
    types: tuple[str, ...],
    max_nodes: int | None,
    title: str | None,
    quiet: bool,
) -> None:
    """Draw graph files or a store as an interactive HTML page that works offline.

    Colour and shape by class, size by mentions; hover or click for the facts
    with the sentence and article they were read from. Large graphs keep the
    --max-nodes most mentioned and connected nodes and say what they left out.

    \b
    Examples:
      kg view seeds.ttl -o seeds.html --open
      kg view corpus.store -o kallas.html --focus "Kaja Kallas" --hops 2
      kg view corpus.ttl -o people.html --types Person,Country --max-nodes 200
    """
    from kg.network.html import DEFAULT_MAX_NODES, ViewError, view  # noqa: PLC0415 - pyvis is slow to import

    try:
        report = view(
            list(graphs),
            output,
            focus=focus,
            hops=hops,
            types=types,
            max_nodes=max_nodes or DEFAULT_MAX_NODES,
            title=title,
        )
    except (ViewError, GraphReadError) as exc:
        raise BadUsage(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    if report.left_out():
        click.echo(report.left_out(), err=True)
    if not quiet:
        click.echo(report.summary(), err=True)
    if open_page:
        import webbrowser  # noqa: PLC0415
        from pathlib import Path  # noqa: PLC0415

        webbrowser.open(Path(output).resolve().as_uri())


class _progress:
    """A click progress bar on stderr for corpora of more than a few files."""

    def __init__(self, total: int, quiet: bool):
        self.bar = None
        if total > PROGRESS_FROM and not quiet:
            self.bar = click.progressbar(length=total, label="extracting", file=sys.stderr)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self.advance

    def advance(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
