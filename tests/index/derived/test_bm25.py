"""BM25 served from the sparse matrix ranks exactly like rank_bm25.BM25Okapi."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.derived.bm25 import BM25Index, BM25Params
from index.ingest.pipeline import load_sources
from index.text.analyzer import analyze

QUERIES = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "TikTok national security senators",
    "SMIC wafer capacity 14-nanometre",
    "the of and",  # only stop words
    "zzzz unknown terms",
    "chip chip chip export controls",  # repeated terms count again
]


@pytest.fixture(scope="module")
def corpus(demo_dir):
    return [analyze(d.text) for s in load_sources([str(demo_dir)]) for d in s.documents]


@pytest.mark.parametrize("params", [BM25Params(), BM25Params(k1=1.5, b=0.75, epsilon=0.1)])
def test_scores_equal_rank_bm25(corpus, params):
    ours = BM25Index.build(corpus, params)
    reference = BM25Okapi(corpus, k1=params.k1, b=params.b, epsilon=params.epsilon)
    for query in QUERIES:
        terms = analyze(query)
        expected = reference.get_scores(terms)
        np.testing.assert_allclose(ours.scores(terms), expected, rtol=1e-5, atol=1e-4)
        assert list(np.argsort(-ours.scores(terms), kind="stable")[:10]) == list(
            np.argsort(-expected, kind="stable")[:10]
        ) or np.allclose(np.sort(expected)[-10:], 0)


def test_saved_index_loads_with_identical_scores(corpus, tmp_path):
    built = BM25Index.build(corpus)
    built.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    terms = analyze(QUERIES[0])
    np.testing.assert_array_equal(built.scores(terms), loaded.scores(terms))
    assert loaded.params == built.params


def test_analyzer_stems_folds_and_keeps_acronyms():
    assert analyze("The U.S. restricts China’s chips") == ["us", "restrict", "china", "chip"]
    assert analyze("Chipmakers' CHIPMAKING") == ["chipmak", "chipmak"]
