"""The rows a search filter keeps: made once per question by `Generation.rows_of` and
read by each ranking side, so that a filter keeping most of a large archive (an
"until" date does) is one array, not a list of a million ints converted per side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RowFilter:
    """`rows`: (m,) int64, ascending. Opaque outside index/: the search layer only
    hands it back and asks whether it is empty."""

    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def as_rows(allowed: RowFilter | Sequence[int] | None) -> np.ndarray | None:
    """(m,) int64 ascending rows of a filter, or of a plain sequence of rows (a shard
    receives its part as a list); None (no filter) stays None."""
    if allowed is None:
        return None
    if isinstance(allowed, RowFilter):
        return allowed.rows
    return np.asarray(sorted(allowed), dtype=np.int64)
