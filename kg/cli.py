"""The ``kg`` command line. Each command mirrors a function of :mod:`kg.api`.

Exit status: 0 when every article was built; 1 when some were skipped (the
graph of the others is still written); 2 on bad usage or nothing to build.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .api import build
from .documents import DocumentError, NoInputError, find_sources
from .export import FORMATS
from .graph import check_base
from .namespaces import DEFAULT_BASE

PROGRESS_FROM = 5  # files; fewer build too fast for a bar to help


class BadUsage(click.ClickException):
    """Bad arguments or nothing to read: one line on stderr, exit status 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Turn defence-policy news articles into a knowledge graph."""


@main.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="turtle",
    show_default=True,
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
@click.option("-q", "--quiet", is_flag=True, help="Print warnings only.")
def build_command(
    paths: tuple[str, ...],
    output: str,
    fmt: str,
    base: str,
    spacy_model: str | None,
    quiet: bool,
) -> None:
    """Read articles (.txt, .md, .html, .jsonl; files or folders) and write their graph.

    \b
    Example:
      kg build seeds/ --output seeds.ttl
    """
    try:
        check_base(base)
        sources = find_sources(paths)
    except (NoInputError, ValueError) as exc:
        raise BadUsage(str(exc)) from None

    def warn(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    try:
        with _progress(len(sources), quiet) as advance:
            report = build(
                sources,
                output,
                format=fmt,
                base=base,
                spacy_model=spacy_model,
                on_error=lambda message: (warn(message), advance()),
                on_article=advance,
            )
    except (NoInputError, DocumentError) as exc:
        raise BadUsage(str(exc).lstrip(": ")) from None
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        click.echo(f"{report.summary()} -> {output}", err=True)
    sys.exit(1 if report.errors else 0)


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
