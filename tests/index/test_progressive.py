"""Progressive indexing: a large add is searchable by its words at once, by its leads
next, and whole at the end, with the same results as an add embedded up front."""

from __future__ import annotations

import pytest

from index.derived.embedding import Embedder
from index.newsindex import NewsIndex
from tests.index.test_newsindex import _assert_same, _rankings

pytestmark = pytest.mark.model

QUERY = "Huawei semiconductor restrictions"


def _seen_by_a_reader(index_dir) -> dict:
    """What another process would serve right now."""
    with NewsIndex(index_dir, rebuild_stale=False) as reader:
        generation = reader.snapshot()
        dense = generation.dense_ranking(QUERY, 1000)
        return {
            "chunks": generation.row_count,
            "pending": generation.manifest.pending_chunks,
            "bm25": len(generation.bm25_ranking(QUERY, 1000)),
            "dense": len(dense),
            "dense_rows": {hit.row for hit in dense},
            "leads": {generation.first_row(doc_id) for doc_id in set(generation.doc_ids)},
        }


def test_a_large_add_is_searchable_by_words_then_leads_then_whole(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "whole", progressive_from=10**9) as whole:
        whole.add([str(demo_dir)])
        expected = _rankings(whole)
    with NewsIndex(tmp_path / "prog", progressive_from=1) as index:
        steps = []
        index._announce = lambda: steps.append(_seen_by_a_reader(index.dir))
        index.add([str(demo_dir)])
        assert index.manifest().pending_chunks == 0
        _assert_same(_rankings(index), expected)
    first, leads, *rest = steps
    total = first["chunks"]
    assert first["pending"] == total and first["dense"] == 0, "nothing embedded yet"
    assert first["bm25"] > 0, "yet every new passage is found by its words"
    assert leads["pending"] == total - len(leads["leads"])
    assert leads["dense_rows"] <= leads["leads"] and leads["dense"] == len(leads["leads"])
    assert rest[-1]["pending"] == 0 and rest[-1]["dense"] == total


class FailingAfterLeads(Embedder):
    """The real model, failing once the leads' generation is live (two generations)."""

    generations = 0

    def encode(self, texts, progress=False):
        if FailingAfterLeads.generations >= 2:
            raise RuntimeError("embedding worker died")
        return super().encode(texts, progress)


def interrupt_a_fill(index_dir, targets: list[str]):
    """Index `targets` progressively with the real model, the embedding worker dying
    once the leads are live: the state a killed fill leaves. Its manifest."""
    with NewsIndex(index_dir, progressive_from=1) as index:
        FailingAfterLeads.generations = 0
        index._embedder = FailingAfterLeads()
        index._announce = lambda: setattr(
            FailingAfterLeads, "generations", FailingAfterLeads.generations + 1
        )
        with pytest.raises(RuntimeError):
            index.add(targets)
        return index.manifest()


def test_an_interrupted_fill_keeps_its_documents_and_the_next_add_completes_it(tmp_path, demo_dir):
    interrupt_a_fill(tmp_path / "ix", [str(demo_dir)])
    with NewsIndex(tmp_path / "ix", rebuild_stale=False) as reader:
        documents = reader.store.count()  # what the store kept, against what is served
        manifest = reader.manifest()
        assert manifest.documents == documents > 0
        assert 0 < manifest.pending_chunks < manifest.chunks
        assert reader.snapshot().bm25_ranking(QUERY, 10), "searchable by words meanwhile"
    with NewsIndex(tmp_path / "ix") as index:
        index.add([])
        assert index.manifest().pending_chunks == 0
        assert index.manifest().documents == documents


def _cached_vectors(index_dir) -> int:
    import sqlite3

    with sqlite3.connect(index_dir / "embedding_cache.sqlite") as db:
        return db.execute("SELECT count(*) FROM vectors").fetchone()[0]


def test_the_next_large_add_finishes_an_interrupted_fill(tmp_path, demo_dir):
    files = sorted(str(p) for p in demo_dir.iterdir())
    assert interrupt_a_fill(tmp_path / "ix", files[:3]).pending_chunks > 0
    with NewsIndex(tmp_path / "ix", progressive_from=1) as index:
        index.add(files[3:])  # a large add of other documents, itself progressive
        manifest = index.manifest()
        assert manifest.pending_chunks == 0, "what the interrupted fill left is embedded too"
        assert manifest.documents == index.store.count()


def test_a_reader_after_a_kill_before_the_first_generation_embeds_nothing(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix", progressive_from=1) as index:

        def killed(partial=False):
            raise KeyboardInterrupt  # the process dies after the store's commit

        index._builder.build = killed
        with pytest.raises(KeyboardInterrupt):
            index.add([str(demo_dir)])
        documents = index.store.count()
        assert documents > 0 and not (tmp_path / "ix" / "CURRENT").exists()
    cached = _cached_vectors(tmp_path / "ix")
    with NewsIndex(tmp_path / "ix") as reader:  # `newsdesk info`, `ask`: a reader
        generation = reader.snapshot()
        assert generation.manifest.documents == documents
        assert generation.bm25_ranking(QUERY, 10), "the committed documents are searchable"
        assert generation.manifest.pending_chunks == generation.row_count
    assert _cached_vectors(tmp_path / "ix") == cached, "the reader embedded nothing"
    with NewsIndex(tmp_path / "ix") as writer:
        writer.add([])
        assert writer.manifest().pending_chunks == 0, "the next writer finishes it"
        assert _cached_vectors(tmp_path / "ix") > cached
