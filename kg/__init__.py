"""kg: defence-policy news articles to a knowledge graph.

The data flows through one module per step::

    documents  ->  pipeline (spaCy, kg.nlp)  ->  facts  ->  graph (RDF)  ->  export

and :mod:`kg.api` ties them together (``kg build`` on the command line);
:mod:`kg.rdf.validate` checks graphs against ``ontology/shapes.ttl`` (``kg validate``);
:mod:`kg.network.html` draws them as an HTML page (``kg view``).

The API of :mod:`kg.api` and the pipeline are imported on first use (PEP 562):
spaCy takes about a second to import, which ``kg query`` and ``kg --help``
should not pay for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

import kg.kinds  # noqa: F401  (registers the built-in fact kinds, wherever kg is used)
from kg.network.html import ViewReport, view

# Imported now, not on first use: each function shares its name with its module,
# and importing the module later would bind that name to the module instead.
from kg.sparql.query import query
from kg.version import __version__

#: Public name -> the module it comes from.
_EXPORTS = {
    "BuildReport": "kg.builder.report",
    "GraphReadError": "kg.api",
    "ValidationReport": "kg.api",
    "Violation": "kg.api",
    "build": "kg.api",
    "build_dataset_from": "kg.api",
    "build_graph": "kg.api",
    "extract": "kg.nlp.extract",
    "read_graph": "kg.api",
    "validate_file": "kg.api",
    "validate_graph": "kg.api",
    "load_pipeline": "kg.nlp.pipeline",
    "watch": "kg.builder.watch",
}

__all__ = [
    "BuildReport",
    "GraphReadError",
    "ValidationReport",
    "ViewReport",
    "Violation",
    "__version__",
    "build",
    "build_dataset_from",
    "build_graph",
    "extract",
    "load_pipeline",
    "query",
    "read_graph",
    "validate_file",
    "validate_graph",
    "view",
    "watch",
]

if TYPE_CHECKING:
    from kg.api import (
        GraphReadError,
        ValidationReport,
        Violation,
        build,
        build_dataset_from,
        build_graph,
        read_graph,
        validate_file,
        validate_graph,
    )
    from kg.builder.report import BuildReport
    from kg.builder.watch import watch
    from kg.nlp.extract import extract
    from kg.nlp.pipeline import load_pipeline


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        return _submodule(name)
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def _submodule(name: str) -> Any:
    """``kg.api``, ``kg.nlp.pipeline``...: still reachable as attributes after a bare ``import kg``."""
    try:
        return import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise  # the module exists but something it imports does not
        raise AttributeError(f"module 'kg' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
