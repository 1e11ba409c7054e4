"""Start-up of the pipeline: known names and topic labels derived once, kept on disk.

The known-entity and topic components no longer build spaCy ``PhraseMatcher``
patterns or parse Turtle at start-up; these tests check that they still find
exactly what spaCy's ``EntityRuler`` / ``PhraseMatcher`` found, and that the
derived data is read back from disk, rebuilt when it is damaged, and never
needed to be writable. Texts are invented.
"""

from __future__ import annotations

import json
import random

import pytest
import spacy
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Span
from spacy.util import filter_spans

from kg.nlp import derived, entities, lexicon, topics
from kg.nlp.phrases import PhraseTable, longest_first
from kg.nlp.pipeline import load_pipeline
from kg.rdf.namespaces import DEFAULT_BASE
from kg.rdf.vocab import ENTITIES_FILE
from kg.rdf.vocab import topics as topic_concepts

TEXT = (
    "NATO Secretary General Mark Rutte met Polish Prime Minister Donald Tusk in Warsaw.\n"
    "The European Commission and the European Union's foreign policy chief spoke in Brussels; "
    "Nato allies, the United States and the United Kingdom, backed the plan. "
    "BERLIN - Germany's Ministry of Defence said Ukraine would get more air defence, drones "
    "and artillery shells, while Kyiv asked the EU for sanctions under Article 5 talks.\n"
    "The Ukraine Defense Contact Group met at Ramstein Air Base in Germany."
)


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def _ruler_ents(doc) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]


def test_known_entity_ruler_finds_what_the_entity_ruler_found(nlp, blank):
    ruler = EntityRuler(blank, phrase_matcher_attr="ORTH", overwrite_ents=True)
    ruler.add_patterns(entities.known_entity_patterns())
    expected = _ruler_ents(ruler(blank(TEXT)))
    assert len(expected) > 10
    segmenter = nlp.get_pipe("kg_segmenter")
    found = _ruler_ents(nlp.get_pipe("kg_known_entities")(segmenter(nlp.make_doc(TEXT))))
    assert found == expected


def test_known_entity_ruler_without_segmenter_and_over_existing_entities(nlp, blank):
    ours = entities.KnownEntityRuler(blank)
    ruler = EntityRuler(blank, phrase_matcher_attr="ORTH", overwrite_ents=True)
    ruler.add_patterns(entities.known_entity_patterns())
    docs = [blank(TEXT), blank(TEXT)]
    for doc in docs:  # an NER span overlapping "Secretary General Mark Rutte", one alone
        doc.ents = [Span(doc, 1, 4, label="PERSON"), Span(doc, 12, 13, label="GPE")]
    assert _ruler_ents(ours(docs[0])) == _ruler_ents(ruler(docs[1]))


def test_topic_matches_are_those_of_the_phrase_matchers(nlp):
    any_case, as_written = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    for key, topic in topic_concepts().items():
        lower = sorted({label for label in topic.match_labels if label == label.lower()})
        cased = sorted({label for label in topic.match_labels if label != label.lower()})
        if lower:
            any_case.add(key, list(nlp.tokenizer.pipe(lower)))
        if cased:
            as_written.add(key, list(nlp.tokenizer.pipe(cased)))
    doc = nlp.get_pipe("kg_segmenter")(nlp.make_doc(TEXT))
    spans = any_case(doc, as_spans=True) + as_written(doc, as_spans=True)
    expected = sorted((s.start, s.end, s.label_) for s in filter_spans(spans))
    assert len(expected) >= 4
    assert nlp.get_pipe("kg_topics").matches(doc) == expected


def test_longest_first_keeps_what_filter_spans_keeps(blank):
    doc = blank(" ".join(["word"] * 40))
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randrange(40)
            spans.append((start, min(40, start + rng.randint(1, 6)), len(spans)))
        kept = filter_spans([Span(doc, a, b, label=str(n)) for a, b, n in spans])
        assert sorted(longest_first(spans)) == [(s.start, s.end, int(s.label_)) for s in kept]


