"""spaCy components of kg, registered with ``Language.factory`` on import.

They run in data-flow order, each reading what the one before left in
``doc._.kg``: segments (quotations, sentences) -> entities -> statements,
roles and memberships, fundings, events -> the topics statements and
fundings are about.
"""

from . import entities, events, fundings, roles, segments, statements, topics  # noqa: F401
