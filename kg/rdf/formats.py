"""The one table of graph file formats: each format's name, file extensions and parsers.

Every command that maps a file extension or a format name to a format looks
here: ``kg build`` (which file to write), ``kg validate`` (which rdflib
parser), ``kg query`` and ``kg push`` (which Oxigraph parser). Four tables of
their own drifted apart (one read ``.json`` as JSON-LD, the others not).

Why not ``pyoxigraph.RdfFormat.from_extension``: it knows neither kg's
format names ("nt", "json-ld", the names rdflib and ``--format`` use), nor the
network formats, nor ``.turtle``, ``.ntriples`` and ``.nquads``; and it
reads ``.rdf`` and ``.n3``, which kg does not write. Each entry here still
carries its Oxigraph format, so nothing is said twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = [
    "FORMATS",
    "NETWORK_FORMATS",
    "QUAD_FORMATS",
    "RDF_FORMATS",
    "TABLE",
    "FileFormat",
    "by_name",
    "format_for",
    "from_path",
    "rdf_extensions",
    "rdf_from_path",
]


@dataclass(frozen=True)
class FileFormat:
    """One graph file format kg writes (and, for RDF, reads)."""

    #: kg's name, which is also rdflib's parser and serializer name: what ``--format`` takes.
    name: str
    #: The extension kg writes, which picks the format.
    extension: str
    #: Other extensions read as this format.
    aliases: tuple[str, ...] = ()
    #: Oxigraph's format; None for a network format (not RDF: no way back to the graph).
    oxigraph: ox.RdfFormat | None = None
    #: Whether kg writes it with one named graph per article (else: the union of the articles).
    quads: bool = False

    @property
    def rdf(self) -> bool:
        return self.oxigraph is not None

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


#: Every format, in the order commands list them.
TABLE = (
    FileFormat("turtle", ".ttl", (".turtle",), ox.RdfFormat.TURTLE),
    FileFormat("nt", ".nt", (".ntriples",), ox.RdfFormat.N_TRIPLES),
    FileFormat("json-ld", ".jsonld", (".json",), ox.RdfFormat.JSON_LD),
    FileFormat("trig", ".trig", (), ox.RdfFormat.TRIG, quads=True),
    FileFormat("nquads", ".nq", (".nquads",), ox.RdfFormat.N_QUADS, quads=True),
    FileFormat("graphml", ".graphml"),  # kg.network.projection.write_network
    FileFormat("gexf", ".gexf"),
)
_BY_NAME = {f.name: f for f in TABLE}
_BY_EXTENSION = {extension: f for f in TABLE for extension in f.extensions}

#: The RDF formats, by name, with the extension that picks them.
RDF_FORMATS = {f.name: f.extension for f in TABLE if f.rdf}
#: The network formats (:mod:`kg.network.projection`), by name, with their extension.
NETWORK_FORMATS = {f.name: f.extension for f in TABLE if not f.rdf}
#: Every format kg writes, by name, with its extension.
FORMATS = RDF_FORMATS | NETWORK_FORMATS
#: The formats that keep one named graph per article (TriG, N-Quads).
QUAD_FORMATS = frozenset(f.name for f in TABLE if f.quads)


def by_name(name: str) -> FileFormat:
    """The format called ``name`` ("turtle", "nquads", "gexf"...); ValueError for another name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


def from_path(path: str | os.PathLike[str] | None) -> FileFormat | None:
    """The format a file's extension names (case aside), or None."""
    return _BY_EXTENSION.get(Path(path).suffix.lower()) if path else None


def format_for(path: str | os.PathLike[str] | None, default: str = "turtle") -> str:
    """The name of the format a file's extension names (``.nt`` gives "nt"), else ``default``."""
    found = from_path(path)
    return found.name if found is not None else default


def rdf_from_path(path: str | os.PathLike[str]) -> FileFormat | None:
    """The RDF format of a graph file by its extension; None for another file (a network, a text)."""
    found = from_path(path)
    return found if found is not None and found.rdf else None


def rdf_extensions() -> str:
    """The extensions of the RDF formats, for messages: ".ttl .nt .jsonld .trig .nq"."""
    return " ".join(RDF_FORMATS.values())
