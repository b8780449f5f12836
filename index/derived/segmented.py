"""A generation made of segments, behind the interface of one `Generation`.

Rows are global: a segment's rows follow the previous segment's, deleted rows keep
their numbers (and are never returned). Each ranking asks every segment for its own
best rows (filters applied inside the segment, before the cut, and every row tied with
the last one kept), then orders them all by (-score, chunk_id) — doc_id for whole
documents — and cuts: the order one index rebuilt from the live rows gives, since BM25
uses the collection's statistics over every segment (index/derived/segment_stats.py)
and exact cosines do not depend on the segment. An HNSW segment is searched as one
index's graph is, its deleted rows skipped."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.derived.bm25 import BM25Params
from index.derived.generation import Hit, Sides, documents_of
from index.derived.manifest import Manifest
from index.derived.rowfilter import RowFilter, as_rows
from index.derived.segment import Segment
from index.derived.segment_files import SEGMENTS
from index.derived.segment_stats import CollectionState, Part
from index.derived.segments import read_deletions
from index.text.analyzer import analyze


@dataclass(frozen=True, eq=False)
class View:
    """A segment as one generation sees it: where its rows start and which of its rows
    and documents are marked deleted ((rows,) and (documents,) bool)."""

    segment: Segment
    offset: int
    deleted_rows: np.ndarray
    deleted_documents: np.ndarray

    @classmethod
    def of(cls, segment: Segment, offset: int, deleted: Sequence[str]) -> View:
        documents = np.zeros(len(segment.documents), dtype=bool)
        documents[[segment.document_row[d] for d in deleted if d in segment.document_row]] = True
        return cls(segment, offset, documents[segment.owner], documents)

    def live(self, doc_id: str) -> bool:
        row = self.segment.document_row.get(doc_id)
        return row is not None and not self.deleted_documents[row]


class SegmentedGeneration:
    broken = False  # every segment is in this process

    def __init__(
        self,
        name: str,
        manifest: Manifest,
        views: list[View],
        chunks: CollectionState,
        documents: CollectionState,
        embedder: Callable,
    ) -> None:
        self.name, self.manifest, self.revision = name, manifest, manifest.store_revision
        self.views, self.chunks, self.documents = views, chunks, documents
        self._embedder = embedder
        self._starts = [view.offset for view in views]
        self._centroids: dict[str, np.ndarray | None] = {}

    @classmethod
    def load(
        cls,
        folder: Path,
        manifest: Manifest,
        embedder: Callable,
        previous: object = None,
    ) -> SegmentedGeneration:
        """The generation in `folder`; the segments and statistics of `previous` (the
        generation this process served before) are reused, so a reload after a write
        reads only the new segments and updates the statistics by what changed."""
        known: dict[str, Segment] = {}
        state = CollectionState.empty(), CollectionState.empty()
        if isinstance(previous, SegmentedGeneration):
            known = {view.segment.name: view.segment for view in previous.views}
            state = previous.chunks, previous.documents
        deletions = read_deletions(folder)
        views, offset = [], 0
        for entry in manifest.segments:
            segment = known.get(entry.name) or Segment.load(folder.parent / SEGMENTS / entry.name)
            views.append(View.of(segment, offset, deletions.get(entry.name, ())))
            offset += segment.rows
        chunks = state[0].advance([_part(v, v.segment.postings, v.deleted_rows) for v in views])
        documents = state[1].advance(
            [_part(v, v.segment.document_postings, v.deleted_documents) for v in views]
        )
        return cls(folder.name, manifest, views, chunks, documents, embedder)

    def close(self) -> None:
        """Nothing runs elsewhere."""

    @property
    def row_count(self) -> int:
        last = self.views[-1] if self.views else None
        return 0 if last is None else last.offset + last.segment.rows

    def _locate(self, row: int) -> tuple[View, int]:
        view = self.views[bisect.bisect_right(self._starts, row) - 1]
        return view, row - view.offset

    def chunk_id(self, row: int) -> str:
        view, local = self._locate(row)
        return view.segment.chunk_ids[local]

    def doc_id(self, row: int) -> str:
        view, local = self._locate(row)
        return view.segment.doc_ids[local]

    @property
    def chunk_ids(self) -> list[str]:
        """Every live row's chunk_id in row order (as a sharded generation lists them)."""
        return self._live_rows(lambda segment: segment.chunk_ids)

    @property
    def doc_ids(self) -> list[str]:
        """Every live row's doc_id in row order."""
        return self._live_rows(lambda segment: segment.doc_ids)

    def _live_rows(self, column) -> list[str]:
        return [
            value
            for view in self.views
            for value, gone in zip(column(view.segment), view.deleted_rows, strict=True)
            if not gone
        ]

    def vector(self, row: int) -> np.ndarray | None:
        """(d,) float32 vector of a row, None before it is embedded."""
        view, local = self._locate(row)
        if not view.segment.vectors.has_vector(np.asarray([local]))[0]:
            return None
        return np.asarray(view.segment.vectors.vectors[local])

    def _home(self, doc_id: str) -> View | None:
        """The segment holding the live copy of a document (newest first: an updated
        document's older segment has it marked)."""
        for view in reversed(self.views):
            if view.live(doc_id):
                return view
        return None

    def has_document(self, doc_id: str) -> bool:
        return self._home(doc_id) is not None

    def first_row(self, doc_id: str) -> int:
        view = self._home(doc_id)
        if view is None:
            raise KeyError(doc_id)
        return view.offset + view.segment.doc_rows[doc_id][0]

    def rows_of(self, doc_ids: set[str]) -> RowFilter:
        """Live rows of the chunks of these documents, ascending."""
        parts = []
        for view in self.views:
            segment = view.segment
            wanted = np.zeros(len(segment.documents) + 1, dtype=bool)
            wanted[[segment.document_row.get(d, -1) for d in doc_ids]] = True
            wanted[-1] = False
            keep = wanted[segment.owner] & ~view.deleted_rows
            parts.append(np.flatnonzero(keep) + view.offset)
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return RowFilter(rows.astype(np.int64))

    def _local(self, allowed_rows) -> list[tuple[View, np.ndarray | None]]:
        """Each segment with its allowed local rows (None: every row)."""
        if allowed_rows is None:
            return [(view, None) for view in self.views]
        rows = as_rows(allowed_rows)
        out = []
        for view in self.views:
            start, end = np.searchsorted(rows, [view.offset, view.offset + view.segment.rows])
            if end > start:
                out.append((view, rows[start:end] - view.offset))
        return out

    # Words

    def bm25_ranking(self, query: str, depth: int, allowed_rows=None) -> list[Hit]:
        """Top `depth` chunks by BM25 score (> 0), best first, ties by chunk_id."""
        terms = analyze(query)
        params = self.manifest.bm25
        hits = []
        for view, local in self._local(allowed_rows):
            segment = view.segment
            norms = self._norms(segment, self.chunks, segment.postings, params)
            scores = self.chunks.scores(segment.postings, norms, terms, params)
            scores[view.deleted_rows] = 0
            rows, subset = _best(scores, depth, local)
            hits += [
                Hit(row + view.offset, segment.chunk_ids[row], segment.doc_ids[row], score)
                for row, score in zip(rows.tolist(), subset.tolist(), strict=True)
            ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.chunk_id))[:depth]

    @staticmethod
    def _norms(segment: Segment, state: CollectionState, postings, params: BM25Params):
        """A segment's length norms under these statistics, remembered (each
        segment keeps the last few: the generations a process serves in turn)."""
        key = (state.serial, id(postings), params)
        found = segment.norms.get(key)
        if found is None:
            if len(segment.norms) >= 4:
                segment.norms.pop(next(iter(segment.norms)))
            found = segment.norms[key] = state.norms(postings, params)
        return found

    def document_bm25_ranking(
        self, query: str, depth: int, allowed_rows=None
    ) -> list[tuple[str, float]]:
        """Top `depth` (doc_id, score) by BM25 over whole documents, best first, ties by
        doc_id; `allowed_rows` keeps the documents of those chunk rows."""
        terms = analyze(query)
        params = self.manifest.document_bm25
        found = []
        for view, local in self._local(allowed_rows):
            segment = view.segment
            norms = self._norms(segment, self.documents, segment.document_postings, params)
            scores = self.documents.scores(segment.document_postings, norms, terms, params)
            scores[view.deleted_documents] = 0
            allowed = None if local is None else np.unique(segment.owner[local])
            rows, subset = _best(scores, depth, allowed)
            found += [
                (segment.documents[row], score)
                for row, score in zip(rows.tolist(), subset.tolist(), strict=True)
            ]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:depth]

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """Each term's Lucene idf over the live chunks; a term none holds gets the highest."""
        return self.chunks.rarity(terms)

    def term_frequency_share(self, text: str) -> float:
        """The share of live chunks holding the rarest indexed term of `text` (1.0 if
        none is indexed)."""
        counts = [df for df in self.chunks.doc_freq(analyze(text)) if df > 0]
        if not counts or self.chunks.rows == 0:
            return 1.0
        return float(min(counts)) / self.chunks.rows

    # Meaning

    def query_vector(self, query: str) -> np.ndarray:
        """(d,) float32 L2-normalised embedding of a question."""
        return self._embedder().encode_query(query)

    def dense_ranking(self, query: str, depth: int, allowed_rows=None) -> list[Hit]:
        return self.dense_ranking_of(self.query_vector(query), depth, allowed_rows)

    def dense_ranking_of(self, vector: np.ndarray, depth: int, allowed_rows=None) -> list[Hit]:
        """Top `depth` embedded live chunks by cosine to a (d,) L2-normalised vector, best
        first, ties by chunk_id."""
        hits = []
        for view, local in self._local(allowed_rows):
            segment = view.segment
            rows, scores = _nearest(view, vector, depth, local)
            hits += [
                Hit(row + view.offset, segment.chunk_ids[row], segment.doc_ids[row], score)
                for row, score in zip(rows.tolist(), scores.tolist(), strict=True)
            ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.chunk_id))[:depth]

    def sides(self, query: str, vector: np.ndarray, depth: int, allowed_rows=None) -> Sides:
        """`bm25_ranking`, `dense_ranking_of`, `document_bm25_ranking` and the dense
        score of every document among the dense chunks, for one question."""
        dense = self.dense_ranking_of(vector, depth, allowed_rows)
        found = list(dict.fromkeys(hit.doc_id for hit in dense))
        return Sides(
            self.bm25_ranking(query, depth, allowed_rows),
            dense,
            self.document_bm25_ranking(query, depth, allowed_rows),
            self.document_dense_scores(vector, found),
        )

    def _embedded_rows(self, doc_id: str) -> tuple[View | None, np.ndarray]:
        view = self._home(doc_id)
        if view is None:
            return None, np.zeros(0, dtype=np.int64)
        rows = np.asarray(view.segment.doc_rows[doc_id], dtype=np.int64)
        return view, rows[view.segment.vectors.has_vector(rows)]

    def document_dense_scores(self, vector: np.ndarray, doc_ids: Sequence[str]) -> dict[str, float]:
        """doc_id → mean cosine of `vector` with the document's two best embedded chunks
        (its one, if it has one), SumP-style (Dai & Callan, SIGIR 2019); documents
        without an embedded chunk are left out."""
        out = {}
        for doc_id in doc_ids:
            view, rows = self._embedded_rows(doc_id)
            if view is None or not len(rows):
                continue
            cosines = np.sort(view.segment.vectors.vectors[rows] @ vector)[::-1]
            out[doc_id] = float(cosines[:2].mean()) if len(cosines) > 1 else float(cosines[0])
        return out

    def embedded(self, doc_id: str) -> bool:
        """Whether the document is live here with a vector for every chunk."""
        view = self._home(doc_id)
        if view is None:
            return False
        rows = np.asarray(view.segment.doc_rows[doc_id], dtype=np.int64)
        return bool(view.segment.vectors.has_vector(rows).all())

    def centroid(self, doc_id: str) -> np.ndarray | None:
        """(d,) float32 L2-normalised mean of a document's chunk vectors."""
        if doc_id not in self._centroids:
            view, rows = self._embedded_rows(doc_id)
            centre = None
            if view is not None and len(rows):
                mean = np.asarray(view.segment.vectors.vectors[rows]).mean(axis=0)
                centre = mean / max(float(np.linalg.norm(mean)), 1e-12)
            self._centroids[doc_id] = centre
        return self._centroids[doc_id]

    def similarities(self, vector: np.ndarray, others: Sequence[str]) -> dict[str, float]:
        found = [(other, self.centroid(other)) for other in others]
        found = [(other, centre) for other, centre in found if centre is not None]
        if not found:
            return {}
        scores = np.stack([centre for _, centre in found]) @ vector
        return {other: float(score) for (other, _), score in zip(found, scores, strict=True)}

    def document_similarities(self, doc_id: str, others: Sequence[str]) -> dict[str, float]:
        centre = self.centroid(doc_id)
        return {} if centre is None else self.similarities(centre, others)

    def text_similarities(self, text: str, others: Sequence[str]) -> dict[str, float]:
        return self.similarities(self.query_vector(text), others)

    def document_neighbours(self, doc_id: str, depth: int) -> list[tuple[str, float]]:
        centre = self.centroid(doc_id)
        if centre is None:
            return []
        return documents_of(self.dense_ranking_of(centre, depth * 8), depth, {doc_id})

    def text_neighbours(self, text: str, depth: int) -> list[tuple[str, float]]:
        vector = self.query_vector(text)
        return documents_of(self.dense_ranking_of(vector, depth * 8), depth, set())


