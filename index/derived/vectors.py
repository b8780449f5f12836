"""FAISS vector store over L2-normalised chunk embeddings (inner product = cosine).

Exact search (IndexFlatIP) while that is fast enough; past `HNSW_THRESHOLD` vectors an
HNSW graph (Malkov & Yashunin, TPAMI 2018) with M=32, efConstruction=200 and
efSearch=128, which measured recall@10 ≥ 0.98 against exact search here
(docs/benchmarks.md). Filtered searches score the allowed rows exactly, so a filter
never starves the top-k.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


class VectorStore:
    """`vectors` is (n, d) float32, L2-normalised; row i belongs to chunk row i."""

    def __init__(self, vectors: np.ndarray, index=None) -> None:
        self.vectors = vectors
        self._index = index

    @property
    def kind(self) -> str:
        return (
            "hnsw" if self._index is not None and "HNSW" in type(self._index).__name__ else "flat"
        )

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_threshold: int = HNSW_THRESHOLD) -> VectorStore:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dims = vectors.shape[1]
        if len(vectors) >= hnsw_threshold:
            faiss.omp_set_num_threads(2)
            index = faiss.IndexHNSWFlat(dims, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(dims)
        index.add(vectors)
        return cls(vectors, index)

    def search(
        self, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (rows, scores) for a (d,) query, best first, ties by row."""
        if len(self.vectors) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed_rows is not None:
            scores = self.vectors[allowed_rows] @ query
            order = np.lexsort((allowed_rows, -scores))[:k]
            return allowed_rows[order].astype(np.int64), scores[order].astype(np.float32)
        if self.kind == "hnsw":
            self._index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        scores, rows = self._index.search(
            query.reshape(1, -1).astype(np.float32), min(k, len(self.vectors))
        )
        keep = rows[0] >= 0
        rows, scores = rows[0][keep], scores[0][keep]
        order = np.lexsort((rows, -scores))
        return rows[order].astype(np.int64), scores[order].astype(np.float32)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """(n,) exact cosine of every row to the query."""
        return self.vectors @ query

    def save(self, folder: Path) -> None:
        import faiss

        np.save(folder / "vectors.npy", self.vectors)
        faiss.write_index(self._index, str(folder / "vectors.faiss"))

    @classmethod
    def load(cls, folder: Path) -> VectorStore:
        import faiss

        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        return cls(np.asarray(vectors), faiss.read_index(str(folder / "vectors.faiss")))
