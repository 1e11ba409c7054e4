"""spaCy components of kg, registered with ``Language.factory`` on import, and the pipeline that runs them.

They run in data-flow order, each reading what the one before left in
``doc._.kg``: segments (quotations, sentences) -> entities -> statements,
roles and memberships, fundings, events -> the topics statements and
fundings are about. :func:`load_pipeline` assembles them.
"""

from kg.nlp import entities, events, fundings, roles, segments, statements, topics  # noqa: F401
from kg.nlp.pipeline import load_pipeline

__all__ = ["load_pipeline"]
