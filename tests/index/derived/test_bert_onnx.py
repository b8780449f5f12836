"""The ONNX Runtime question encoder against sentence-transformers, with the real model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.derived.bert_graph import supports
from index.derived.bert_onnx import OnnxBert, graph_file
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
def light(tmp_path_factory) -> OnnxBert:
    path = resolve_model(None)
    return OnnxBert(path, model_max_tokens(path), folder=tmp_path_factory.mktemp("graphs"))


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve_model(None), device="cpu")


def _assert_same_vectors(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=2e-6)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)


def test_the_default_model_qualifies_for_the_onnx_encoder():
    assert supports(resolve_model(None))
    assert Embedder().query_backend == "onnx"


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
    # The torch path runs in bfloat16 where the CPU has it (the ONNX path is float32):
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


def test_asking_from_the_command_line_never_imports_torch_or_faiss(demo_desk):
    # The session's demo index has asked questions already, so the graph is stored:
    # a cold question loads it and never imports onnx (a second) to write it again.
    script = (
        "import sys; from ui.cli import main; "
        f"status = main(['ask', '--index', {str(demo_desk.index.dir)!r}, 'Huawei export curbs']); "
        "assert status == 0, status; "
        "assert 'torch' not in sys.modules, 'torch was imported'; "
        "assert 'sentence_transformers' not in sys.modules; "
        "assert 'onnx' not in sys.modules, 'the stored graph was written again'; "
        # The demo index is small enough for exact search, which needs no FAISS.
        "assert 'faiss' not in sys.modules, 'faiss was imported'"
    )
    demo_desk.index.embedder.load_for_questions()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Huawei" in result.stdout


def test_the_graph_is_written_once_and_a_damaged_one_again(tmp_path, light):
    path = resolve_model(None)
    first = OnnxBert(path, model_max_tokens(path), folder=tmp_path)
    stored = graph_file(path, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [stored.name]  # no leftover .part
    written = stored.stat().st_mtime_ns
    want = light.encode(TEXTS)
    np.testing.assert_array_equal(OnnxBert(path, 256, folder=tmp_path).encode(TEXTS), want)
    assert stored.stat().st_mtime_ns == written
    stored.write_bytes(stored.read_bytes()[:4096])  # a disk that filled up mid-write
    np.testing.assert_array_equal(OnnxBert(path, 256, folder=tmp_path).encode(TEXTS), want)
    assert stored.stat().st_size > 4096
    np.testing.assert_array_equal(first.encode(TEXTS), want)


def test_a_cache_folder_that_cannot_be_written_still_answers(tmp_path, light):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    path = resolve_model(None)
    encoder = OnnxBert(path, model_max_tokens(path), folder=blocked / "graphs")
    np.testing.assert_array_equal(encoder.encode(TEXTS), light.encode(TEXTS))
