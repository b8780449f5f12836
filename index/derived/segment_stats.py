"""Collection statistics over the live rows of a list of segments, and BM25 from them.

BM25's idf and length normalisation depend on the whole collection (Robertson &
Zaragoza 2009). Each segment stores raw frequencies (index/derived/postings.py); this
module keeps the collection's row count, total length and document frequency of every
term over the rows not marked deleted, so that a chunk scores exactly as in one index
rebuilt from the same rows (Lucene instead counts deleted rows until a merge; we do
not, so that a removal changes no other score than a rebuild would). The statistics of
the next generation are derived from the previous one's by what changed: segments
added, segments gone, rows newly marked — never by reading the whole collection again.

The idf is rank_bm25's, log((N - df + .5) / (df + .5)), a negative one floored at
epsilon times the mean idf of the vocabulary; the mean is an exactly rounded sum
(math.fsum), so it does not depend on the order in which segments met their terms.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.derived.bm25 import BM25Params
from index.derived.postings import Postings

_SERIALS = itertools.count()


@dataclass(frozen=True, eq=False)
class Part:
    """One segment's postings as a generation sees them: `deleted` its (m,) int64
    ascending rows marked deleted."""

    name: str
    postings: Postings
    deleted: np.ndarray


class Vocabulary:
    """term → global id, append-only and shared by the successive statistics of one
    process, with each segment's local → global id map remembered."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._maps: dict[str, np.ndarray] = {}
        # The web app's threads may load two generations at once.
        self._lock = threading.Lock()

    def map_of(self, part: Part) -> np.ndarray:
        """(local terms,) int64 global ids of a segment's terms."""
        with self._lock:
            return self._map_of(part)

    def _map_of(self, part: Part) -> np.ndarray:
        found = self._maps.get(part.name)
        if found is None:
            ids = self.ids
            found = np.fromiter(
                (ids.setdefault(t, len(ids)) for t in part.postings.terms),
                np.int64,
                count=len(part.postings.terms),
            )
            self._maps[part.name] = found
        return found

    def forget(self, names: set[str]) -> None:
        with self._lock:
            for name in names:
                self._maps.pop(name, None)


