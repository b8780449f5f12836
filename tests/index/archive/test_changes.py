"""The change log names every document a write added, replaced or removed, so a
segmented index writes only those (index/archive/changes.py)."""

from __future__ import annotations

import sqlite3

from index.archive.store import DocumentStore
from tests.index.archive.test_store import WIRE, _doc

OTHER = "Floods closed schools across the north as rivers rose overnight. " * 3


def test_each_write_logs_what_it_changed(store, chunker):
    log = store.change_log()
    first, other = _doc(WIRE, url="https://a.example/s"), _doc(OTHER)
    store.add([first, other], chunker)
    start = log.last()
    assert start >= 2 and set(log.since(0)) == {first.doc_id, other.doc_id}
    updated = _doc(WIRE + " Updated with comment from the ministry.", url="https://a.example/s")
    store.add([updated], chunker)
    assert log.since(start) == [first.doc_id], "an update names its document once"
    store.add([updated], chunker)
    assert log.since(start) == [first.doc_id], "an unchanged document is no change"
    middle = log.last()
    store.delete(other.doc_id)
    assert log.since(middle) == [other.doc_id]


def test_a_store_written_before_the_log_gets_it_with_its_next_write(tmp_path, chunker):
    with DocumentStore(tmp_path / "ix") as store:
        store.add([_doc(WIRE)], chunker)
    with sqlite3.connect(tmp_path / "ix" / "documents.sqlite") as db:
        for name in ("documents_added", "documents_removed"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DROP TABLE changes")
    with DocumentStore(tmp_path / "ix") as store:
        assert store.change_log().last() is None, "no log: the next build is a whole one"
        store.add([_doc(OTHER)], chunker)
        assert store.change_log().last() == 1
        store.change_log().start()
        assert store.change_log().last() == 1, "starting a log keeps its entries"


def test_forgetting_keeps_later_changes(store, chunker):
    log = store.change_log()
    store.add([_doc(WIRE)], chunker)
    covered = log.last()
    store.add([_doc(OTHER)], chunker)
    log.forget_until(covered)
    assert log.since(0) == [_doc(OTHER).doc_id]