def _part(view: View, postings, deleted: np.ndarray) -> Part:
    return Part(view.segment.name, postings, np.flatnonzero(deleted))


def _best(scores: np.ndarray, depth: int, allowed: np.ndarray | None):
    """(rows, scores) of the positive rows among `allowed` (None: all) scoring at least
    the `depth`-th best: every row tied with the last one is kept, so that merging
    segments cuts ties as one index would."""
    rows = np.flatnonzero(scores > 0) if allowed is None else allowed[scores[allowed] > 0]
    subset = scores[rows]
    if len(rows) > depth > 0:
        kth = -np.partition(-subset, depth - 1)[depth - 1]
        keep = subset >= kth
        rows, subset = rows[keep], subset[keep]
    return rows, subset


def _nearest(view: View, vector: np.ndarray, depth: int, allowed: np.ndarray | None):
    """A segment's best embedded live rows by cosine, every row tied with the last kept:
    exact for a flat segment or a filter, the HNSW graph otherwise (asked for more
    rows by the number marked deleted, which it skips)."""
    store = view.segment.vectors
    live = ~view.deleted_rows
    if store.kind != "flat" and allowed is None:
        extra = int(view.deleted_rows.sum())
        rows, scores = store.search(vector, depth + extra)
        keep = live[rows]
        return rows[keep][:depth], scores[keep][:depth]
    keep = live & store.has_vector(np.arange(view.segment.rows))
    if allowed is not None:
        mask = np.zeros_like(keep)
        mask[allowed] = True
        keep &= mask
    rows = np.flatnonzero(keep)
    if not len(rows) or depth <= 0:
        return rows, np.zeros(0, dtype=np.float32)
    cosines = store.exact_cosines(vector)
    scores = cosines[rows] if cosines is not None else store.vectors[rows] @ vector
    if len(rows) > depth:
        kth = -np.partition(-scores, depth - 1)[depth - 1]
        chosen = scores >= kth
        rows, scores = rows[chosen], scores[chosen]
    return rows, scores.astype(np.float32)
