"""The numpy question encoder against sentence-transformers, with the real model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.derived.bert_numpy import NumpyBert, supports
from index.derived.embedding import Embedder
from index.text.tokenizer import model_max_tokens, resolve_model

TEXTS = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "Beijing",
    "",
    "华为 says the curbs are “bullying”; MOFCOM vows to respond.",
    "Semiconductor " * 400,  # past the 256 word pieces: truncated the same way
    "Hua Hong Semiconductor Ltd. and Shanghai Fudan Microelectronics Group Co. surged.",
]


@pytest.fixture(scope="module")
def light() -> NumpyBert:
    path = resolve_model(None)
    return NumpyBert(path, model_max_tokens(path))


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve_model(None), device="cpu")


def _assert_same_vectors(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=2e-6)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)


def test_the_default_model_qualifies_for_the_numpy_encoder():
    assert supports(resolve_model(None))
    assert Embedder().query_backend == "numpy"


def test_vectors_equal_sentence_transformers_float32(light, reference):
    theirs = reference.encode(TEXTS, normalize_embeddings=True, batch_size=16)
    _assert_same_vectors(light.encode(TEXTS), np.asarray(theirs, dtype=np.float32))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=12))
def test_any_batch_of_texts_encodes_as_sentence_transformers_does(light, reference, texts):
    theirs = reference.encode(texts, normalize_embeddings=True, batch_size=16)
    _assert_same_vectors(light.encode(texts), np.asarray(theirs, dtype=np.float32))


def test_a_model_it_cannot_compute_goes_through_sentence_transformers(tmp_path):
    folder = tmp_path / "cls-pooled"
    shutil.copytree(resolve_model(None), folder)
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    assert not supports(str(folder))
    embedder = Embedder(str(folder))
    assert embedder.query_backend == "torch"
    assert embedder.encode_query("Huawei").shape == (384,)


def test_the_questions_path_answers_as_with_torch(demo_desk):
    from search.desk import Newsdesk

    question = "What did China's commerce ministry say about the new US restrictions on Huawei?"
    want = demo_desk.ask(question)
    with Newsdesk(demo_desk.index.dir) as other:
        other.index._embedder = Embedder(query_backend="torch")
        got = other.ask(question)
        assert other.index.embedder.query_backend == "torch"
    assert [s.text for s in got.sentences] == [s.text for s in want.sentences]
    assert [p.chunk_id for p in got.passages] == [p.chunk_id for p in want.passages]
    # The torch path runs in bfloat16 where the CPU has it (the numpy path is float32):
    # then cosines agree to bf16 noise and near-tied passages may swap dense ranks.
    bf16 = other.index.embedder.dtype == "bfloat16"
    rank_slack, score_tol = (3, 2e-3) if bf16 else (0, 1e-5)
    for got_passage, want_passage in zip(got.passages, want.passages, strict=True):
        rank_gap = abs(got_passage.scores.dense_rank - want_passage.scores.dense_rank)
        assert rank_gap <= rank_slack
    np.testing.assert_allclose(
        [p.scores.dense_score for p in got.passages],
        [p.scores.dense_score for p in want.passages],
        atol=score_tol,
    )
    np.testing.assert_allclose(
        [p.scores.fused for p in got.passages],
        [p.scores.fused for p in want.passages],
        atol=score_tol if bf16 else 1e-6,
    )


def test_asking_from_the_command_line_never_imports_torch(demo_desk):
    script = (
        "import sys; from ui.cli import main; "
        f"status = main(['ask', '--index', {str(demo_desk.index.dir)!r}, 'Huawei export curbs']); "
        "assert status == 0, status; "
        "assert 'torch' not in sys.modules, 'torch was imported'; "
        "assert 'sentence_transformers' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Huawei" in result.stdout
