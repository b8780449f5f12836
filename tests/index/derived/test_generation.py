"""A question's sides on one generation: each densely found document scored by the
mean cosine of its two best chunks, the same whether read from the question's one
exact product or computed on its own."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.model

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"


def test_document_dense_scores_are_the_mean_of_each_documents_two_best_chunks(demo_desk):
    generation = demo_desk.index.snapshot()
    vector = generation.query_vector(QUESTION)
    sides = generation.sides(QUESTION, vector, 100)
    found = list(dict.fromkeys(hit.doc_id for hit in sides.dense))
    assert len(found) > 3 and list(sides.document_dense) == found
    for doc_id in found:
        rows = [row for row in range(generation.row_count) if generation.doc_id(row) == doc_id]
        best = np.sort(np.stack([generation.vector(row) for row in rows]) @ vector)[-2:]
        assert abs(sides.document_dense[doc_id] - float(best.mean())) < 1e-6
    alone = generation.document_dense_scores(vector, found)
    assert alone.keys() == sides.document_dense.keys()
    assert np.allclose(list(alone.values()), list(sides.document_dense.values()), atol=1e-6)
    assert any(
        len([r for r in range(generation.row_count) if generation.doc_id(r) == d]) > 1
        for d in found
    ), "some found document has two chunks to average"
