"""Exact dense search: the same top-k as FAISS's IndexFlatIP, ties broken by row even
at the cut, rows without a vector never returned, filters exact, and the files still
a valid FAISS index."""

from __future__ import annotations

import faiss
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.derived.vectors import VectorStore


def _unit(rows: int, dims: int = 32, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dims)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 400), k=st.integers(1, 60), seed=st.integers(0, 10_000))
def test_exact_search_finds_what_faiss_finds(rows, k, seed):
    vectors = _unit(rows, seed=seed)
    query = _unit(1, seed=seed + 1)[0]
    store = VectorStore.build(vectors)
    assert store.kind == "flat"
    found_rows, found_scores = store.search(query, k)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    faiss_scores, faiss_rows = index.search(query.reshape(1, -1), min(k, rows))
    assert len(found_rows) == min(k, rows)
    np.testing.assert_allclose(found_scores, faiss_scores[0], atol=1e-6)
    assert list(found_scores) == sorted(found_scores, reverse=True)
    _assert_top(found_rows, np.arange(rows), vectors @ query)


def _assert_top(found: np.ndarray, kept_rows: np.ndarray, all_scores: np.ndarray) -> None:
    """`found` holds the best of the kept rows, best first, up to float rounding (the
    product's summation order may differ from numpy's by 1e-7, enough to swap a near-tie)."""
    if not len(found):
        assert not len(kept_rows)
        return
    left_out = np.setdiff1d(kept_rows, found)
    lowest_found = all_scores[found].min()
    assert not len(left_out) or all_scores[left_out].max() <= lowest_found + 1e-6
    assert np.all(np.diff(all_scores[found]) <= 1e-6)


def test_ties_are_broken_by_row_also_at_the_cut():
    vectors = np.zeros((6, 4), dtype=np.float32)
    vectors[:, 0] = [0.5, 1.0, 0.5, 0.5, 0.2, 0.5]
    vectors[:, 1] = np.sqrt(1 - vectors[:, 0] ** 2)
    query = np.array([1, 0, 0, 0], dtype=np.float32)
    rows, scores = VectorStore.build(vectors).search(query, 3)
    assert rows.tolist() == [1, 0, 2]  # rows 0, 2, 3 and 5 tie at 0.5: the lowest two
    assert scores.tolist() == [1.0, 0.5, 0.5]


def test_rows_without_a_vector_are_never_returned():
    vectors = _unit(50)
    ready = np.arange(0, 50, 3)
    partial = vectors.copy()
    partial[np.setdiff1d(np.arange(50), ready)] = 0
    store = VectorStore.build(partial, ready=ready)
    rows, _ = store.search(vectors[1], 50)
    assert sorted(rows.tolist()) == ready.tolist()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), keep=st.floats(0.01, 1.0), k=st.integers(1, 40))
def test_a_filtered_search_is_the_exact_top_k_of_the_kept_rows(seed, keep, k):
    vectors = _unit(300, seed=seed)
    query = _unit(1, seed=seed + 1)[0]
    rng = np.random.default_rng(seed)
    allowed = np.flatnonzero(rng.random(300) < keep)
    rows, scores = VectorStore.build(vectors).search(query, k, allowed)
    assert len(rows) == min(k, len(allowed)) and set(rows.tolist()) <= set(allowed.tolist())
    np.testing.assert_allclose(scores, vectors[rows] @ query, atol=1e-6)
    _assert_top(rows, allowed, vectors @ query)


def test_an_exact_store_round_trips_through_its_files_without_faiss_in_memory(tmp_path):
    vectors = _unit(120)
    ready = np.arange(0, 120, 2)
    for kept in (None, ready):
        folder = tmp_path / ("all" if kept is None else "partial")
        folder.mkdir()
        VectorStore.build(vectors, ready=kept).save(folder)
        loaded = VectorStore.load(folder)
        assert loaded.kind == "flat"
        written = faiss.read_index(str(folder / "vectors.faiss"))
        assert written.ntotal == (120 if kept is None else len(ready))
        rows, _ = loaded.search(vectors[4], 5)
        assert rows[0] == 4 and (kept is None or set(rows.tolist()) <= set(ready.tolist()))
