"""The spaCy pipeline: from Documents to ArticleFacts.

``load_pipeline()`` gives the embedded pipeline, ``spacy.blank("en")`` plus
the ``kg_*`` components, which needs no download. ``load_pipeline(NAME)``
starts from any installed spaCy pipeline instead (``en_core_web_sm``, a path
to a trained one); its NER then feeds the same components.
"""

from __future__ import annotations

import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.facts import (
    ArticleFacts,
    Document,
    Entity,
    Event,
    Evidence,
    Funding,
    Membership,
    Role,
    Statement,
)
from kg.nlp.lexicon import gazetteer

KG_COMPONENTS = (
    "kg_segmenter",
    "kg_known_entities",
    "kg_entities",
    "kg_statements",
    "kg_roles",
    "kg_fundings",
    "kg_events",
    "kg_topics",
)


def load_pipeline(model: str | None = None) -> Language:
    """The embedded pipeline, or ``model`` (a package name or path) with kg's components."""
    if model is None:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ValueError(f"spaCy pipeline {model!r} is not installed or not a pipeline folder") from exc
    for name in KG_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


#: The pipelines builds run, by (model, thread): loaded once and kept (spaCy
#: does not promise that a Language is thread-safe).
_SHARED: dict[tuple[str | None, int], Language] = {}
_SHARED_LOCK = threading.Lock()


def shared_pipeline(model: str | None = None) -> Language:
    """:func:`load_pipeline`'s pipeline, loaded once per process and thread: what builds run.

    Loading costs some tenths of a second (spaCy compiles its tokenizer
    exceptions), more than rebuilding the one article that changed; a
    notebook, a watcher or a Dask worker that builds again pays it once.
    """
    key = (model, threading.get_ident())
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


def _evidence(text: str, start_char: int, end_char: int) -> Evidence:
    """``text`` is the document's text: ``Doc.text`` would rebuild it from the tokens each time."""
    return Evidence(text[start_char:end_char].strip(), start_char, end_char)


def _text(state, start: int, end: int, cut: tuple[int, int] | None = None) -> str:
    """The text of tokens start..end, without the ``cut`` ones, on one line."""
    if cut is None:
        return " ".join(state.span_text(start, end).split())
    return " ".join((state.span_text(start, cut[0]) + " " + state.span_text(cut[1], end)).split())


def _referenced_keys(state) -> set[str]:
    """Every entity key a fact of the article points to."""
    keys = {f.speaker for f in state.statements}
    keys |= {k for f in state.fundings for k in (f.funder, f.recipient)}
    keys |= {k for r in state.roles for k in (r.person, r.organization) if k}
    keys |= {k for m in state.memberships for k in (m.member, m.organization)}
    keys |= {k for e in state.events for k in (*e.participants, e.place) if k}
    return keys


def _indirect_entities(state, named: set[str]) -> list[Entity]:
    """Known entities a fact points to without the text naming them.

    "Finnish Defence Minister Aino Virtanen" gives a post of Finland although
    "Finland" is never written; the graph must still declare Finland (its
    type and label), or the post would point at an undescribed node.
    """
    known = gazetteer().entities
    found = []
    for key in sorted(_referenced_keys(state) - named):
        entity = known.get(key)
        if entity is not None:
            found.append(
                Entity(key, entity.type, entity.label, kind=entity.kind, same_as=tuple(entity.same_as))
            )
    return found


def doc_to_facts(doc: Doc, document: Document) -> ArticleFacts:
    """Turn what the components left in ``doc._.kg`` into plain dataclasses."""
    state = doc._.kg
    known = gazetteer().entities
    doc_text = document.text
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
    entities += _indirect_entities(state, {e.key for e in entities})
    statements = [
        Statement(
            f.speaker,
            _text(state, f.start, f.end, f.cut),
            f.direct,
            _evidence(doc_text, *f.evidence),
            about=tuple(f.about),
        )
        for f in state.statements
    ]
    roles = [Role(r.person, r.title, _evidence(doc_text, *r.evidence), r.organization) for r in state.roles]
    fundings = [
        Funding(
            f.funder,
            f.recipient,
            _evidence(doc_text, *f.evidence),
            f.amount,
            f.value,
            f.currency,
            about=tuple(f.about),
        )
        for f in state.fundings
    ]
    memberships = [
        Membership(m.member, m.organization, _evidence(doc_text, *m.evidence)) for m in state.memberships
    ]
    events = [
        Event(
            e.label,
            e.kind,
            _evidence(doc_text, *e.evidence),
            tuple(e.participants),
            e.place,
            e.date,
        )
        for e in state.events
    ]
    return ArticleFacts(document, entities, statements, fundings, roles, memberships, events)
