"""The ONNX Runtime question encoder against sentence-transformers, with the real model:
float32 equal to it, int8 (the default) close to float32."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.derived import bert_int8
from index.derived.bert_graph import supports
from index.derived.bert_onnx import OnnxBert, graph_file
from index.derived.embedding import Embedder
from index.text.tokenizer import model_max_tokens, resolve_model

pytestmark = pytest.mark.model

TEXTS = [
    "What did China's commerce ministry say about the new US restrictions on Huawei?",
    "Beijing",
    "",
    "华为 says the curbs are “bullying”; MOFCOM vows to respond.",
    "Semiconductor " * 400,  # past the 256 word pieces: truncated the same way
    "Hua Hong Semiconductor Ltd. and Shanghai Fudan Microelectronics Group Co. surged.",
]


QUESTIONS = [
    "What did Beijing say about the new US chip curbs?",
    "Who was arrested after the protests in Hong Kong?",
    "How much did the central bank cut rates by in March?",
    "Which airline ordered 300 jets from Airbus?",
    "Why did the Senate reject the budget bill?",
    "When will the export controls on semiconductors take effect?",
]


@pytest.fixture(scope="module")
def light(tmp_path_factory) -> OnnxBert:
    path = resolve_model(None)
    folder = tmp_path_factory.mktemp("graphs")
    return OnnxBert(path, model_max_tokens(path), folder=folder, precision="float32")


@pytest.fixture(scope="module")
def int8_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("int8")


@pytest.fixture(scope="module")
def int8(int8_folder) -> OnnxBert:
    path = resolve_model(None)
    return OnnxBert(path, model_max_tokens(path), folder=int8_folder)


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
    assert Embedder().question_precision == "int8"
    assert Embedder(question_precision="float32").question_precision == "float32"


def test_a_question_precision_it_does_not_know_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("NEWSDESK_QUESTION_PRECISION", "int4")
    with pytest.raises(ValueError, match="'int4'"):
        Embedder()
    monkeypatch.setenv("NEWSDESK_QUESTION_PRECISION", "float32")
    assert Embedder().question_precision == "float32"


def test_int8_vectors_stay_close_to_float32(int8, light):
    ours, exact = int8.encode(TEXTS + QUESTIONS), light.encode(TEXTS + QUESTIONS)
    assert ours.shape == exact.shape and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    cosines = (ours * exact).sum(axis=1)
    # Sentences and questions keep 0.99; the empty text and one word repeated 400 times
    # are furthest from what the smoothing was calibrated on.
    degenerate = [TEXTS.index(""), TEXTS.index("Semiconductor " * 400)]
    assert np.delete(cosines, degenerate).min() >= 0.99, cosines
    assert cosines[degenerate].min() >= 0.97, cosines


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=0, max_size=300), min_size=1, max_size=8))
def test_an_int8_vector_does_not_depend_on_the_batch_it_came_in(int8, texts):
    together = int8.encode(texts)
    for row, text in enumerate(texts):
        np.testing.assert_array_equal(together[row], int8.encode([text])[0])


def test_the_int8_graph_is_stored_once_under_a_name_of_its_recipe(int8, int8_folder, monkeypatch):
    path = resolve_model(None)
    stored = graph_file(path, int8_folder)
    assert sorted(p.name for p in int8_folder.iterdir()) == [stored.name, stored.name + ".sha256"]
    assert stored.name.startswith("bert-int8-")
    assert stored != graph_file(path, int8_folder, "float32")
    loaded = OnnxBert(path, model_max_tokens(path), folder=int8_folder)
    np.testing.assert_array_equal(loaded.encode(QUESTIONS), int8.encode(QUESTIONS))
    monkeypatch.setattr(bert_int8, "SMOOTHING", 0.5)
    assert graph_file(path, int8_folder) != stored  # a new recipe, a new graph


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
    with Newsdesk(demo_desk.index.dir) as exact:
        exact.index._embedder = Embedder(question_precision="float32")
        want = exact.ask(question)
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


def test_the_readme_question_is_answered_in_int8_as_in_float32(demo_desk):
    from search.desk import Newsdesk

    question = "What did China's commerce ministry say about the new US restrictions on Huawei?"
    got = demo_desk.ask(question)
    assert demo_desk.index.embedder.question_precision == "int8"
    with Newsdesk(demo_desk.index.dir) as exact:
        exact.index._embedder = Embedder(question_precision="float32")
        want = exact.ask(question)
    assert [s.text for s in got.sentences] == [s.text for s in want.sentences]
    assert [p.chunk_id for p in got.passages] == [p.chunk_id for p in want.passages]
    np.testing.assert_allclose(
        [p.scores.dense_score for p in got.passages],
        [p.scores.dense_score for p in want.passages],
        atol=0.02,
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
    first = OnnxBert(path, model_max_tokens(path), folder=tmp_path, precision="float32")
    stored = graph_file(path, tmp_path, "float32")
    # The graph and its checksum, no leftover .part.
    assert sorted(p.name for p in tmp_path.iterdir()) == [stored.name, stored.name + ".sha256"]
    written = stored.stat().st_mtime_ns
    want = light.encode(TEXTS)
    again = OnnxBert(path, 256, folder=tmp_path, precision="float32")
    np.testing.assert_array_equal(again.encode(TEXTS), want)
    assert stored.stat().st_mtime_ns == written
    stored.write_bytes(stored.read_bytes()[:4096])  # a disk that filled up mid-write
    rewritten = OnnxBert(path, 256, folder=tmp_path, precision="float32")
    np.testing.assert_array_equal(rewritten.encode(TEXTS), want)
    assert stored.stat().st_size > 4096
    np.testing.assert_array_equal(first.encode(TEXTS), want)


def test_a_cache_folder_that_cannot_be_written_still_answers(tmp_path, light):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    path = resolve_model(None)
    encoder = OnnxBert(path, model_max_tokens(path), folder=blocked / "graphs", precision="float32")
    np.testing.assert_array_equal(encoder.encode(TEXTS), light.encode(TEXTS))


def _flip(path: Path, share: float = 0.01) -> None:
    """Flip the bits of `share` of the bytes in the middle of the file (a weight)."""
    data = bytearray(path.read_bytes())
    middle, count = len(data) // 2, max(1, int(len(data) * share))
    for index in range(middle, middle + count):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", ["empty", "flipped"], ids=["a zero-length graph", "1 % of a weight flipped"]
)
def test_a_damaged_graph_is_never_trusted_and_is_written_again(tmp_path, light, damage):
    path = resolve_model(None)
    OnnxBert(path, 256, folder=tmp_path, precision="float32")
    stored = graph_file(path, tmp_path, "float32")
    whole = stored.read_bytes()
    if damage == "empty":
        stored.write_bytes(b"")
    else:
        _flip(stored)
    encoder = OnnxBert(path, 256, folder=tmp_path, precision="float32")
    np.testing.assert_array_equal(encoder.encode(TEXTS), light.encode(TEXTS))
    assert stored.read_bytes() == whole


def test_a_float32_graph_under_the_int8_name_is_written_again(int8, int8_folder, tmp_path):
    path = resolve_model(None)
    float32 = graph_file(path, tmp_path, "float32")
    OnnxBert(path, 256, folder=tmp_path, precision="float32")
    swapped = graph_file(path, tmp_path, "int8")
    swapped.write_bytes(float32.read_bytes())
    (tmp_path / (swapped.name + ".sha256")).write_bytes(
        (tmp_path / (float32.name + ".sha256")).read_bytes()
    )
    encoder = OnnxBert(path, model_max_tokens(path), folder=tmp_path)
    np.testing.assert_array_equal(encoder.encode(QUESTIONS), int8.encode(QUESTIONS))
    assert swapped.read_bytes() == graph_file(path, int8_folder, "int8").read_bytes()
