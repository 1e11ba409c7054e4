"""What importing kg costs: commands that only read graphs do not import spaCy.

spaCy takes about a second to import; ``kg query``, ``kg serve``, ``kg view``
and ``kg --help`` never run the pipeline. Each check runs in a fresh
interpreter, since this test process has imported spaCy long ago.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def _modules_after(code: str) -> dict:
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in ('spacy', 'pyvis')}}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


def test_the_command_line_starts_without_spacy():
    assert _modules_after("import kg.cli") == {"spacy": False, "pyvis": False}


def test_querying_a_graph_does_not_import_spacy(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text(
        "@prefix dkg: <https://w3id.org/defense-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/p> a dkg:Person ; rdfs:label "Ada" .\n',
        encoding="utf-8",
    )
    code = (
        "import kg\n"
        f"rows = list(kg.query([{str(graph)!r}], 'SELECT ?n WHERE {{ ?p a dkg:Person ; rdfs:label ?n }}'))\n"
        "assert len(rows) == 1, rows"
    )
    assert _modules_after(code)["spacy"] is False


def test_building_imports_the_pipeline_on_first_use():
    assert _modules_after("import kg\nkg.load_pipeline") == {"spacy": True, "pyvis": False}


def test_functions_keep_their_names_beside_their_modules():
    """kg.query and kg.view are functions, even once the modules that define them are imported by name."""
    code = (
        "import kg, kg.sparql.query, kg.network.html, kg.api\nassert callable(kg.query) and callable(kg.view)"
    )
    _modules_after(code)


def test_every_public_name_resolves():
    import kg

    missing = [name for name in kg.__all__ if not hasattr(kg, name)]
    assert missing == []
    assert set(kg.__all__) <= set(dir(kg))


def test_a_rebuild_where_nothing_changed_does_not_import_spacy(tmp_path):
    """The store and the cache already hold every article: there is nothing to run the pipeline on."""
    import kg

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Ministers meet in Vilnius\n\nThe Lithuanian defence minister said the brigade would be ready.\n",
        encoding="utf-8",
    )
    store, cache = tmp_path / "store", tmp_path / "cache"
    first = kg.build([corpus], store=store, cache=cache, validate=False)
    assert first.articles == 1
    code = (
        "import kg\n"
        f"report = kg.build([{str(corpus)!r}], store={str(store)!r}, cache={str(cache)!r}, validate=False)\n"
        "assert report.unchanged == 1 and report.articles == 0, report"
    )
    assert _modules_after(code)["spacy"] is False


def test_submodules_stay_attributes_of_the_package():
    code = "import kg\nassert kg.api.build is kg.build and kg.nlp.pipeline.load_pipeline is kg.load_pipeline"
    _modules_after(code)


def test_the_cache_key_is_the_same_when_spacy_has_no_package_metadata(monkeypatch):
    """A spaCy run from a source checkout has no metadata: its version then comes from spaCy itself."""
    from importlib import metadata

    from kg.builder import cache

    cache._data_digest.cache_clear()
    with_metadata = cache.pipeline_version()

    def no_metadata(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", no_metadata)
    cache._data_digest.cache_clear()
    try:
        assert cache.pipeline_version() == with_metadata
    finally:
        cache._data_digest.cache_clear()


# --- The import graph of kg's modules --------------------------------------------------------------
#
# Read from the sources (ast), not from sys.modules: every import counts, at the
# top of a module, inside a function (imported on first use) or under
# TYPE_CHECKING, since each is a dependency a reader must follow.

KG = Path(__file__).resolve().parent.parent / "kg"


@dataclass(frozen=True)
class Import:
    """One import of a kg module by another: ``from module import names`` or ``import module``."""

    importer: str
    module: str
    names: tuple[str, ...]
    line: int


def modules_of(package: Path) -> dict[str, Path]:
    """Every module of ``package`` (a folder) by dotted name; a package by its folder's name."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_in(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The imports of kg modules anywhere in ``path`` (``from kg.nlp import lexicon``: kg.nlp.lexicon)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(name, a.name, (), node.lineno) for a in node.names if a.name in modules]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, package)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    found.append(Import(name, submodule, (), node.lineno))
                elif source in modules:
                    found.append(Import(name, source, (alias.name,), node.lineno))
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def all_imports(package: Path = KG) -> list[Import]:
    modules = modules_of(package)
    return [found for name, path in modules.items() for found in imports_in(name, path, modules)]


def cycles(imports: list[Import]) -> list[list[str]]:
    """The groups of modules that import one another, directly or not (strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        graph.setdefault(found.importer, set()).add(found.module)
        graph.setdefault(found.module, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            group.append(module)
            if len(group) > 1 or module in graph[module]:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def private_imports(imports: list[Import]) -> list[str]:
    """Each private name (``_name``, not ``__dunder__``) a module takes from another."""
    return [
        f"{found.importer} takes {name} from {found.module} (line {found.line})"
        for found in imports
        if found.importer != found.module
        for name in found.names
        if name.startswith("_") and not name.startswith("__")
    ]


def test_no_import_cycle_among_kg_modules():
    imports = all_imports()
    assert len({i.importer for i in imports}) > 40, "the sources were not found"
    assert cycles(imports) == []


def test_no_module_takes_another_modules_private_names():
    assert private_imports(all_imports()) == []


def test_the_rdf_stage_imports_nothing_of_the_network_view():
    """kg.rdf writes RDF; GraphML and GEXF are drawn by kg.network, at the caller's request."""
    imports = all_imports()
    assert [i for i in imports if i.importer.startswith("kg.rdf") and i.module.startswith("kg.network")] == []


def test_cycles_and_private_imports_are_found_at_any_depth(tmp_path):
    """The checks above can fail: a toy package with a cycle through a function-level import."""
    toy = tmp_path / "toy"
    (toy / "sub").mkdir(parents=True)
    (toy / "__init__.py").write_text("")
    (toy / "sub" / "__init__.py").write_text("")
    (toy / "a.py").write_text("from toy.sub import b\n")
    (toy / "sub" / "b.py").write_text("def later():\n    from ..c import _helper\n")
    (toy / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import toy.a\n")
    (toy / "d.py").write_text("import toy.c\n_helper = 1\n")
    imports = all_imports(toy)
    assert cycles(imports) == [["toy.a", "toy.c", "toy.sub.b"]]
    assert private_imports(imports) == ["toy.sub.b takes _helper from toy.c (line 2)"]
