"""kg: defence-policy news articles to a knowledge graph.

The data flows through one module per step::

    documents  ->  pipeline (spaCy, kg.nlp)  ->  facts  ->  graph (RDF)  ->  export

and :mod:`kg.api` ties them together (``kg build`` on the command line);
:mod:`kg.validate` checks graphs against ``ontology/shapes.ttl`` (``kg validate``);
:mod:`kg.view` draws them as an HTML page (``kg view``).
"""

from .api import (
    BuildReport,
    GraphReadError,
    ValidationReport,
    Violation,
    build,
    build_dataset_from,
    build_graph,
    extract,
    read_graph,
    validate_file,
    validate_graph,
)
from .pipeline import load_pipeline
from .query import query
from .view import ViewReport, view

__version__ = "0.1.0"
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
]
