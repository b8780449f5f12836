"""Normalised weighted combination (convex combination of min-max normalised scores;
Bruch, Gai & Ingber, "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS 2023)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

DENSE_WEIGHT = 0.5
MIN_SPAN = 1e-9


def _normalise(scored: Sequence[tuple[Hashable, float]]) -> dict:
    if not scored:
        return {}
    values = [score for _, score in scored]
    low, high = min(values), max(values)
    if high == low:
        return {row: 1.0 for row, _ in scored}
    # As ranx does: scores closer than 1e-9 are near-ties, not the whole 0-1 range.
    span = max(high - low, MIN_SPAN)
    return {row: (score - low) / span for row, score in scored}


def weighted_fuse(
    bm25: Sequence[tuple[Hashable, float]],
    dense: Sequence[tuple[Hashable, float]],
    dense_weight: float = DENSE_WEIGHT,
) -> dict:
    """`dense_weight` · dense + (1 − `dense_weight`) · bm25, each min-max normalised over
    its candidates; a row missing from one side gets 0 there."""
    sparse_norm, dense_norm = _normalise(bm25), _normalise(dense)
    rows = set(sparse_norm) | set(dense_norm)
    return {
        row: dense_weight * dense_norm.get(row, 0.0)
        + (1 - dense_weight) * sparse_norm.get(row, 0.0)
        for row in rows
    }
