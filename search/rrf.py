"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009):
score(d) = Σ_rankings 1 / (rrf_k + rank(d)), rank 1-based."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

RRF_K = 60


def rrf_fuse(rankings: Sequence[Sequence[Hashable]], rrf_k: int = RRF_K) -> dict:
    """Fused score per item (row or doc_id) from best-first lists."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + 1.0 / (rrf_k + rank)
    return fused
