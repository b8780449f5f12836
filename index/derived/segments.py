"""Writing a segmented generation: a write costs what it adds, not what the index holds.

Under the writer lock, after the store's commit: the store's change log
(index/archive/changes.py) names the documents added or removed since the live
generation; their old rows are marked deleted in the segments holding them, and the
chunks of those still stored become new segments (their vectors from the embedding
cache, or none yet: searchable by words first). Segments still waiting for vectors
are written again with the vectors cached since (their postings are hard links, not
copies). The new generation folder holds only `deletions.json` and the manifest,
which names the segment list; `CURRENT` swaps as before. Without a usable live
generation (the first build, another format, another model) every stored chunk is
written as new segments.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.archive.store import DocumentStore
from index.derived.documents_bm25 import DocumentCorpus
from index.derived.embedding import Embedder, EmbeddingCache, embed_cached
from index.derived.manifest import Manifest, SegmentEntry
from index.derived.segment import SEGMENT_FILE, DocumentList, Segment, SegmentData, sync_folder
from index.derived.segment_files import SEGMENTS
from index.derived.vectors import VectorStore
from index.documents import Chunk
from index.text.analyzer import analyze

DELETIONS = "deletions.json"
# Rows of one new segment at most: a progressive fill rewrites the vectors of the
# segments it fills, so a large first build is cut into segments this size.
SEGMENT_ROWS = 20_000


def read_deletions(generation: Path) -> dict[str, list[str]]:
    """segment name → doc_ids the generation marks deleted in it."""
    path = generation / DELETIONS
    return json.loads(path.read_text()) if path.exists() else {}


def new_segment_folder(index_dir: Path) -> Path:
    return index_dir / SEGMENTS / f"seg-{time.time_ns():x}-{os.getpid()}"


@dataclass(frozen=True)
class Plan:
    """The next generation: its segments in order and each one's deletion marks."""

    segments: tuple[SegmentEntry, ...]
    deletions: dict[str, list[str]]
    removed_tokens: int  # word pieces of the rows newly marked deleted


