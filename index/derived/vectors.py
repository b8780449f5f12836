"""Vector store over L2-normalised chunk embeddings (inner product = cosine).

Exact search while that is fast enough (one matrix-vector product over the transposed
vectors; the files still hold a FAISS IndexFlatIP); past `HNSW_THRESHOLD` vectors a
FAISS HNSW graph (Malkov & Yashunin, TPAMI 2018) with M=32, efConstruction=200 and
efSearch=128, which measured recall@10 ≥ 0.98 against exact search here
(docs/benchmarks.md). Filtered searches score the allowed rows exactly, so a filter
never starves the top-k.

A progressive generation (index/derived/builder.py) holds vectors for some rows only,
`ready` (the rest are zero rows, filled in by a later generation): it is searched
exactly over the ready rows, and the other rows are never returned.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


READY_FILE = "vectors_ready.npy"
# The first bytes FAISS writes for an IndexFlatIP.
FLAT_FOURCC = b"IxFI"
# The thread count a process asked FAISS to search on, applied when it loads.
_SEARCH_THREADS: list[int] = []


class VectorStore:
    """`vectors` is (n, d) float32, L2-normalised; row i belongs to chunk row i.
    `ready`: (m,) int64 ascending rows that have a vector, or None for every row."""

    def __init__(self, vectors: np.ndarray, index=None, ready: np.ndarray | None = None):
        """`index`: the FAISS HNSW index, or None for exact search (its files hold an
        IndexFlatIP, which is never needed in memory)."""
        self.vectors = vectors
        self._index = index
        self.ready = ready
        self._mask: np.ndarray | None = None
        self._columns: np.ndarray | None = None
        if ready is not None:
            self._mask = np.zeros(len(vectors), dtype=bool)
            self._mask[ready] = True

    @property
    def ready_count(self) -> int:
        return len(self.vectors) if self.ready is None else len(self.ready)

    def has_vector(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows),) bool: which rows have their vector yet."""
        rows = np.asarray(rows, dtype=np.int64)
        return np.ones(len(rows), dtype=bool) if self._mask is None else self._mask[rows]

    @property
    def kind(self) -> str:
        return "flat" if self._index is None else "hnsw"

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        hnsw_threshold: int = HNSW_THRESHOLD,
        ready: np.ndarray | None = None,
    ) -> VectorStore:
        """`ready` as in the class; a partial store is always exact (IndexFlatIP over
        the ready rows): it is served only until the next generation replaces it, so
        an HNSW graph would cost more to build than it saves."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if ready is not None:
            return cls(vectors, None, np.asarray(ready, dtype=np.int64))
        if len(vectors) < hnsw_threshold:
            return cls(vectors)
        faiss = _faiss()
        faiss.omp_set_num_threads(2)
        index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.add(vectors)
        return cls(vectors, index)

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed_rows: np.ndarray | None = None,
        cosines: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (rows, scores) for a (d,) query, best first, ties by row. `cosines`:
        this query's `exact_cosines`, when the caller already has them."""
        if self.ready_count == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed_rows is not None:
            allowed_rows = allowed_rows[self.has_vector(allowed_rows)]
            if self.kind == "flat" and len(allowed_rows):
                keep = np.zeros(len(self.vectors), dtype=bool)
                keep[allowed_rows] = True
                return self._exact(query, min(k, len(allowed_rows)), keep, cosines)
            scores = self.vectors[allowed_rows] @ query
            order = np.lexsort((allowed_rows, -scores))[:k]
            return allowed_rows[order].astype(np.int64), scores[order].astype(np.float32)
        if self.kind == "flat":
            return self._exact(query, min(k, self.ready_count), self._mask, cosines)
        self._index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        scores, rows = self._index.search(
            query.reshape(1, -1).astype(np.float32), min(k, self.ready_count)
        )
        keep = rows[0] >= 0
        rows, scores = rows[0][keep], scores[0][keep]
        if self.ready is not None:
            rows = self.ready[rows]  # index positions -> rows
        order = np.lexsort((rows, -scores))
        return rows[order].astype(np.int64), scores[order].astype(np.float32)

    def exact_cosines(self, query: np.ndarray) -> np.ndarray | None:
        """(n,) float32 cosine of every row to the query for an exact store (0 for a row
        without a vector), None for HNSW. One question against the (d, n) transposed
        matrix is a streaming matrix-vector product: 0.6 ms over 15k chunks where
        IndexFlatIP's vector-by-vector scan took 1.5 ms (docs/benchmarks.md); the copy
        is made at the first question."""
        if self.kind != "flat":
            return None
        if self._columns is None:
            self._columns = np.ascontiguousarray(self.vectors.T)
        return np.asarray(query, dtype=np.float32) @ self._columns

    def _exact(
        self, query: np.ndarray, k: int, keep: np.ndarray | None, cosines: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k over the rows `keep` (n,) bool marks (None: all), ties by row
        (also at the cut); k at most the rows kept. A filter masks the product rather
        than gathering its rows."""
        if cosines is None:
            cosines = self.exact_cosines(query)
        scores = cosines if keep is None else np.where(keep, cosines, -np.inf)
        kth = -np.partition(-scores, k - 1)[k - 1]
        above = np.flatnonzero(scores > kth)
        rows = np.concatenate([above, np.flatnonzero(scores == kth)[: k - len(above)]])
        order = np.lexsort((rows, -scores[rows]))
        return rows[order].astype(np.int64), scores[rows[order]].astype(np.float32)

    def save(self, folder: Path) -> None:
        """vectors.npy, vectors.faiss (IndexFlatIP over the ready rows, or the HNSW
        graph) and, for a partial store, vectors_ready.npy."""
        faiss = _faiss()
        np.save(folder / "vectors.npy", self.vectors)
        index = self._index
        if index is None:
            index = faiss.IndexFlatIP(self.vectors.shape[1])
            index.add(
                np.ascontiguousarray(
                    self.vectors if self.ready is None else self.vectors[self.ready]
                )
            )
        faiss.write_index(index, str(folder / "vectors.faiss"))
        if self.ready is not None:
            np.save(folder / READY_FILE, self.ready)

    @classmethod
    def load(cls, folder: Path) -> VectorStore:
        """An exact store is served from vectors.npy alone, so a question on it never
        imports FAISS (a quarter of a second of a cold start); an HNSW graph is read."""
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        ready_file = folder / READY_FILE
        ready = np.load(ready_file) if ready_file.exists() else None
        path = folder / "vectors.faiss"
        with open(path, "rb") as handle:
            flat = handle.read(4) == FLAT_FOURCC
        index = None if flat else _faiss().read_index(str(path))
        return cls(np.asarray(vectors), index, ready)


def set_search_threads(threads: int) -> None:
    """FAISS's threads for searching: applied now if FAISS is loaded, else when it is."""
    _SEARCH_THREADS[:] = [threads]
    if "faiss" in sys.modules:
        sys.modules["faiss"].omp_set_num_threads(threads)


def _faiss():
    import faiss

    if _SEARCH_THREADS:
        faiss.omp_set_num_threads(_SEARCH_THREADS[0])
    return faiss
