"""Okapi BM25 served from a precomputed sparse term-weight matrix.

Scores equal `rank_bm25.BM25Okapi(corpus, k1, b, epsilon).get_scores(query)` (Robertson
& Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009, with
rank_bm25's floor of `epsilon * mean idf` for negative idf), but instead of looping
over every document in Python per query, each (document, term) weight
  idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
is computed once at build time; a query sums the columns of its terms.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.derived.collection import CollectionStats
from index.errors import StoreError


@dataclass(frozen=True)
class BM25Params:
    """k1 0.9 and b 0.4 (the Anserini defaults) measured better than rank_bm25's 1.5 and
    0.75 on rtqa-2025 (docs/evaluation.md); epsilon is rank_bm25's idf floor."""

    k1: float = 0.9
    b: float = 0.4
    epsilon: float = 0.25


@dataclass(frozen=True)
class TermWeights:
    """A (rows, terms) float32 matrix in compressed sparse column form: term `t`'s
    nonzero weights are `data[indptr[t]:indptr[t + 1]]`, at chunk rows `indices[...]`.
    Plain arrays, so that serving a question needs no scipy import (0.4 s)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, weights) of one term's nonzero entries."""
        start, end = self.indptr[term], self.indptr[term + 1]
        return self.indices[start:end], self.data[start:end]

    def counts(self) -> np.ndarray:
        """(terms,) int: how many rows hold each term."""
        return np.diff(self.indptr)


class BM25Index:
    """`weights`: the (n_docs, n_terms) float32 BM25 term weight of every chunk."""

    def __init__(self, weights: TermWeights, vocabulary: dict[str, int], params: BM25Params):
        self.weights = weights
        self.vocabulary = vocabulary
        self.params = params
        self._doc_freq: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.weights.shape[0]

    @classmethod
    def build(
        cls,
        corpus: Sequence[Sequence[str]],
        params: BM25Params | None = None,
        stats: CollectionStats | None = None,
    ) -> BM25Index:
        """`stats` of the whole collection when `corpus` is one shard of it (default:
        the corpus's own), so that a shard's weights equal a single index's."""
        from scipy import sparse

        params = params or BM25Params()
        stats = stats or CollectionStats.of(corpus)
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.zeros(len(corpus), dtype=np.float64)
        for row, terms in enumerate(corpus):
            lengths[row] = len(terms)
            for term, tf in Counter(terms).items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(tf)
        tf = np.asarray(tfs, dtype=np.float64)
        idf = stats.idf(list(vocabulary), params.epsilon)
        norm = params.k1 * (
            1 - params.b + params.b * lengths[np.asarray(rows, dtype=np.int64)] / stats.avgdl
        )
        values = idf[np.asarray(cols, dtype=np.int64)] * tf * (params.k1 + 1) / (tf + norm)
        matrix = sparse.csc_matrix(
            (values.astype(np.float32), (rows, cols)), shape=(len(corpus), len(vocabulary))
        )
        matrix.sort_indices()
        weights = TermWeights(matrix.data, matrix.indices, matrix.indptr, matrix.shape)
        return cls(weights, vocabulary, params)

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """term → log(1 + (N - df + 0.5) / (df + 0.5)), df counted over the chunks."""
        if self._doc_freq is None:
            self._doc_freq = self.weights.counts()
        total = self.size
        out = {}
        for term in terms:
            column = self.vocabulary.get(term)
            df = 0 if column is None else int(self._doc_freq[column])
            out[term] = float(np.log1p((total - df + 0.5) / (df + 0.5)))
        return out

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """(n_docs,) float32 BM25 scores; a repeated query term counts again, as in
        rank_bm25; unknown terms add nothing."""
        counts = Counter(t for t in query_terms if t in self.vocabulary)
        if not counts:
            return np.zeros(self.size, dtype=np.float32)
        scores = np.zeros(self.size, dtype=np.float32)
        # Term by term in query order, as scipy's column-major product adds them.
        for term, count in counts.items():
            rows, weights = self.weights.column(self.vocabulary[term])
            scores[rows] += weights * np.float32(count)
        return scores

    def term_counts(self, terms: Sequence[str]) -> list[int]:
        """How many chunks hold each indexed term of `terms` (unknown terms left out)."""
        if self._doc_freq is None:
            self._doc_freq = self.weights.counts()
        return [int(self._doc_freq[self.vocabulary[t]]) for t in terms if t in self.vocabulary]

    def save(self, folder: Path, prefix: str = "bm25") -> None:
        """`prefix`_data.npy, _indices.npy, _indptr.npy and `prefix`.json in `folder`."""
        csc = self.weights
        np.save(folder / f"{prefix}_data.npy", csc.data)
        np.save(folder / f"{prefix}_indices.npy", csc.indices)
        np.save(folder / f"{prefix}_indptr.npy", csc.indptr)
        meta = {
            "shape": list(csc.shape),
            "params": vars(self.params),
            "vocabulary": self.vocabulary,
        }
        (folder / f"{prefix}.json").write_text(json.dumps(meta, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, prefix: str = "bm25") -> BM25Index:
        meta = json.loads((folder / f"{prefix}.json").read_text())
        rows, terms = (int(n) for n in meta["shape"])
        weights = TermWeights(
            np.load(folder / f"{prefix}_data.npy"),
            np.load(folder / f"{prefix}_indices.npy"),
            np.load(folder / f"{prefix}_indptr.npy"),
            (rows, terms),
        )
        if len(weights.indptr) != terms + 1 or len(weights.data) != len(weights.indices):
            raise StoreError(f"{folder}: BM25 matrix arrays disagree with shape {rows}x{terms}")
        return cls(weights, meta["vocabulary"], BM25Params(**meta["params"]))
