"""Collection statistics for BM25: chunk count, total length and document frequencies.

BM25's idf and length normalisation depend on the whole collection (Robertson &
Zaragoza 2009). A sharded index computes these once over every shard, so that each
shard's term weights, and so every chunk's score, equal a single index's."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NAME = "collection.json"


@dataclass(frozen=True)
class CollectionStats:
    """`doc_freq` maps each term to the chunks holding it, in first-seen order (the
    order fixes the floating-point sum behind rank_bm25's idf floor)."""

    chunks: int
    total_length: int
    doc_freq: dict[str, int]

    @classmethod
    def of(cls, corpus: Sequence[Sequence[str]]) -> CollectionStats:
        doc_freq: Counter[str] = Counter()
        for terms in corpus:
            doc_freq.update(dict.fromkeys(terms, 1))
        return cls(len(corpus), sum(len(terms) for terms in corpus), dict(doc_freq))

    @classmethod
    def merge(cls, parts: Iterable[CollectionStats]) -> CollectionStats:
        """One collection's statistics from its consecutive parts, in row order."""
        chunks, total, doc_freq = 0, 0, Counter()
        for part in parts:
            chunks, total = chunks + part.chunks, total + part.total_length
            doc_freq.update(part.doc_freq)
        return cls(chunks, total, dict(doc_freq))

    @property
    def avgdl(self) -> float:
        return self.total_length / self.chunks if self.chunks else 1.0

    def idf(self, terms: Sequence[str], epsilon: float) -> np.ndarray:
        """(len(terms),) float64 rank_bm25 idf, log((N - df + .5) / (df + .5)), a
        negative one floored at `epsilon` times the mean idf of the whole vocabulary."""
        every = np.fromiter(self.doc_freq.values(), dtype=np.float64, count=len(self.doc_freq))
        all_idf = np.log(self.chunks - every + 0.5) - np.log(every + 0.5)
        floor = epsilon * (all_idf.sum() / len(all_idf)) if len(all_idf) else 0.0
        df = np.asarray([self.doc_freq.get(term, 0) for term in terms], dtype=np.float64)
        idf = np.log(self.chunks - df + 0.5) - np.log(df + 0.5)
        return np.where(idf < 0, floor, idf)

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """term → Lucene's log(1 + (N - df + 0.5) / (df + 0.5))."""
        return {
            term: float(
                np.log1p((self.chunks - (df := self.doc_freq.get(term, 0)) + 0.5) / (df + 0.5))
            )
            for term in terms
        }

    def save(self, folder: Path, name: str = NAME) -> None:
        data = {"chunks": self.chunks, "total_length": self.total_length, "doc_freq": self.doc_freq}
        (folder / name).write_text(json.dumps(data, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, name: str = NAME) -> CollectionStats:
        data = json.loads((folder / name).read_text())
        return cls(int(data["chunks"]), int(data["total_length"]), dict(data["doc_freq"]))
