"""Segments: a write adds a segment and marks deleted rows, touching nothing else; an
update, a removal and a merge leave rankings equal to a rebuild's."""

from __future__ import annotations

import json
import shutil

import pytest

from index.derived.live import live_manifest
from index.derived.segment_files import SEGMENTS
from index.newsindex import NewsIndex
from tests.index.test_newsindex import _assert_same, _rankings

pytestmark = pytest.mark.model

ARTICLE = (
    "Chipmakers in Shenzhen said on Monday that a new export licence regime for lithography "
    "tools would delay three fabrication plants. {extra}The Shenzhen semiconductor association "
    "said members had stockpiled spare parts for eighteen months and asked the commerce "
    "ministry for a faster review of licence applications."
)


def write_article(folder, name: str, extra: str = "") -> str:
    """A JSON Lines file of one article at a URL of its own: written again with other
    text, it is an update of the same document."""
    path = folder / f"{name}.jsonl"
    record = {
        "title": "Shenzhen fabs warn of licence delays",
        "text": ARTICLE.format(extra=extra),
        "url": f"https://news.example.com/{name}",
    }
    path.write_text(json.dumps(record) + "\n")
    return str(path)


def files_of(index_dir) -> dict[str, tuple[int, int]]:
    """Every segment file → (inode, modification time in ns)."""
    root = index_dir / SEGMENTS
    return {
        str(path.relative_to(root)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


def rebuilt_rankings(index_dir, tmp_path) -> list:
    """The rankings of a generation built from scratch from a copy of the same store
    (and embedding cache)."""
    copy = tmp_path / "rebuilt"
    shutil.copytree(index_dir, copy)
    shutil.rmtree(copy / SEGMENTS)
    for folder in copy.glob("gen-*"):
        shutil.rmtree(folder)
    (copy / "CURRENT").unlink()
    with NewsIndex(copy) as index:
        assert len(index.manifest().segments) == 1
        return _rankings(index)


def test_a_write_adds_one_segment_and_leaves_the_others_untouched(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir)])
        before, files = index.manifest().segments, files_of(index.dir)
        (outcome,) = index.add([write_article(tmp_path, "fabs")]).outcomes
        after = index.manifest()
        assert after.segments[: len(before)] == before
        assert len(after.segments) == len(before) + 1
        assert after.segments[-1].rows == len(index.store.chunks(outcome.doc_id))
        assert {k: v for k, v in files_of(index.dir).items() if k in files} == files
        assert index.snapshot().bm25_ranking("Shenzhen lithography licence", 1)[0].doc_id
        hits = index.snapshot().dense_ranking("fabrication plants delayed by export licences", 1)
        assert index.snapshot().doc_id(hits[0].row) == hits[0].doc_id
        assert index.document(hits[0].doc_id).url.endswith("/fabs")


def test_updates_and_removals_mark_rows_and_rank_as_a_rebuild(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix", merge=False) as index:
        index.add([str(demo_dir)])
        path = write_article(tmp_path, "fabs")
        index.add([path])
        write_article(tmp_path, "fabs", extra="Output at two plants fell by a fifth. ")
        (outcome,) = index.add([path]).outcomes
        assert outcome.status == "updated"
        updated = outcome.doc_id
        removed = index.snapshot().bm25_ranking("Huawei", 1)[0].doc_id
        assert index.delete(removed)
        manifest = index.manifest()
        assert sum(e.deleted for e in manifest.segments) >= 3, "old rows are marked, not rewritten"
        generation = index.snapshot()
        assert not generation.has_document(removed) and generation.has_document(updated)
        assert all(h.doc_id != removed for h in generation.bm25_ranking("Huawei", 1000))
        assert manifest.chunks == len(generation.chunk_ids) == len(index.store.chunks())
        _assert_same(_rankings(index), rebuilt_rankings(index.dir, tmp_path))
        assert _rankings(index)[0::2] == rebuilt_rankings(index.dir, tmp_path / "again")[0::2]


def test_small_segments_are_merged_in_the_background(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir)])
        for number in range(10):
            index.add([write_article(tmp_path, f"fabs{number}", extra=f"Plant {number}. ")])
            index.wait_for_merges()
        index.delete(index.snapshot().bm25_ranking("Plant 3", 1)[0].doc_id)
        index.wait_for_merges()
        manifest = live_manifest(index.dir)
        assert len(manifest.segments) < 11, "ten one-article segments became one"
        on_disk = {folder.name for folder in (index.dir / SEGMENTS).iterdir()}
        assert on_disk >= {e.name for e in manifest.segments}
        assert len(on_disk) <= len(manifest.segments) + 11, "merged-away segments are dropped"
        _assert_same(_rankings(index), rebuilt_rankings(index.dir, tmp_path))


def test_an_add_without_embedding_is_searchable_by_words_until_finished(tmp_path, demo_dir):
    with NewsIndex(tmp_path / "whole") as whole:
        whole.add([str(demo_dir)])
        expected = _rankings(whole)
    with NewsIndex(tmp_path / "ix") as index:
        index.add([str(demo_dir)], embed=False)
        manifest = index.manifest()
        assert manifest.pending_chunks == manifest.chunks > 0, "nothing embedded yet"
        assert index.snapshot().bm25_ranking("Huawei", 5), "but found by its words"
        assert index.snapshot().dense_ranking("Huawei", 5) == []
        index.finish()
        assert index.manifest().pending_chunks == 0
        _assert_same(_rankings(index), expected)
