"""kg's version, in a module of its own: kg's modules read it here, never from the package itself.

A module that imported ``kg`` (its ``__init__``) would depend on everything
the package exports, which depends on it: a cycle.
"""

__version__ = "0.1.0"
