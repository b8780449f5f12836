"""Raw term postings of one segment: term frequencies, not BM25 weights.

A BM25 weight depends on the whole collection (idf, average length), which changes
with every write; a segment therefore stores what never changes — each (row, term)
frequency and each row's length — and the weights are computed at query time from
the collection's statistics of the moment, as Lucene's segments do (its postings hold
frequencies and norms; the similarity is applied while scoring). Two layouts:
by term (what a query reads) and by row (what a deletion or a merge reads)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import StoreError

_ARRAYS = ("term_indptr", "term_rows", "term_tfs", "row_indptr", "row_terms", "row_tfs", "lengths")


@dataclass(frozen=True, eq=False)
class Postings:
    """`terms` the segment's vocabulary (local term id = place in it). By term:
    `term_rows[term_indptr[t]:term_indptr[t + 1]]` ascending rows holding term t, with
    `term_tfs` their frequencies. By row: `row_terms[row_indptr[r]:row_indptr[r + 1]]`
    the distinct local term ids of row r, with `row_tfs`. `lengths` (rows,) int32: each
    row's term count."""

    terms: tuple[str, ...]
    term_indptr: np.ndarray
    term_rows: np.ndarray
    term_tfs: np.ndarray
    row_indptr: np.ndarray
    row_terms: np.ndarray
    row_tfs: np.ndarray
    lengths: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]]) -> Postings:
        """From analysed texts, one per row; terms numbered in first-seen order."""
        vocabulary: dict[str, int] = {}
        row_indptr, row_terms, row_tfs = [0], [], []
        for terms in corpus:
            for term, tf in Counter(terms).items():
                row_terms.append(vocabulary.setdefault(term, len(vocabulary)))
                row_tfs.append(tf)
            row_indptr.append(len(row_terms))
        lengths = np.fromiter((len(terms) for terms in corpus), np.int32, count=len(corpus))
        return cls.from_rows(
            tuple(vocabulary),
            np.asarray(row_indptr, dtype=np.int64),
            np.asarray(row_terms, dtype=np.int32),
            np.asarray(row_tfs, dtype=np.int32),
            lengths,
        )

    @classmethod
    def from_rows(cls, terms, row_indptr, row_terms, row_tfs, lengths) -> Postings:
        """The by-term layout derived from the by-row one (a stable sort by term keeps
        each term's rows ascending)."""
        owners = np.repeat(np.arange(len(lengths), dtype=np.int32), np.diff(row_indptr))
        order = np.argsort(row_terms, kind="stable")
        counts = np.bincount(row_terms, minlength=len(terms))
        term_indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(
            tuple(terms),
            term_indptr,
            owners[order],
            row_tfs[order],
            row_indptr,
            row_terms,
            row_tfs,
            lengths,
        )

    def column_of(self, term: str) -> int | None:
        """The local id of a term, None if no row holds it. The term → id map is made
        at the first question and kept: a segment never changes."""
        columns = self.__dict__.get("_columns")
        if columns is None:
            columns = {name: column for column, name in enumerate(self.terms)}
            object.__setattr__(self, "_columns", columns)
        return columns.get(term)

    def column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, term frequencies) of one local term."""
        start, end = self.term_indptr[term], self.term_indptr[term + 1]
        return self.term_rows[start:end], self.term_tfs[start:end]

    def doc_freq(self) -> np.ndarray:
        """(terms,) int64: how many rows hold each local term."""
        return np.diff(self.term_indptr)

    def terms_of(self, rows: np.ndarray) -> np.ndarray:
        """Local term ids of `rows`, each row's distinct terms once (a row holding a
        term counts once in its document frequency)."""
        if not len(rows):
            return np.zeros(0, dtype=np.int32)
        parts = [self.row_terms[self.row_indptr[r] : self.row_indptr[r + 1]] for r in rows]
        return np.concatenate(parts)

    def select(self, rows: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The by-row arrays of ascending `rows`, as (terms, row_indptr, row_terms,
        row_tfs): what a merge concatenates."""
        keep = np.zeros(self.rows, dtype=bool)
        keep[rows] = True
        counts = np.diff(self.row_indptr)
        picked = np.repeat(keep, counts)
        indptr = np.concatenate([[0], np.cumsum(counts[rows])]).astype(np.int64)
        return list(self.terms), indptr, self.row_terms[picked], self.row_tfs[picked]

    def save(self, folder: Path, prefix: str) -> None:
        for name in _ARRAYS:
            np.save(folder / f"{prefix}_{name}.npy", getattr(self, name))
        (folder / f"{prefix}_terms.json").write_text(json.dumps(self.terms, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, prefix: str) -> Postings:
        """The by-row arrays are memory-mapped: only deletions and merges read them."""
        terms = tuple(json.loads((folder / f"{prefix}_terms.json").read_text()))
        arrays = {
            name: np.load(
                folder / f"{prefix}_{name}.npy", mmap_mode="r" if "row_" in name else None
            )
            for name in _ARRAYS
        }
        if len(arrays["term_indptr"]) != len(terms) + 1:
            raise StoreError(f"{folder}: {prefix} postings disagree with their vocabulary")
        return cls(terms, **arrays)


def concatenate(parts: Sequence[tuple[Postings, np.ndarray]]) -> Postings:
    """One segment's postings from the rows `rows` of each part, in order (a merge)."""
    vocabulary: dict[str, int] = {}
    indptrs, terms, tfs, lengths, offset = [np.zeros(1, dtype=np.int64)], [], [], [], 0
    for postings, rows in parts:
        local_terms, indptr, row_terms, row_tfs = postings.select(rows)
        mapping = np.fromiter(
            (vocabulary.setdefault(t, len(vocabulary)) for t in local_terms),
            np.int32,
            count=len(local_terms),
        )
        terms.append(mapping[row_terms] if len(row_terms) else row_terms.astype(np.int32))
        tfs.append(np.asarray(row_tfs, dtype=np.int32))
        indptrs.append(indptr[1:] + offset)
        offset += int(indptr[-1])
        lengths.append(np.asarray(postings.lengths[rows], dtype=np.int32))
    return Postings.from_rows(
        tuple(vocabulary),
        np.concatenate(indptrs),
        np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32),
        np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.int32),
        np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32),
    )
