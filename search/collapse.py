"""From a ranking's rows to its top k results: one per document (its best chunk, the
document's other ranked chunks as `more_chunks`), and a story several outlets ran as
one result at its earliest-published report, the others as `also_in`.

The store is read in batches (the results' chunks, their near-duplicate links, their
documents' metadata), a handful of queries per question rather than three per result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from index.archive.store import DocumentStore
from index.derived.generation import Generation
from index.documents import Chunk, DocumentSummary
from search.types import Passage, Scores


@dataclass
class _Result:
    """One result while it is assembled (internal, mutable)."""

    row: int
    chunk_id: str
    doc_id: str
    near: list[str]
    more_chunks: list[str] = field(default_factory=list)
    chunk: Chunk | None = None


class _NearLinks:
    """Each document's near-duplicates, read for the ranking's first documents at once
    (enough for k results unless many fold together) and one by one past them."""

    def __init__(self, store: DocumentStore, first_documents: Sequence[str]) -> None:
        self.store = store
        self.known = {
            doc_id: [other for other, _ in links]
            for doc_id, links in store.near_duplicates_of(first_documents).items()
        }

    def __call__(self, doc_id: str) -> list[str]:
        if doc_id not in self.known:
            self.known[doc_id] = [other for other, _ in self.store.near_duplicates(doc_id)]
        return self.known[doc_id]


def collapse(
    store: DocumentStore,
    generation: Generation,
    ordered: Sequence[int],
    scores_of: Callable[[int], Scores],
    k: int,
    one_per_document: bool = True,
    merge_near_duplicates: bool = True,
) -> list[Passage]:
    """The first k results of `ordered` rows as passages ranked 1..k. A chunk or
    document removed from the store after the generation was built is skipped."""
    merge = one_per_document and merge_near_duplicates
    chunks: dict[str, Chunk | None] = {}
    near_of = _NearLinks(store, _first_documents(generation, ordered, 2 * k)) if merge else None
    while True:
        results = _pick(generation, ordered, k, one_per_document, chunks, near_of)
        unread = [result.chunk_id for result in results if result.chunk_id not in chunks]
        if not unread:
            break
        found = store.chunks_by_id(unread)
        chunks.update((chunk_id, found.get(chunk_id)) for chunk_id in unread)
    for result in results:
        result.chunk = chunks[result.chunk_id]
    wanted = [doc_id for result in results for doc_id in (result.doc_id, *result.near)]
    summaries = {summary.doc_id: summary for summary in store.summaries(wanted)}
    if merge:
        first_row: dict[str, int] = {}
        for row in ordered:
            first_row.setdefault(generation.doc_id(row), row)
        for result in results:
            if result.near:
                _original_first(store, generation, result, first_row, summaries)
    built = (_passage(result, scores_of, summaries) for result in results)
    kept = [passage for passage in built if passage is not None]
    return [replace(passage, rank=rank) for rank, passage in enumerate(kept, 1)]


def _pick(generation, ordered, k, one_per_document, chunks, near_of) -> list[_Result]:
    """The results' rows: the first row of each of the first k documents (all rows if
    not `one_per_document`), passing over rows whose chunk is known to be gone."""
    results: list[_Result] = []
    owner: dict[str, int] = {}
    for row in ordered:
        doc_id = generation.doc_id(row)
        if one_per_document and doc_id in owner:
            held = results[owner[doc_id]]
            if held.doc_id == doc_id:
                held.more_chunks.append(generation.chunk_id(row))
            continue
        if len(results) == k:
            break
        chunk_id = generation.chunk_id(row)
        if chunk_id in chunks and chunks[chunk_id] is None:
            continue
        near = near_of(doc_id) if near_of is not None else []
        results.append(_Result(row, chunk_id, doc_id, near))
        owner[doc_id] = len(results) - 1
        for other in near:
            owner.setdefault(other, len(results) - 1)
    return results


def _first_documents(generation: Generation, ordered: Sequence[int], count: int) -> list[str]:
    documents: dict[str, None] = {}
    for row in ordered:
        documents.setdefault(generation.doc_id(row))
        if len(documents) == count:
            break
    return list(documents)


def _original_first(store, generation, result: _Result, first_row, summaries) -> None:
    """Make the earliest-published report of a near-duplicate group the result (its
    best-ranked chunk, or its first), and the others its "also in"."""
    group = [result.doc_id, *result.near]
    dated = [summaries[d] for d in group if d in summaries and summaries[d].published is not None]
    if not dated:
        return
    original = min(dated, key=lambda s: (s.published, s.doc_id)).doc_id
    if original == result.doc_id:
        return
    row = first_row.get(original)
    chunk = store.chunk(generation.chunk_id(row)) if row is not None else None
    if chunk is None:
        chunks = store.chunks(original)
        chunk = chunks[0] if chunks else None
    if chunk is None:
        return
    result.chunk, result.doc_id, result.more_chunks = chunk, original, []
    result.near = [d for d in group if d != original]
    if row is not None:
        result.row = row


def _passage(
    result: _Result, scores_of: Callable[[int], Scores], summaries: dict[str, DocumentSummary]
) -> Passage | None:
    chunk = result.chunk
    document = summaries.get(chunk.doc_id) if chunk is not None else None
    if chunk is None or document is None:
        return None  # removed between reading the ranking and its passages
    return Passage(
        rank=0,
        chunk_id=chunk.chunk_id,
        document=document,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        scores=scores_of(result.row),
        also_in=tuple(summaries[other] for other in result.near if other in summaries),
        more_chunks=tuple(result.more_chunks),
    )