class SegmentWriter:
    """Makes the next generation of one index folder from the live one and the store."""

    def __init__(
        self,
        index_dir: Path,
        store: DocumentStore,
        embedding_texts: Callable[[Sequence[Chunk]], list[str]],
        embedder: Callable[[], Embedder],
        cache_path: Path,
        progress,
    ) -> None:
        self.dir, self.store, self.cache_path = index_dir, store, cache_path
        self._texts, self._embedder, self.progress = embedding_texts, embedder, progress

    def changes(self, live: Manifest | None, live_folder: Path | None) -> tuple[Plan, list[str]]:
        """(the live generation's plan with the changed documents marked deleted, the
        changed documents still stored); every stored document without a usable live
        generation. Reads each segment's document list, never its rows."""
        last = self.store.change_log().last()
        if live is None or live.change_seq is None or last is None or live_folder is None:
            return Plan((), {}, 0), [s.doc_id for s in self.store.summaries()]
        changed = self.store.change_log().since(live.change_seq)
        deletions = read_deletions(live_folder)
        if not changed:
            return Plan(live.segments, deletions, 0), []
        wanted = set(changed)
        entries, removed_tokens = [], 0
        for entry in live.segments:
            folder = self.dir / SEGMENTS / entry.name
            listing = DocumentList.read(folder)
            marked = set(deletions.get(entry.name, ()))
            fresh = {d for d in listing.doc_ids if d in wanted and d not in marked}
            if fresh:
                deletions[entry.name] = sorted(marked | fresh)
                rows = listing.rows_of(fresh)
                removed_tokens += int(np.load(folder / "n_tokens.npy", mmap_mode="r")[rows].sum())
                entry = replace(entry, deleted=entry.deleted + len(rows))
            entries.append(entry)
        stored = {s.doc_id for s in self.store.summaries(changed)}
        plan = Plan(tuple(entries), deletions, removed_tokens)
        return plan, [d for d in changed if d in stored]

    def add(self, doc_ids: Sequence[str], partial: bool) -> tuple[list[SegmentEntry], int]:
        """New segments of these documents' chunks (each at most SEGMENT_ROWS rows,
        documents whole), and their word pieces; vectors from the cache, embedded first
        unless `partial`."""
        chunks = self.store.chunks_of(doc_ids)
        if not chunks:
            return [], 0
        entries, batch = [], []
        for chunk in chunks:
            if len(batch) >= SEGMENT_ROWS and chunk.doc_id != batch[-1].doc_id:
                entries.append(self._write(batch, partial))
                batch = []
            batch.append(chunk)
        entries.append(self._write(batch, partial))
        return entries, sum(c.n_tokens for c in chunks)

    def _write(self, chunks: list[Chunk], partial: bool) -> SegmentEntry:
        texts = self._texts(chunks)
        vectors, ready = self._vectors(texts, partial)
        titles = {
            s.doc_id: s.title for s in self.store.summaries(sorted({c.doc_id for c in chunks}))
        }
        data = SegmentData.of(
            chunks,
            [analyze(text) for text in texts],
            DocumentCorpus.of(chunks, titles),
            vectors,
            ready,
        )
        segment = Segment.write(new_segment_folder(self.dir), data)
        return SegmentEntry(segment.name, segment.rows, 0, segment.pending)

    def _vectors(self, texts: list[str], partial: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """(rows, d) vectors of `texts` and the rows that have one (None: all)."""
        embedder = self._embedder()
        if not partial:
            vectors = embed_cached(self.cache_path, embedder, texts, self.progress)
            return vectors.reshape(len(texts), embedder.dims), None
        with EmbeddingCache(self.cache_path) as cache:
            vectors, ready = cache.cached(embedder.info, texts)
        vectors = vectors.reshape(len(texts), embedder.dims)
        return vectors, (None if len(ready) == len(texts) else ready)

    def fill(self, plan: Plan, partial: bool) -> Plan:
        """Write again each segment waiting for vectors that the cache now has (all of
        them, embedded first, unless `partial`)."""
        entries = []
        for entry in plan.segments:
            if entry.pending:
                entry, plan = self._filled(entry, plan, partial)
            entries.append(entry)
        return replace(plan, segments=tuple(entries))

    def _filled(self, entry: SegmentEntry, plan: Plan, partial: bool):
        folder = self.dir / SEGMENTS / entry.name
        segment = Segment.load(folder)
        marked = set(plan.deletions.get(entry.name, ()))
        chunks = {
            c.chunk_id: c for c in self.store.chunks_of(sorted(set(segment.documents) - marked))
        }
        has = segment.vectors.has_vector(np.arange(segment.rows))
        rows = np.asarray(
            [r for r in np.flatnonzero(~has).tolist() if segment.chunk_ids[r] in chunks],
            dtype=np.int64,
        )
        if not len(rows):
            return replace(entry, pending=0), plan
        found, ready = self._vectors(
            self._texts([chunks[segment.chunk_ids[r]] for r in rows.tolist()]), partial
        )
        got = np.arange(len(rows)) if ready is None else ready
        if not len(got):
            return replace(entry, pending=len(rows)), plan
        vectors = np.array(segment.vectors.vectors, dtype=np.float32)
        vectors[rows[got]] = found[got]
        has[rows[got]] = True
        filled = _write_filled(
            self.dir, folder, vectors, None if has.all() else np.flatnonzero(has)
        )
        deletions = dict(plan.deletions)
        if entry.name in deletions:
            deletions[filled] = deletions.pop(entry.name)
        entry = SegmentEntry(filled, entry.rows, entry.deleted, len(rows) - len(got))
        return entry, replace(plan, deletions=deletions)


def _write_filled(index_dir: Path, source: Path, vectors: np.ndarray, ready) -> str:
    """A copy of the segment in `source` with more vectors, its name: the other files
    are hard links to the source's (they never change), the vectors written anew."""
    folder = new_segment_folder(index_dir)
    staging = folder.with_name("tmp-" + folder.name)
    staging.mkdir()
    store = VectorStore.build(vectors, ready=ready)
    store.save(staging)
    for path in source.iterdir():
        if path.name.startswith("vectors") or path.name == SEGMENT_FILE:
            continue
        try:
            os.link(path, staging / path.name)
        except OSError:
            shutil.copy2(path, staging / path.name)
    about = json.loads((source / SEGMENT_FILE).read_text())
    about.update(ready=store.ready_count, kind=store.kind)
    (staging / SEGMENT_FILE).write_text(json.dumps(about))
    sync_folder(staging)
    os.replace(staging, folder)
    return folder.name
