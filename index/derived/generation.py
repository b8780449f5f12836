"""One loaded index generation: the dense and BM25 indexes and the row → chunk map.

A generation never changes once written, so a query that holds one sees consistent
rows even while a writer makes the next generation live. Rows are ints; results leave
this module as `Hit` records and ids, never as numpy arrays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.derived.bm25 import BM25Index
from index.derived.documents_bm25 import DocumentIndex
from index.derived.manifest import Manifest
from index.derived.rowfilter import RowFilter, as_rows
from index.derived.topk import top_rows
from index.derived.vectors import VectorStore
from index.text.analyzer import analyze


class Hit(NamedTuple):
    """One retrieved chunk of a generation: its row, ids and the side's score."""

    row: int
    chunk_id: str
    doc_id: str
    score: float


class Sides(NamedTuple):
    """What document-level hybrid ranking reads from a generation for one question:
    the top chunks per side, the top documents by whole-document BM25, and the dense
    document score of every document among the dense chunks."""

    bm25: list[Hit]
    dense: list[Hit]
    document_bm25: list[tuple[str, float]]
    document_dense: dict[str, float]


class Generation:
    def __init__(
        self,
        name: str,
        manifest: Manifest,
        vectors: VectorStore,
        bm25: BM25Index,
        documents: DocumentIndex,
        chunk_ids: list[str],
        doc_ids: list[str],
        embedder: Callable,
    ) -> None:
        self.name = name
        self.manifest = manifest
        self.revision: int = manifest.store_revision
        self.vectors = vectors
        self.bm25 = bm25
        self.documents = documents
        self.chunk_ids = chunk_ids
        self.doc_ids = doc_ids
        self._embedder = embedder
        self._doc_rows: dict[str, list[int]] = {}
        self._centroids: dict[str, np.ndarray] = {}
        self._row_owner: np.ndarray | None = None
        self._doc_number: dict[str, int] = {}
        self._doc_list: list[str] = []
        for row, doc_id in enumerate(doc_ids):
            self._doc_rows.setdefault(doc_id, []).append(row)

    @classmethod
    def load(cls, folder: Path, manifest: Manifest, embedder: Callable) -> Generation:
        """`embedder` returns the query Embedder when first needed (the model loads lazily)."""
        rows = json.loads((folder / "rows.json").read_text())
        return cls(
            folder.name,
            manifest,
            VectorStore.load(folder),
            BM25Index.load(folder),
            DocumentIndex.load(folder),
            rows["chunk_ids"],
            rows["doc_ids"],
            embedder,
        )

    broken = False  # a sharded generation's shard may stop answering; this one cannot

    def close(self) -> None:
        """Nothing runs elsewhere: the arrays go with the object."""

    @property
    def row_count(self) -> int:
        return len(self.chunk_ids)

    def chunk_id(self, row: int) -> str:
        return self.chunk_ids[row]

    def doc_id(self, row: int) -> str:
        return self.doc_ids[row]

    def rows_of(self, doc_ids: set[str]) -> RowFilter:
        """Rows of the chunks of these documents, ascending."""
        owners = self._owners()
        wanted = np.zeros(len(self._doc_number) + 1, dtype=bool)
        wanted[[self._doc_number.get(d, -1) for d in doc_ids]] = True
        wanted[-1] = False  # the place of ids this generation does not hold
        return RowFilter(np.flatnonzero(wanted[owners]))

    def _owners(self) -> np.ndarray:
        """(rows,) int64: each row's document as a number (its place in `_doc_rows`),
        so that a filter of many documents is one vectorised pass (an "until" date
        keeps nearly the whole archive)."""
        if self._row_owner is None:
            self._doc_list = list(self._doc_rows)
            numbers = {doc_id: number for number, doc_id in enumerate(self._doc_list)}
            self._doc_number = numbers
            self._row_owner = np.fromiter((numbers[d] for d in self.doc_ids), np.int64)
        return self._row_owner

    def first_row(self, doc_id: str) -> int:
        """The row of the document's first chunk (KeyError if it has none here)."""
        return self._doc_rows[doc_id][0]

    def bm25_ranking(
        self, query: str, depth: int, allowed_rows: RowFilter | Sequence[int] | None = None
    ) -> list[Hit]:
        """Top `depth` chunks by BM25 score (> 0), best first, ties by chunk_id."""
        return self._top(self.bm25.scores(analyze(query)), depth, allowed_rows)

    def dense_ranking(
        self, query: str, depth: int, allowed_rows: RowFilter | Sequence[int] | None = None
    ) -> list[Hit]:
        """Top `depth` chunks by cosine to the embedded query, best first."""
        return self.dense_ranking_of(self.query_vector(query), depth, allowed_rows)

    def sides(
        self,
        query: str,
        vector: np.ndarray,
        depth: int,
        allowed_rows: RowFilter | Sequence[int] | None = None,
    ) -> Sides:
        """`bm25_ranking`, `dense_ranking_of`, `document_bm25_ranking` and
        `document_dense_scores` of one question in one call."""
        # An exact store scores every row once for both dense sides.
        cosines = self.vectors.exact_cosines(vector)
        dense = self._dense_hits(vector, depth, allowed_rows, cosines)
        found = list(dict.fromkeys(hit.doc_id for hit in dense))
        return Sides(
            self.bm25_ranking(query, depth, allowed_rows),
            dense,
            self.document_bm25_ranking(query, depth, allowed_rows),
            self._document_dense(vector, found, cosines),
        )

    def query_vector(self, query: str) -> np.ndarray:
        """(d,) float32 L2-normalised embedding of a question."""
        return self._embedder().encode_query(query)

    def document_bm25_ranking(
        self, query: str, depth: int, allowed_rows: RowFilter | Sequence[int] | None = None
    ) -> list[tuple[str, float]]:
        """Top `depth` (doc_id, score) by BM25 over whole documents, best first, ties by
        doc_id; `allowed_rows` keeps the documents of those chunk rows."""
        allowed = None
        if allowed_rows is not None:
            numbers = np.unique(self._owners()[as_rows(allowed_rows)])
            allowed = {self._doc_list[number] for number in numbers.tolist()}
        return self.documents.ranking(query, depth, allowed)

    def document_dense_scores(self, vector: np.ndarray, doc_ids: Sequence[str]) -> dict[str, float]:
        """doc_id → mean cosine of `vector` with the document's two best embedded chunks
        (its one, if it has one): a document with a second passage on the question
        outranks one that mentions it once, as SumP aggregation does (Dai & Callan,
        "Deeper Text Understanding for IR with Contextual Neural Language Modeling",
        SIGIR 2019). Documents without an embedded chunk are left out."""
        return self._document_dense(vector, doc_ids, None)

    def _document_dense(
        self, vector: np.ndarray, doc_ids: Sequence[str], every: np.ndarray | None
    ) -> dict[str, float]:
        """`document_dense_scores`, reading cosines from `every` row's when given."""
        known = [doc_id for doc_id in doc_ids if doc_id in self._doc_rows]
        rows = np.asarray([r for d in known for r in self._doc_rows[d]], dtype=np.int64)
        if not len(rows):
            return {}
        owners = np.repeat(np.arange(len(known)), [len(self._doc_rows[d]) for d in known])
        embedded = self.vectors.has_vector(rows)
        rows, owners = rows[embedded], owners[embedded]
        cosines = every[rows] if every is not None else self.vectors.vectors[rows] @ vector
        # Each document's cosines best first: its best and second best are the first
        # two of its run (the run of a document with one embedded chunk has one).
        order = np.lexsort((-cosines, owners))
        cosines, owners = cosines[order], owners[order]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        counts = np.diff(np.r_[starts, len(owners)])
        best = cosines[starts]
        second = cosines[np.minimum(starts + 1, len(cosines) - 1)]
        means = np.where(counts > 1, (best + second) / 2, best).tolist()
        return {
            known[owner]: mean for owner, mean in zip(owners[starts].tolist(), means, strict=True)
        }

    def dense_ranking_of(
        self, vector: np.ndarray, depth: int, allowed_rows: RowFilter | Sequence[int] | None = None
    ) -> list[Hit]:
        """Top `depth` chunks by cosine to a (d,) L2-normalised vector, best first, ties
        by row."""
        return self._dense_hits(vector, depth, allowed_rows, None)

    def _dense_hits(self, vector, depth: int, allowed_rows, cosines) -> list[Hit]:
        rows, scores = self.vectors.search(vector, depth, as_rows(allowed_rows), cosines)
        return [self._hit(int(row), float(score)) for row, score in zip(rows, scores, strict=True)]

    def _hit(self, row: int, score: float) -> Hit:
        return Hit(row, self.chunk_ids[row], self.doc_ids[row], score)

    def _top(self, scores: np.ndarray, depth: int, allowed_rows) -> list[Hit]:
        rows, subset = top_rows(scores, depth, allowed_rows)
        pairs = zip(rows.tolist(), subset.tolist(), strict=True)
        ranked = sorted(pairs, key=lambda p: (-p[1], self.chunk_ids[p[0]]))
        return [self._hit(int(row), float(score)) for row, score in ranked]

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """Each BM25 term's inverse document frequency over the chunks, Lucene's
        log(1 + (N - df + 0.5) / (df + 0.5)); a term no chunk holds gets the highest."""
        return self.bm25.rarity(terms)

    def term_frequency_share(self, text: str) -> float:
        """The share of chunks containing the rarest BM25 term of `text` (1.0 if none is
        indexed): low for names that single a story out, high for "U.S." or "China"."""
        counts = self.bm25.term_counts(analyze(text))
        if not counts or self.bm25.size == 0:
            return 1.0
        return float(min(counts)) / self.bm25.size

    def centroid(self, doc_id: str) -> np.ndarray | None:
        """(d,) float32 L2-normalised mean of a document's chunk vectors (remembered:
        a generation never changes)."""
        if doc_id in self._centroids:
            return self._centroids[doc_id]
        rows = np.asarray(self._doc_rows.get(doc_id, ()), dtype=np.int64)
        rows = rows[self.vectors.has_vector(rows)]
        if not len(rows):
            return None  # not embedded yet (a progressive generation)
        centre = self.vectors.vectors[rows].mean(axis=0)
        centre = centre / max(float(np.linalg.norm(centre)), 1e-12)
        self._centroids[doc_id] = centre
        return centre

    def has_document(self, doc_id: str) -> bool:
        return doc_id in self._doc_rows

    def embedded(self, doc_id: str) -> bool:
        """Whether every chunk of the document has its vector in this generation (a
        progressive one may hold a document by its words alone)."""
        rows = np.asarray(self._doc_rows.get(doc_id, ()), dtype=np.int64)
        return bool(len(rows)) and bool(self.vectors.has_vector(rows).all())

    def document_similarities(self, doc_id: str, others: Sequence[str]) -> dict[str, float]:
        """Cosine of `doc_id`'s mean chunk vector with each of `others`' (documents this
        generation does not hold are left out)."""
        centre = self.centroid(doc_id)
        return {} if centre is None else self.similarities(centre, others)

    def text_similarities(self, text: str, others: Sequence[str]) -> dict[str, float]:
        """Cosine of a text's embedding with each of `others`' mean chunk vectors."""
        return self.similarities(self._embedder().encode_query(text), others)

    def similarities(self, vector: np.ndarray, others: Sequence[str]) -> dict[str, float]:
        found = [(other, self.centroid(other)) for other in others]
        found = [(other, centre) for other, centre in found if centre is not None]
        if not found:
            return {}
        scores = np.stack([centre for _, centre in found]) @ vector
        return {other: float(score) for (other, _), score in zip(found, scores, strict=True)}

    def document_neighbours(self, doc_id: str, depth: int) -> list[tuple[str, float]]:
        """Documents nearest to `doc_id`'s mean chunk vector: (doc_id, best chunk cosine)."""
        centre = self.centroid(doc_id)
        if centre is None:
            return []
        return self._doc_neighbours(centre, depth, exclude={doc_id})

    def text_neighbours(self, text: str, depth: int) -> list[tuple[str, float]]:
        vector = self._embedder().encode_query(text)
        return self._doc_neighbours(vector, depth, exclude=set())

    def _doc_neighbours(self, vector: np.ndarray, depth: int, exclude: set[str]):
        return documents_of(self.dense_ranking_of(vector, depth * 8), depth, exclude)


def documents_of(hits: Sequence[Hit], depth: int, exclude: set[str]) -> list[tuple[str, float]]:
    """The first `depth` documents of a chunk ranking (through the vector index: HNSW
    on a large archive, as a question's dense side), each at its best chunk's score."""
    best: dict[str, float] = {}
    for hit in hits:
        if hit.doc_id not in exclude and hit.doc_id not in best:
            best[hit.doc_id] = hit.score
    return sorted(best.items(), key=lambda p: (-p[1], p[0]))[:depth]
