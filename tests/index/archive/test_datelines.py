"""A ranking's light read of outlets and dates: the same as the documents' metadata,
from the covering index or, in a store written before it, from the table."""

from __future__ import annotations

from index.archive import datelines
from index.documents import Dateline
from index.ingest.pipeline import load_sources


def _has_index(store) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    return store._db.execute(query, (datelines.INDEX,)).fetchone() is not None


def test_datelines_are_the_documents_outlets_and_dates(store, chunker, demo_dir):
    documents = [d for source in load_sources([str(demo_dir)]) for d in source.documents]
    store.add(documents, chunker)
    expected = {d.doc_id: Dateline(d.source, d.published) for d in documents}
    assert any(line.published for line in expected.values())
    assert any(line.source for line in expected.values())
    assert store.datelines([*expected, "unknown"]) == expected
    assert _has_index(store)
    store._db.execute(f"DROP INDEX {datelines.INDEX}")  # as a store from before it
    assert store.datelines(list(expected)) == expected
    store.add(documents[:1], chunker)  # the next write brings the index back
    assert _has_index(store)
