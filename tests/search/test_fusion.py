"""Fusion against ranx, the reference implementation, on generated rankings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.rrf import rrf_fuse
from search.weighted import weighted_fuse

# Scores are distinct and positive: ranx breaks ties its own way, and 0 is its floor.
_scores = st.lists(st.floats(0.01, 100.0), min_size=2, max_size=25, unique=True)
_ranking = st.tuples(
    st.lists(st.sampled_from(range(40)), min_size=2, max_size=25, unique=True), _scores
)


def _pairs(ranking) -> list[tuple[str, float]]:
    ids, scores = ranking
    ordered = sorted(scores, reverse=True)[: len(ids)]
    return [(f"d{doc}", score) for doc, score in zip(ids, ordered, strict=False)]


def _ranx(runs: list[list[tuple[str, float]]], **kwargs) -> dict[str, float]:
    from ranx import Run, fuse

    fused = fuse([Run({"q": dict(run)}) for run in runs], **kwargs)
    return fused.to_dict()["q"]


@settings(max_examples=60, deadline=None)
@given(_ranking, _ranking)
def test_rrf_equals_ranx(first, second):
    runs = [_pairs(first), _pairs(second)]
    ours = rrf_fuse([[doc for doc, _ in run] for run in runs], rrf_k=60)
    theirs = _ranx(runs, norm=None, method="rrf", params={"k": 60})
    assert set(ours) == set(theirs)
    for doc, score in ours.items():
        assert score == pytest.approx(theirs[doc], rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(_ranking, _ranking, st.sampled_from([0.3, 0.5, 0.7]))
def test_weighted_sum_of_min_max_scores_equals_ranx(first, second, dense_weight):
    bm25, dense = _pairs(first), _pairs(second)
    ours = weighted_fuse(bm25, dense, dense_weight)
    theirs = _ranx(
        [bm25, dense],
        norm="min-max",
        method="wsum",
        params={"weights": [1 - dense_weight, dense_weight]},
    )
    for doc, score in ours.items():
        assert score == pytest.approx(theirs.get(doc, 0.0), abs=1e-9)