class CollectionState:
    """Row count, total length and per-term document frequency of the live rows of
    `parts`; `df` is indexed by `vocabulary` ids (terms met later count 0)."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        parts: dict[str, Part],
        df: np.ndarray,
        rows: int,
        total_length: int,
    ) -> None:
        self.vocabulary, self.parts = vocabulary, parts
        self.df, self.rows, self.total_length = df, rows, total_length
        self._floors: dict[float, float] = {}
        self.serial = next(_SERIALS)  # names these statistics in caches keyed by them

    @classmethod
    def empty(cls) -> CollectionState:
        return cls(Vocabulary(), {}, np.zeros(0, dtype=np.int64), 0, 0)

    def advance(self, parts: Sequence[Part]) -> CollectionState:
        """The statistics of `parts` (the next generation's), from these by difference:
        a segment's marks only ever grow, and a segment never changes."""
        vocabulary = self.vocabulary
        wanted = {part.name: part for part in parts}
        for part in parts:
            vocabulary.map_of(part)  # every term has its id before df is sized
        df = _grown(self.df.copy(), len(vocabulary.ids))
        rows, total = self.rows, self.total_length
        for name, old in self.parts.items():
            if name not in wanted:
                sign_rows, sign_total = _add(df, vocabulary, old, old.deleted, -1)
                rows, total = rows - sign_rows, total - sign_total
        for name, part in wanted.items():
            old = self.parts.get(name)
            if old is None:
                added_rows, added_total = _add(df, vocabulary, part, part.deleted, +1)
                rows, total = rows + added_rows, total + added_total
                continue
            fresh = np.setdiff1d(part.deleted, old.deleted, assume_unique=True)
            if len(fresh):
                np.subtract.at(df, vocabulary.map_of(part)[part.postings.terms_of(fresh)], 1)
                rows -= len(fresh)
                total -= int(np.asarray(part.postings.lengths)[fresh].sum())
        vocabulary.forget(set(self.parts) - set(wanted))
        return CollectionState(vocabulary, wanted, df, rows, total)

    @property
    def avgdl(self) -> float:
        return self.total_length / self.rows if self.rows else 1.0

    def doc_freq(self, terms: Sequence[str]) -> list[int]:
        """Each term's live document frequency (0 for a term no live row holds)."""
        ids, df = self.vocabulary.ids, self.df
        return [int(df[i]) if (i := ids.get(t, len(df))) < len(df) else 0 for t in terms]

    def idf(self, terms: Sequence[str], epsilon: float) -> np.ndarray:
        """(len(terms),) float64 rank_bm25 idf with its floor for negative values."""
        df = np.asarray(self.doc_freq(terms), dtype=np.float64)
        idf = np.log(self.rows - df + 0.5) - np.log(df + 0.5)
        return np.where(idf < 0, self._floor(epsilon), idf)

    def _floor(self, epsilon: float) -> float:
        if epsilon not in self._floors:
            held = self.df[self.df > 0].astype(np.float64)
            every = np.log(self.rows - held + 0.5) - np.log(held + 0.5)
            mean = math.fsum(every.tolist()) / len(every) if len(every) else 0.0
            self._floors[epsilon] = epsilon * mean
        return self._floors[epsilon]

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """term → Lucene's log(1 + (N - df + 0.5) / (df + 0.5)) over the live rows."""
        return {
            term: float(np.log1p((self.rows - df + 0.5) / (df + 0.5)))
            for term, df in zip(terms, self.doc_freq(terms), strict=True)
        }

    def norms(self, postings: Postings, params: BM25Params) -> np.ndarray:
        """(rows,) float64 k1 * (1 - b + b * |d| / avgdl) of a segment's rows."""
        lengths = np.asarray(postings.lengths, dtype=np.float64)
        return params.k1 * (1 - params.b + params.b * lengths / self.avgdl)

    def scores(
        self, postings: Postings, norms: np.ndarray, query_terms: Sequence[str], params: BM25Params
    ) -> np.ndarray:
        """(rows,) float32 BM25 scores of a segment's rows (deleted ones included: the
        caller masks them). Each weight idf * tf * (k1 + 1) / (tf + norm) is computed
        in float64 and summed in float32 term by term in query order, a repeated query
        term counting again, as BM25Index does with precomputed weights."""
        counts = Counter(t for t in query_terms if self.doc_freq([t])[0] > 0)
        scores = np.zeros(postings.rows, dtype=np.float32)
        if not counts:
            return scores
        idf = dict(zip(counts, self.idf(list(counts), params.epsilon).tolist(), strict=True))
        for term, count in counts.items():
            column = postings.column_of(term)
            if column is None:
                continue
            rows, tfs = postings.column(column)
            tf = tfs.astype(np.float64)
            weights = idf[term] * tf * (params.k1 + 1) / (tf + norms[rows])
            scores[rows] += weights.astype(np.float32) * np.float32(count)
        return scores


def _grown(df: np.ndarray, size: int) -> np.ndarray:
    if len(df) >= size:
        return df
    return np.concatenate([df, np.zeros(size - len(df), dtype=np.int64)])


def _add(df: np.ndarray, vocabulary: Vocabulary, part: Part, deleted: np.ndarray, sign: int):
    """Add (sign +1) or take away (-1) a segment's live rows from `df` in place; (rows,
    total length) of those live rows."""
    ids = vocabulary.map_of(part)
    per_term = part.postings.doc_freq() - np.bincount(
        part.postings.terms_of(deleted), minlength=len(ids)
    )
    np.add.at(df, ids, sign * per_term)
    lengths = np.asarray(part.postings.lengths)
    live_total = int(lengths.sum()) - int(lengths[deleted].sum())
    return part.postings.rows - len(deleted), live_total
