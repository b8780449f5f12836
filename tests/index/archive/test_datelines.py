"""A ranking's light reads of outlets and dates: the same as the documents' metadata,
from the covering indexes or, in a store written before them, from the table."""

from __future__ import annotations

from index.archive import datelines
from index.documents import Dateline
from index.ingest.pipeline import load_sources

INDEXES = (datelines.INDEX, "documents_published_doc")


def _has_indexes(store) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    return all(store._db.execute(query, (name,)).fetchone() for name in INDEXES)


def test_datelines_are_the_documents_outlets_and_dates(store, chunker, demo_dir):
    documents = [d for source in load_sources([str(demo_dir)]) for d in source.documents]
    store.add(documents, chunker)
    expected = {d.doc_id: Dateline(d.source, d.published) for d in documents}
    assert any(line.published for line in expected.values())
    assert any(line.source for line in expected.values())
    assert store.datelines([*expected, "unknown"]) == expected
    assert _has_indexes(store)
    since = min(line.published for line in expected.values() if line.published)
    dated = {d for d, line in expected.items() if line.published}
    assert store.filter_doc_ids(since=since) == dated
    for name in INDEXES:
        store._db.execute(f"DROP INDEX {name}")  # as a store from before them
    assert store.datelines(list(expected)) == expected
    assert store.filter_doc_ids(since=since) == dated
    store.add(documents[:1], chunker)  # the next write brings them back
    assert _has_indexes(store)