def test_phrase_table_finds_overlapping_phrases_and_keeps_first_value():
    table = PhraseTable([(["air", "defence"], "a"), (["defence"], "b"), (["air", "defence"], "c")])
    words = ["more", "air", "defence", "and", "defence"]
    assert table.find(words) == [(1, 3, "a"), (2, 3, "b"), (4, 5, "b")]
    assert longest_first(table.find(words)) == [(1, 3, "a"), (4, 5, "b")]


def test_gazetteer_agrees_with_rdflib_reading_of_entities_ttl():
    graph = Graph().parse(ENTITIES_FILE, format="turtle")
    known = lexicon.gazetteer().entities
    subjects = {s for s in graph.subjects(RDFS.label) if str(s).startswith(DEFAULT_BASE)}
    assert len(known) == len(subjects)
    for subject in subjects:
        entity = known[str(subject).removeprefix(DEFAULT_BASE)]
        assert entity.label == str(graph.value(subject, RDFS.label))
        assert entity.aliases == sorted(str(a) for a in graph.objects(subject, SKOS.altLabel))
        assert entity.same_as == sorted(
            str(iri) for iri in graph.objects(subject, URIRef("http://www.w3.org/2002/07/owl#sameAs"))
        )


# --- the derived-data cache ---------------------------------------------------------


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_derived_data_is_built_once_and_read_back(cache_folder, tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("one")
    calls = []

    def build():
        calls.append(1)
        return {"value": (1, 2)}

    assert derived.load("test", [source], build) == {"value": [1, 2]}  # as JSON gives it back
    assert derived.load("test", [source], build) == {"value": [1, 2]}
    assert len(calls) == 1
    source.write_text("two")  # an edited source is a new entry
    derived.load("test", [source], build)
    derived.load("test", [source], build, salt="other tokenizer")
    assert len(calls) == 3


def test_a_damaged_entry_is_derived_again(cache_folder, tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("one")
    derived.load("test", [source], lambda: [1])
    (entry,) = (cache_folder / "derived").glob("test-*.json")
    entry.write_text('{"trunc')
    assert derived.load("test", [source], lambda: [2]) == [2]
    assert json.loads(entry.read_text()) == [2]
    assert not list((cache_folder / "derived").glob(".*.tmp"))


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker))
    assert derived.load("test", [blocker], lambda: {"a": 1}) == {"a": 1}


def test_a_warm_start_parses_no_turtle_and_tokenizes_no_name(cache_folder, monkeypatch):
    lexicon.gazetteer.cache_clear()
    load_pipeline()  # derives into the empty cache folder
    lexicon.gazetteer.cache_clear()

    def fail(*args, **kwargs):
        raise AssertionError("derived again")

    monkeypatch.setattr(lexicon, "_read_known_entities", fail)
    monkeypatch.setattr(entities, "known_entity_patterns", fail)
    monkeypatch.setattr(topics.vocab, "topics", fail)
    try:
        nlp = load_pipeline()
        assert [e.text for e in nlp("Mark Rutte visited Warsaw.").ents] == ["Mark Rutte", "Warsaw"]
    finally:
        lexicon.gazetteer.cache_clear()


def test_a_phrase_cut_short_by_the_end_of_the_text_is_no_match() -> None:
    """The last words of a text spell a known name whose longer variant starts there too."""
    table = PhraseTable(
        [(["Institute", "of", "War"], "short"), (["Institute", "of", "War", "Studies"], "long")]
    )
    assert table.find(["the", "Institute", "of", "War"]) == [(1, 4, "short")]
    assert table.find(["Institute", "of"]) == []


def test_a_known_name_that_ends_the_article_is_an_entity(nlp) -> None:
    doc = nlp("Read also: drones inflict losses, says the French Institute of International Relations")
    assert all(ent.end <= len(doc) for ent in doc.ents)
    assert doc.ents and doc.ents[-1].end == len(doc)


def test_builds_share_one_pipeline_per_thread() -> None:
    import threading

    from kg.nlp.pipeline import shared_pipeline

    first = shared_pipeline()
    assert shared_pipeline() is first and "kg_statements" in first.pipe_names
    other: list = []
    thread = threading.Thread(target=lambda: other.append(shared_pipeline()))
    thread.start()
    thread.join()
    assert other[0] is not first  # spaCy does not promise a Language is thread-safe
