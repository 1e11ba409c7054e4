"""What importing kg costs: commands that only read graphs do not import spaCy.

spaCy takes about a second to import; ``kg query``, ``kg serve``, ``kg view``
and ``kg --help`` never run the pipeline. Each check runs in a fresh
interpreter, since this test process has imported spaCy long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys


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
