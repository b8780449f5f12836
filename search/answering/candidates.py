"""The spans an answer may cite: every sentence of the best chunks of a ranking (a
sentence joined to the one before when it leans on it, search/evidence.py), each with
its document's retrieval rank and the text the scorer reads (the span under its
headline)."""

from __future__ import annotations

from dataclasses import dataclass

from search.evidence import Unit, passage_units
from search.retriever import Ranking, Retriever
from search.types import Passage


@dataclass(frozen=True)
class Candidate:
    """A citable span and `scored_text`, what the scorer reads of it."""

    unit: Unit
    scored_text: str


def ranked_pool(
    retriever: Retriever, ranking: Ranking, chunks: int, per_document: int
) -> list[Passage]:
    """The best `chunks` chunks before collapsing, at most `per_document` of one
    document (the deciding sentence may sit in a second-best chunk)."""
    taken: dict[str, int] = {}
    pool = []
    for passage in retriever.passages(ranking, chunks * 4, collapse=False):
        if taken.get(passage.doc_id, 0) < per_document:
            taken[passage.doc_id] = taken.get(passage.doc_id, 0) + 1
            pool.append(passage)
        if len(pool) == chunks:
            break
    return pool


def candidates(
    retriever: Retriever,
    ranking: Ranking,
    chunks: int,
    per_document: int,
    min_words: int,
    teaser_words: int,
) -> list[Candidate]:
    """Every distinct span of the pool, in ranking order. A feed teaser cut off before
    it says anything (fewer than `teaser_words` words ending in an ellipsis) is left
    out; a document removed since the served generation was built is skipped."""
    store = retriever.index.store
    texts: dict[str, str | None] = {}
    seen: set[str] = set()
    found = []
    for passage in ranked_pool(retriever, ranking, chunks, per_document):
        if passage.doc_id not in texts:
            document = store.get(passage.doc_id)
            texts[passage.doc_id] = document.text if document else None
        text = texts[passage.doc_id]
        if text is None:
            continue
        for unit in passage_units(passage, text, min_words):
            if unit.text.endswith(("...", "…")) and len(unit.text.split()) < teaser_words:
                continue
            key = " ".join(unit.text.split())
            if key not in seen:
                seen.add(key)
                found.append(Candidate(unit, _scored_text(passage, unit.text)))
    return found


def _scored_text(passage: Passage, span: str) -> str:
    title = " ".join((passage.title or "").split())
    return f"{title}. {span}" if title and title not in span else span
