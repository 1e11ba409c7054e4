"""The built-in kinds of fact, one module each, registered in :mod:`kg.facts` on import.

Each module declares a kind completely (its ``KIND``): its dataclass, the spaCy
component that finds it (the rules themselves live in :mod:`kg.nlp`), how it
is read off the ``Doc``, its triples and its part of the network. They are
registered in the order of the build summary.
"""

from kg.facts import register
from kg.kinds import event, funding, membership, role, statement
from kg.kinds.event import Event
from kg.kinds.funding import Funding
from kg.kinds.membership import Membership
from kg.kinds.role import Role
from kg.kinds.statement import Statement

for _kind in (statement.KIND, funding.KIND, role.KIND, membership.KIND, event.KIND):
    register(_kind)

__all__ = ["Event", "Funding", "Membership", "Role", "Statement"]
