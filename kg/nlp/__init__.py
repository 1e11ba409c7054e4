"""spaCy components of kg, registered with ``Language.factory`` on import, and the pipeline that runs them.

They run in data-flow order, each reading what the one before left in
``doc._.kg``: segments (quotations, sentences) -> entities -> statements,
roles and memberships, fundings, events -> the topics statements and
fundings are about. :func:`load_pipeline` assembles them; :func:`add_to`
adds them to a pipeline of one's own (``kg.nlp.add_to(spacy.load("en_core_web_sm"))``).
Besides ``doc._.kg`` they leave the sentences on the Doc and the mentions and
facts as span groups (:mod:`kg.nlp.spans`); their distances are settings of
their spaCy config (the ``limits`` dataclasses of each module).
"""

from kg.nlp import entities, events, fundings, roles, segments, statements, topics  # noqa: F401
from kg.nlp.pipeline import add_to, load_pipeline

__all__ = ["add_to", "load_pipeline"]
