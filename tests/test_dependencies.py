"""Every package kg imports is declared in setup.cfg, so that ``pip install kg`` brings it.

An import that works only because another dependency happens to pull the
package in (as pyvis pulls in Jinja2) breaks the day that dependency stops.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """Distributions setup.cfg names, required or extra, and the extras they ask for: dask[distributed]."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    lines += [line for _, value in config["options.extras_require"].items() for line in value.splitlines()]
    names = set()
    for line in (line.strip() for line in lines):
        found = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]*)\])?", line)
        if found and not line.startswith("#"):
            names.add(_normal(found.group(1)))
            names |= {_normal(extra) for extra in (found.group(2) or "").split(",") if extra.strip()}
    return names


def imported() -> dict[str, str]:
    """Top-level third-party modules imported anywhere in kg/ (lazily too), and a file importing each."""
    found = {}
    for path in sorted((ROOT / "kg").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in (n.split(".")[0] for n in names):
                if top not in sys.stdlib_module_names and top not in ("kg", "__future__"):
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_package_kg_imports_is_declared() -> None:
    distributions = packages_distributions()
    wanted = declared()
    missing = {
        module: where
        for module, where in imported().items()
        if not {_normal(d) for d in distributions.get(module, [module])} & wanted
    }
    assert missing == {}
    assert {"jinja2", "markupsafe", "pyvis"} <= wanted
