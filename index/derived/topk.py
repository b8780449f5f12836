"""The positive scores of a score array, the step before a top-k cut."""

from __future__ import annotations

import numpy as np


def positive_rows(scores: np.ndarray, allowed_rows=None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the rows scoring above 0, ascending, among `allowed_rows` (None:
    all); one pass over a million-row array when unfiltered, not four."""
    if allowed_rows is None:
        rows = np.flatnonzero(scores > 0)
        return rows, scores[rows]
    rows = np.asarray(sorted(allowed_rows), dtype=np.int64)
    if not len(rows):
        return rows, scores[:0]
    subset = scores[rows]
    keep = subset > 0
    return rows[keep], subset[keep]
