"""The hybrid index: incremental updates equal a rebuild, embeddings are cached, the
manifest guards the model, a failed update leaves the previous index usable."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.derived.bm25 import BM25Params
from index.derived.embedding import Embedder
from index.derived.lock import WriterLock
from index.derived.manifest import FORMAT_VERSION
from index.derived.vectors import VectorStore
from index.errors import StoreError
from index.newsindex import NewsIndex

pytestmark = pytest.mark.model

QUERIES = [
    "Huawei semiconductor restrictions",
    "TikTok security threat senators",
    "Saudi oil attack refiners",
    "Canadian public opinion poll",
]


def _rankings(index: NewsIndex) -> list:
    """Chunk ids in rank order and their scores, for BM25 and dense, per query."""
    out = []
    for query in QUERIES:
        generation = index.snapshot()
        out.append([(hit.chunk_id, hit.score) for hit in generation.bm25_ranking(query, 10)])
        out.append([(hit.chunk_id, hit.score) for hit in generation.dense_ranking(query, 10)])
    return out


def _assert_same(actual: list, expected: list) -> None:
    """Same chunks in the same order; scores equal up to bfloat16 batch numerics (a
    vector embedded in another batch differs in the 4th decimal)."""
    assert [[cid for cid, _ in r] for r in actual] == [[cid for cid, _ in r] for r in expected]
    for got, want in zip(actual, expected, strict=True):
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=2e-3)


class CountingEmbedder(Embedder):
    """The real model, counting how many passages (`embedded`) and questions
    (`questions`) it is asked to embed."""

    embedded = 0
    questions = 0

    def encode(self, texts, progress=False):
        CountingEmbedder.embedded += len(texts)
        return super().encode(texts, progress)

    def encode_questions(self, texts):
        CountingEmbedder.questions += len(texts)
        return super().encode_questions(texts)


def test_incremental_add_and_delete_equal_a_full_rebuild(tmp_path, demo_dir):
    files = sorted(str(p) for p in demo_dir.glob("*.txt"))
    with NewsIndex(tmp_path / "full") as full:
        full.add(files)
        expected = _rankings(full)
        doc_id = next(d.doc_id for d in full.store.documents() if d.provenance.format == "feed")
    with NewsIndex(tmp_path / "inc") as incremental:
        incremental._embedder = CountingEmbedder()
        incremental.add(files[:2])
        incremental.add(files[2:])
        assert CountingEmbedder.embedded == len(incremental.store.chunks()), (
            "each chunk is embedded once: the first batch's chunks are not embedded again"
        )
        _assert_same(_rankings(incremental), expected)
        before = CountingEmbedder.embedded
        incremental.delete(doc_id)
        assert CountingEmbedder.embedded == before, "a delete re-embeds nothing"
        deleted = _rankings(incremental)
        assert all(not cid.startswith(doc_id) for ranking in deleted for cid, _ in ranking)
    with NewsIndex(tmp_path / "rebuilt") as rebuilt:
        rebuilt.add(files)
        rebuilt.delete(doc_id)
        _assert_same(_rankings(rebuilt), deleted)


def test_reopened_index_loads_without_embedding_documents_again(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix") as first:
        first.add([str(demo_dir / "004_1ae60b7a2546b04f.txt")])
        expected = _rankings(first)
    with NewsIndex(tmp_path / "ix") as again:
        again._embedder = CountingEmbedder()
        CountingEmbedder.embedded = CountingEmbedder.questions = 0
        _assert_same(_rankings(again), expected)
        assert CountingEmbedder.embedded == 0, "no passage is embedded again"
        assert CountingEmbedder.questions == len(QUERIES), "only the queries are embedded"


def test_manifest_records_model_and_parameters_and_rejects_another_model(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir / "004_1ae60b7a2546b04f.txt")])
        manifest = index.manifest()
        live = index.snapshot().name
    assert manifest.model.name == "all-MiniLM-L6-v2"
    assert manifest.model.dims == 384
    assert manifest.chunking.max_tokens == 200
    assert manifest.bm25 == BM25Params(k1=0.9, b=0.4, epsilon=0.25)
    assert manifest.document_bm25 == BM25Params(k1=1.2, b=0.75, epsilon=0.25)
    assert manifest.libraries["faiss-cpu"]
    written = json.loads((tmp_path / "ix" / live / "manifest.json").read_text())
    assert written["format_version"] == FORMAT_VERSION == 3 and written["model"]["dims"] == 384
    other_model = "sentence-transformers/all-mpnet-base-v2"
    with (
        NewsIndex(tmp_path / "ix", model=other_model) as other,
        pytest.raises(StoreError, match="embedded with model 'all-MiniLM-L6-v2'"),
    ):
        other.snapshot()


def test_an_index_of_an_older_format_is_rebuilt_not_refused(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir / "004_1ae60b7a2546b04f.txt")])
        expected = _rankings(index)
        old = index.snapshot().name
    path = tmp_path / "ix" / old / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "format_version": 1}))
    with NewsIndex(tmp_path / "ix") as index:
        assert _rankings(index) == expected
        assert index.snapshot().name != old and index.manifest().format_version == 3


def test_failed_update_leaves_the_previous_index_usable(tmp_path, demo_dir, monkeypatch):
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir / "004_1ae60b7a2546b04f.txt")])
        expected = _rankings(index)
        live = (tmp_path / "ix" / "CURRENT").read_text()

        def crash(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(VectorStore, "build", crash)
        with pytest.raises(KeyboardInterrupt):
            index.add([str(demo_dir / "003_37f34b07a0795044.txt")])
    assert (tmp_path / "ix" / "CURRENT").read_text() == live
    manifest = json.loads((tmp_path / "ix" / live / "manifest.json").read_text())
    assert manifest["documents"] == 1
    monkeypatch.undo()
    with NewsIndex(tmp_path / "ix") as reopened:
        # The store committed the new documents; the stale derived index is rebuilt.
        assert reopened.manifest().documents == 10
        assert _rankings(reopened) != expected


def test_second_writer_fails_clearly_while_the_first_holds_the_lock(tmp_path):
    (tmp_path / "ix").mkdir()
    with (
        WriterLock(tmp_path / "ix"),
        pytest.raises(StoreError, match="another newsdesk process is updating this index"),
    ):
        WriterLock(tmp_path / "ix", timeout_s=0.2).__enter__()


def test_hnsw_recall_at_10_against_exact_search_on_real_embeddings(demo_dir):
    from index.ingest.pipeline import load_sources
    from index.text.sentences import sentence_spans

    texts = [
        d.text[s:e]
        for src in load_sources([str(demo_dir)])
        for d in src.documents
        for s, e in sentence_spans(d.text)
    ]
    vectors = Embedder().encode(texts)
    exact = VectorStore.build(vectors, hnsw_threshold=10**9)
    approximate = VectorStore.build(vectors, hnsw_threshold=0)
    assert approximate.kind == "hnsw" and exact.kind == "flat"
    rng = np.random.default_rng(0)
    recalls = []
    for row in rng.choice(len(vectors), 100, replace=False):
        truth = set(exact.search(vectors[row], 10)[0].tolist())
        found = set(approximate.search(vectors[row], 10)[0].tolist())
        recalls.append(len(truth & found) / 10)
    assert np.mean(recalls) >= 0.98
