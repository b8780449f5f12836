"""The best positive scores of a score array, the top-k cut of both BM25 indexes."""

from __future__ import annotations

import numpy as np

from index.derived.rowfilter import as_rows


def positive_rows(scores: np.ndarray, allowed_rows=None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the rows scoring above 0, ascending, among `allowed_rows` (None:
    all); one pass over a million-row array when unfiltered, not four."""
    if allowed_rows is None:
        rows = np.flatnonzero(scores > 0)
        return rows, scores[rows]
    rows = as_rows(allowed_rows)
    if not len(rows):
        return rows, scores[:0]
    subset = scores[rows]
    keep = subset > 0
    return rows[keep], subset[keep]


def top_rows(scores: np.ndarray, depth: int, allowed_rows=None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of at most `depth` best positive rows, unordered: the caller
    sorts them with its own tie-break."""
    rows, subset = positive_rows(scores, allowed_rows)
    if len(rows) > depth:
        keep = np.argpartition(-subset, depth - 1)[:depth]
        rows, subset = rows[keep], subset[keep]
    return rows, subset
