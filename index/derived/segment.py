"""One immutable segment: the rows of the chunks one write (or one merge) added.

A segment folder (`segments/seg-<id>/`) holds its rows (`rows.json`: chunk and
document id of each row), its vectors (index/derived/vectors.py: exact, or an HNSW
graph once it is large and whole), the term postings of its chunks and of its whole
documents (index/derived/postings.py) and `segment.json`, written last. Nothing in it
depends on any other segment, so a write adds a segment without touching the others
— Lucene's segment design (its IndexWriter flushes new documents as a new segment;
merges write new segments and drop the old) and Tantivy's. Whether a row is deleted
is not the segment's business: the generation's deletion marks say so."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.derived.documents_bm25 import DocumentCorpus
from index.derived.postings import Postings
from index.derived.vectors import VectorStore
from index.documents import Chunk
from index.errors import StoreError

SEGMENT_FILE = "segment.json"
DOCUMENT_LIST = "documents.json"
CHUNKS, DOCUMENTS = "chunks", "documents"


@dataclass(frozen=True)
class SegmentData:
    """What a new segment is made of. `vectors` (rows, d) float32, L2-normalised;
    `ready` the rows having a vector (None: all); `documents` the segment's documents in
    the order of their first row, with their postings."""

    chunk_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    chunks: Postings
    documents: tuple[str, ...]
    document_postings: Postings
    vectors: np.ndarray
    ready: np.ndarray | None
    n_tokens: np.ndarray

    @classmethod
    def of(
        cls,
        chunks: Sequence[Chunk],
        corpus: Sequence[Sequence[str]],
        documents: DocumentCorpus,
        vectors: np.ndarray,
        ready: np.ndarray | None,
    ) -> SegmentData:
        """From chunks in row order, their analysed embedding texts and documents."""
        return cls(
            tuple(c.chunk_id for c in chunks),
            tuple(c.doc_id for c in chunks),
            Postings.build(corpus),
            documents.doc_ids,
            Postings.build(documents.terms),
            vectors,
            ready,
            np.fromiter((c.n_tokens for c in chunks), np.int64, count=len(chunks)),
        )


class Segment:
    """A loaded segment; shared by every generation that lists it (a reader reloading
    after a write reads only the new segments)."""

    def __init__(self, name: str, data: SegmentData, vectors: VectorStore) -> None:
        self.name = name
        self.chunk_ids = list(data.chunk_ids)
        self.doc_ids = list(data.doc_ids)
        self.postings = data.chunks
        self.documents = list(data.documents)
        self.document_postings = data.document_postings
        self.vectors = vectors
        self.doc_rows: dict[str, list[int]] = {}
        for row, doc_id in enumerate(self.doc_ids):
            self.doc_rows.setdefault(doc_id, []).append(row)
        self.document_row = {doc_id: row for row, doc_id in enumerate(self.documents)}
        self.owner = np.fromiter(
            (self.document_row[d] for d in self.doc_ids), np.int64, count=len(self.doc_ids)
        )
        self.n_tokens = data.n_tokens
        self.norms: dict[tuple, np.ndarray] = {}

    @property
    def rows(self) -> int:
        return len(self.chunk_ids)

    @property
    def pending(self) -> int:
        return self.rows - self.vectors.ready_count

    @staticmethod
    def write(folder: Path, data: SegmentData) -> Segment:
        """Write a new segment into `folder` (which must not exist), synced, segment.json
        last; the loaded segment."""
        folder.mkdir(parents=True)
        vectors = VectorStore.build(data.vectors, ready=data.ready)
        vectors.save(folder)
        data.chunks.save(folder, CHUNKS)
        data.document_postings.save(folder, DOCUMENTS)
        rows = {"chunk_ids": data.chunk_ids, "doc_ids": data.doc_ids}
        (folder / "rows.json").write_text(json.dumps(rows, ensure_ascii=False))
        starts = np.flatnonzero(np.r_[True, np.asarray(data.doc_ids[1:]) != data.doc_ids[:-1]])
        listing = {
            "documents": data.documents,
            "first_rows": starts.tolist()[: len(data.documents)],
        }
        (folder / DOCUMENT_LIST).write_text(json.dumps(listing, ensure_ascii=False))
        np.save(folder / "n_tokens.npy", data.n_tokens)
        about = {"rows": len(data.chunk_ids), "ready": vectors.ready_count, "kind": vectors.kind}
        (folder / SEGMENT_FILE).write_text(json.dumps(about))
        sync_folder(folder)
        return Segment(folder.name, data, vectors)

    @classmethod
    def load(cls, folder: Path) -> Segment:
        about_path = folder / SEGMENT_FILE
        if not about_path.exists():
            raise StoreError(f"{folder}: an unfinished segment")
        rows = json.loads((folder / "rows.json").read_text())
        vectors = VectorStore.load(folder)
        data = SegmentData(
            tuple(rows["chunk_ids"]),
            tuple(rows["doc_ids"]),
            Postings.load(folder, CHUNKS),
            tuple(DocumentList.read(folder).doc_ids),
            Postings.load(folder, DOCUMENTS),
            vectors.vectors,
            vectors.ready,
            np.load(folder / "n_tokens.npy"),
        )
        if len(data.chunk_ids) != data.chunks.rows or len(vectors.vectors) != data.chunks.rows:
            raise StoreError(f"{folder}: segment files disagree on its row count")
        return cls(folder.name, data, vectors)


@dataclass(frozen=True)
class DocumentList:
    """A segment's documents and the rows of each (a document's chunks are consecutive
    rows), read without the rest of the segment: what a write's deletion marks need of
    the segments it does not load."""

    doc_ids: tuple[str, ...]
    first_rows: tuple[int, ...]
    rows: int

    @classmethod
    def read(cls, folder: Path) -> DocumentList:
        listing = json.loads((folder / DOCUMENT_LIST).read_text())
        rows = json.loads((folder / SEGMENT_FILE).read_text())["rows"]
        return cls(tuple(listing["documents"]), tuple(listing["first_rows"]), rows)

    def rows_of(self, doc_ids: set[str]) -> np.ndarray:
        """(m,) int64 ascending rows of these documents."""
        ends = (*self.first_rows[1:], self.rows)
        spans = [
            np.arange(start, end)
            for doc_id, start, end in zip(self.doc_ids, self.first_rows, ends, strict=True)
            if doc_id in doc_ids
        ]
        return np.concatenate(spans).astype(np.int64) if spans else np.zeros(0, dtype=np.int64)


def sync_folder(folder: Path) -> None:
    """fsync every file of `folder`, then the folder itself."""
    for path in sorted(folder.iterdir()):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
