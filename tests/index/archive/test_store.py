"""The SQLite store: deduplication, near-duplicate links, updates, deletes, two writers."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from index.archive.store import DocumentStore
from index.documents import Provenance
from index.errors import StoreError
from index.ingest.loaders.common import build_document

WIRE = (
    "Chinese regulators on Monday ordered the country's largest banks to cut mortgage rates "
    "for first-time buyers, the latest step in a campaign to revive a property market that "
    "has slumped for three years. The central bank said lenders must lower rates by at least "
    "twenty basis points from next month. Analysts said the move would help sentiment but "
    "was unlikely to reverse falling prices on its own. Developers' shares rose in Hong Kong "
    "trading after the announcement, with the property index gaining four percent."
)


def _doc(text: str, url: str | None = None, origin: str = "test"):
    return build_document(text=text, url=url, provenance=Provenance(origin, "text"))


def test_same_url_and_same_text_are_stored_once(store, chunker):
    first = _doc(WIRE, url="https://a.example/story?utm_source=x")
    same_url = _doc(WIRE, url="https://A.example/story")
    same_text = _doc(WIRE, url="https://b.example/copy")
    outcomes = store.add([first, same_url, same_text], chunker)
    assert [o.status for o in outcomes] == ["added", "unchanged", "duplicate"]
    assert outcomes[2].duplicate_of == first.doc_id
    assert store.count() == 1
    assert store.find_by_url("https://b.example/copy").doc_id == first.doc_id


def test_lightly_edited_wire_copy_is_linked_not_dropped(store, chunker):
    original = _doc(WIRE, url="https://wire.example/1")
    edited = _doc(
        WIRE.replace("on Monday", "on Monday, according to a statement,").replace(
            "four percent", "4%"
        )
        + " Reporting by the wire desk.",
        url="https://outlet.example/2",
    )
    unrelated = _doc("Floods closed schools across the north as rivers rose overnight. " * 3)
    outcomes = store.add([original, edited, unrelated], chunker)
    assert store.count() == 3
    assert [other for other, _ in outcomes[1].near_duplicates] == [original.doc_id]
    (pair,) = store.near_duplicates(original.doc_id)
    assert pair[0] == edited.doc_id and pair[1] >= 0.5
    assert store.near_duplicates(unrelated.doc_id) == []


def test_new_text_at_a_known_url_replaces_the_old_version(store, chunker):
    store.add([_doc(WIRE, url="https://a.example/s")], chunker)
    updated = _doc(WIRE + " Updated with comment from the ministry.", url="https://a.example/s")
    (outcome,) = store.add([updated], chunker)
    assert outcome.status == "updated"
    assert store.count() == 1
    assert store.get(updated.doc_id).text.endswith("comment from the ministry.")
    assert all(c.text in updated.text for c in store.chunks(updated.doc_id))


def test_delete_removes_document_chunks_and_links(store, chunker):
    a, b = _doc(WIRE, url="https://a.example/1"), _doc(WIRE + " Extra line.", url="https://b/2")
    store.add([a, b], chunker)
    assert store.delete(a.doc_id)
    assert store.get(a.doc_id) is None
    assert store.chunks(a.doc_id) == []
    assert store.near_duplicates(b.doc_id) == []
    assert not store.delete(a.doc_id)


def test_documents_round_trip_with_all_metadata(store, chunker, demo_dir):
    from index.ingest.pipeline import load_source

    loaded = load_source(str(demo_dir / "002_3e87bf4d829148b1.txt")).documents
    store.add(loaded, chunker)
    for document in loaded:
        assert store.get(document.doc_id) == document


def test_second_writer_waits_for_the_first_then_fails_clearly(tmp_path, chunker):
    first = DocumentStore(tmp_path / "ix")
    waiting = DocumentStore(tmp_path / "ix", busy_timeout_s=0.3)
    holder = sqlite3.connect(first.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(StoreError, match="busy"):
        waiting.add([_doc(WIRE)], chunker)
    released = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    released.start()
    patient = DocumentStore(tmp_path / "ix", busy_timeout_s=10)
    assert [o.status for o in patient.add([_doc(WIRE)], chunker)] == ["added"]
    released.join()
    assert first.count() == 1


def test_store_refuses_chunks_made_with_other_parameters(store, chunker, tokenizer):
    from index.text.chunking import Chunker, ChunkingConfig

    store.add([_doc(WIRE)], chunker)
    other = Chunker(tokenizer, ChunkingConfig(max_tokens=120))
    with pytest.raises(StoreError, match="rebuild"):
        store.add([_doc(WIRE + " More.")], other)


@pytest.mark.parametrize("batch", [2, 500])
def test_batched_reads_equal_reads_one_by_one(store, chunker, demo_dir, monkeypatch, batch):
    from index.archive import batches
    from index.ingest.pipeline import load_sources

    monkeypatch.setattr(batches, "BATCH", batch)  # 2: every read spans several batches
    documents = [d for source in load_sources([str(demo_dir)]) for d in source.documents]
    edited = _doc(WIRE + " Reporting by the wire desk.", url="https://b.example/2")
    store.add([*documents, _doc(WIRE, url="https://a.example/1"), edited], chunker)
    chunks = store.chunks()
    assert store.chunks_by_id([c.chunk_id for c in chunks] + ["missing"]) == {
        c.chunk_id: c for c in chunks
    }
    doc_ids = [s.doc_id for s in store.summaries()]
    links = store.near_duplicates_of(doc_ids)
    assert links == {doc_id: store.near_duplicates(doc_id) for doc_id in doc_ids}
    assert links[edited.doc_id], "the edited wire copy is linked"
    picked = doc_ids[::-2]
    assert store.summaries(picked) == [s for s in store.summaries() if s.doc_id in picked]
