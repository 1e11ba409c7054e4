"""kg: defence-policy news articles to a knowledge graph.

The data flows through one module per step::

    documents  ->  pipeline (spaCy, kg.nlp)  ->  facts  ->  graph (RDF)  ->  export

and :mod:`kg.api` ties them together (``kg build`` on the command line).
"""

from .api import BuildReport, build, build_dataset_from, build_graph, extract
from .pipeline import load_pipeline
from .query import query

__version__ = "0.1.0"
__all__ = [
    "BuildReport",
    "__version__",
    "build",
    "build_dataset_from",
    "build_graph",
    "extract",
    "load_pipeline",
    "query",
]
