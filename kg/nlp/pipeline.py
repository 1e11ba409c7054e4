"""The spaCy pipeline: from Documents to ArticleFacts.

``load_pipeline()`` gives the embedded pipeline, ``spacy.blank("en")`` plus
the ``kg_*`` components, which needs no download. ``load_pipeline(NAME)``
starts from any installed spaCy pipeline instead (``en_core_web_sm``, a path
to a trained one); its NER then feeds the same components, and
:func:`add_to` adds them to a pipeline of one's own.

The components are spaCy factories, registered on import and as the
``spacy_factories`` entry points of the kg package, so that ``nlp.to_disk(path)``
and then ``spacy.load(path)``, in a process that never imported kg, run
them with the same settings (their spaCy config) and the same results.
The component modules register them; ``kg/nlp/__init__.py`` imports those
before this module.
"""

from __future__ import annotations

import re
import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import kg.kinds  # noqa: F401  (registers the built-in fact kinds)
from kg.facts import ArticleFacts, Document, Entity, fact_kinds
from kg.nlp.lexicon import gazetteer

#: The components every fact kind builds on: quotations and sentences, then entities.
BASE_COMPONENTS = ("kg_segmenter", "kg_known_entities", "kg_entities")
#: What runs after the fact kinds' components: the topics statements and fundings are about.
LAST_COMPONENTS = ("kg_topics",)


def kg_components() -> tuple[str, ...]:
    """The kg_* components in pipeline order: the base ones, each fact kind's, then topics."""
    kinds = dict.fromkeys(kind.component for kind in fact_kinds())
    return (*BASE_COMPONENTS, *kinds, *LAST_COMPONENTS)


def load_pipeline(model: str | None = None, config: dict[str, dict] | None = None) -> Language:
    """The embedded pipeline, or ``model`` (a package name or path) with kg's components.

    ``config`` is passed to :func:`add_to`.
    """
    if model is None:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ValueError(f"spaCy pipeline {model!r} is not installed or not a pipeline folder") from exc
    keep_runs_whole(nlp)
    return add_to(nlp, config)


#: A run of one mark ("!!!!", "“““", "****") this long is one token: spaCy's tokenizer strips
#: prefixes and suffixes one at a time, copying the rest each time, so a run of n marks took
#: n² steps (8,000 marks: 5 s; 200,000: past ten minutes). No article's text needs them apart.
RUN_OF_MARKS = r"^([^\w\s])\1{31,}$"


def keep_runs_whole(nlp: Language) -> None:
    """Make a long run of one punctuation mark a single token (``token_match``), in linear time.

    spaCy checks ``token_match`` on the whole chunk before it strips any
    affix; the pattern is kept when the pipeline is saved, beside any
    ``token_match`` the pipeline had (joined as alternatives).
    """
    tokenizer = nlp.tokenizer
    existing = getattr(getattr(tokenizer, "token_match", None), "__self__", None)
    pattern = RUN_OF_MARKS
    if existing is not None and getattr(existing, "pattern", None):
        if RUN_OF_MARKS in existing.pattern:
            return
        pattern = f"(?:{existing.pattern})|(?:{RUN_OF_MARKS})"
    elif getattr(tokenizer, "token_match", None) is not None:
        return  # a function of its own, not a pattern: left as it is
    tokenizer.token_match = re.compile(pattern).match


def add_to(nlp: Language, config: dict[str, dict] | None = None) -> Language:
    """Add kg's components to ``nlp``, after its own, in :func:`kg_components` order; returns ``nlp``.

    Each component reads what the ones before it left in ``doc._.kg``, so
    they go in that order and after a trained pipeline's own components
    (whose entities and sentences they then take in). ``config`` gives
    settings of a component's spaCy config by its name, e.g.
    ``{"kg_statements": {"limits": {"max_audience": 10}}}``.
    """
    config = config or {}
    for name in kg_components():
        nlp.add_pipe(name, config=config.get(name, {}))
    return nlp


#: The pipelines builds run, by (model, thread, components): loaded once and kept
#: (spaCy does not promise that a Language is thread-safe); a fact kind registered
#: later gets a pipeline with its component.
_SHARED: dict[tuple[str | None, int, tuple[str, ...]], Language] = {}
_SHARED_LOCK = threading.Lock()


def shared_pipeline(model: str | None = None) -> Language:
    """:func:`load_pipeline`'s pipeline, loaded once per process and thread: what builds run.

    Loading costs some tenths of a second (spaCy compiles its tokenizer
    exceptions), more than rebuilding the one article that changed; a
    notebook, a watcher or a Dask worker that builds again pays it once.
    """
    key = (model, threading.get_ident(), kg_components())
    nlp = _SHARED.get(key)
    if nlp is None:
        with _SHARED_LOCK:
            nlp = _SHARED.get(key)
            if nlp is None:
                nlp = _SHARED[key] = load_pipeline(model)
    return nlp


def shared_pipelines() -> int:
    """How many pipelines :func:`shared_pipeline` has loaded in this process."""
    return len(_SHARED)


def _referenced_keys(facts: ArticleFacts) -> set[str]:
    """Every entity key a fact of the article points to."""
    return {key for kind, fact in facts.all_facts() for key in kind.entities(fact) if key}


def _indirect_entities(facts: ArticleFacts, named: set[str]) -> list[Entity]:
    """Known entities a fact points to without the text naming them.

    "Finnish Defence Minister Aino Virtanen" gives a post of Finland although
    "Finland" is never written; the graph must still declare Finland (its
    type and label), or the post would point at an undescribed node.
    """
    known = gazetteer().entities
    found = []
    for key in sorted(_referenced_keys(facts) - named):
        entity = known.get(key)
        if entity is not None:
            found.append(
                Entity(key, entity.type, entity.label, kind=entity.kind, same_as=tuple(entity.same_as))
            )
    return found


def doc_to_facts(doc: Doc, document: Document) -> ArticleFacts:
    """Turn what the components left in ``doc._.kg`` into plain dataclasses, kind by kind."""
    state = doc._.kg
    known = gazetteer().entities
    entities = [
        Entity(
            key=info.key,
            type=info.type,
            label=info.label,
            aliases=tuple(sorted(info.aliases)),
            mentions=info.mentions,
            kind=info.kind if info.kind and info.kind != "ner" else None,
            same_as=tuple(known[info.key].same_as) if info.known and info.key in known else (),
        )
        for info in sorted(state.entities.values(), key=lambda e: e.key)
    ]
    facts = ArticleFacts(document, entities)
    for kind in fact_kinds():
        facts.by_kind[kind.name] = kind.read(doc, document.text)
    facts.entities += _indirect_entities(facts, {e.key for e in entities})
    return facts
