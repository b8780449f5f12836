"""Building the next generation from the document store and making it live.

A generation folder (`gen-<revision>-<time>/`) holds `vectors.npy`, `vectors.faiss`,
`bm25_*.npy`, `bm25.json`, `rows.json` (index/derived/files.py), then `manifest.json`,
written last; a sharded generation (index/shards) holds one such folder per shard, the
collection's BM25 statistics and a manifest naming the shards. Every file is synced
before `CURRENT` names the folder, and `CURRENT` is replaced atomically. The live
generation and the one before it are kept, so a reader that read `CURRENT` just before
the swap can still load it. Run only under the writer lock."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from index.archive.store import DocumentStore
from index.derived.bm25 import BM25Params
from index.derived.embedding import Embedder, EmbeddingCache, Progress, embed_cached
from index.derived.live import current_name
from index.derived.manifest import Manifest, write_atomic
from index.derived.segment import DocumentList
from index.derived.segment_files import SEGMENTS, drop_unused_segments, segment_kind
from index.derived.segments import DELETIONS, SegmentWriter
from index.documents import Chunk
from index.errors import StoreError
from index.text.chunking import Chunker, embedding_text


class ShardWriter(Protocol):
    """What the builder needs of a cluster (index/shards/cluster.py implements it):
    embed new chunks into the cache, write a generation as shards. Named here so that
    derived/ never imports shards/."""

    def embed(
        self, cache_path: Path, embedder: Embedder, texts: Sequence[str], progress: Progress
    ) -> None: ...

    def write(
        self,
        folder: Path,
        manifest: Manifest,
        chunks: Sequence[Chunk],
        texts: Sequence[str],
        vectors: np.ndarray,
        titles: Mapping[str, str],
    ) -> Manifest: ...


class GenerationBuilder:
    """Assembles generations for one index folder; vectors come from the embedding
    cache, so only chunk text never seen before is embedded."""

    def __init__(
        self,
        index_dir: Path,
        store: DocumentStore,
        chunker: Callable[[], Chunker],
        embedder: Callable[[], Embedder],
        cache_path: Path,
        bm25: BM25Params,
        progress: Progress = False,
        cluster: ShardWriter | None = None,
    ) -> None:
        """With a `cluster` (index/shards/cluster.py) new chunks are embedded on it and
        the generation is written as its shards; without, on this machine as one."""
        self.dir, self.store, self.cache_path = index_dir, store, cache_path
        self._chunker, self._embedder = chunker, embedder
        self.bm25_params, self.progress = bm25, progress
        self.cluster = cluster

    def build(self, partial: bool = False) -> str:
        """Write the next generation of the store as it is now, make it live; its folder
        name. `partial`: embed nothing, and give vectors only to the chunks the
        embedding cache holds (the rest are searchable by BM25 alone until a later
        build). On one machine only what changed since the live generation is written
        (index/derived/segments.py); on a cluster the whole generation, as shards."""
        if self.cluster is None:
            return self._build_segments(partial)
        started = time.perf_counter()
        chunks, documents, texts = self._store_texts()
        titles = {doc_id: summary.title for doc_id, summary in documents.items()}
        chunker, embedder = self._chunker(), self._embedder()
        self.cluster.embed(self.cache_path, embedder, texts, self.progress)
        vectors = embed_cached(self.cache_path, embedder, texts, self.progress)
        vectors = vectors.reshape(len(texts), embedder.dims)
        folder = self.dir / f"gen-{self.store.revision:06d}-{time.time_ns()}"
        manifest = self._manifest(embedder, chunker, len(documents), len(chunks))
        manifest = replace(manifest, tokens=sum(c.n_tokens for c in chunks))
        with _written(folder):
            manifest = self.cluster.write(folder, manifest, chunks, texts, vectors, titles)
            seconds = round(time.perf_counter() - started, 2)
            replace(manifest, build_seconds=seconds).write(folder)
        self._make_live(folder)
        return folder.name

    def _build_segments(self, partial: bool) -> str:
        started = time.perf_counter()
        chunker, embedder = self._chunker(), self._embedder()
        live_folder, live = self._usable_live(embedder, chunker)
        log = self.store.change_log()
        if log.last() is None and not self.store.read_only:
            log.start()  # a store written before the log: this build covers it whole
        last_change = log.last()
        writer = self._segment_writer()
        plan, added = writer.changes(live, live_folder)
        plan = writer.fill(plan, partial)
        new, new_tokens = writer.add(added, partial)
        segments = plan.segments + tuple(new)
        deletions = {e.name: plan.deletions[e.name] for e in segments if e.name in plan.deletions}
        manifest = replace(
            self._manifest(
                embedder, chunker, self.store.count(), sum(e.rows - e.deleted for e in segments)
            ),
            tokens=(live.tokens if live else 0) - plan.removed_tokens + new_tokens,
            pending_chunks=sum(e.pending for e in segments),
            segments=segments,
            change_seq=last_change,
            vector_index=segment_kind(self.dir, segments),
        )
        folder = self.dir / f"gen-{self.store.revision:06d}-{time.time_ns()}"
        with _written(folder):
            folder.mkdir()
            (folder / DELETIONS).write_text(json.dumps(deletions, ensure_ascii=False))
            seconds = round(time.perf_counter() - started, 2)
            replace(manifest, build_seconds=seconds).write(folder)
        self._make_live(folder)
        if last_change is not None and not self.store.read_only:
            self.store.change_log().forget_until(live.change_seq if live else 0)
        return folder.name

    def _usable_live(self, embedder: Embedder, chunker: Chunker):
        """(folder, manifest) of the live generation when the next one can be made from
        it by difference: segmented, of this format, model, chunking and BM25."""
        name = current_name(self.dir)
        manifest = Manifest.read(self.dir / name) if name else None
        usable = (
            manifest is not None
            and manifest.current_format
            and not manifest.shards
            and manifest.change_seq is not None
            and manifest.model == embedder.info
            and manifest.chunking == chunker.config
            and manifest.bm25 == self.bm25_params
        )
        return (self.dir / name, manifest) if usable else (None, None)

    def _segment_writer(self) -> SegmentWriter:
        return SegmentWriter(
            self.dir, self.store, self._texts_of, self._embedder, self.cache_path, self.progress
        )

    def _texts_of(self, chunks: Sequence[Chunk]) -> list[str]:
        """Each chunk's embedding text (its document's header, then its text)."""
        documents = {s.doc_id: s for s in self.store.summaries(sorted({c.doc_id for c in chunks}))}
        chunker = self._chunker()
        tokenizer, header_tokens = chunker.tokenizer, chunker.config.header_tokens
        return [embedding_text(documents[c.doc_id], c, tokenizer, header_tokens) for c in chunks]

    def unembedded_texts(self) -> list[str]:
        """The distinct embedding texts of stored chunks the cache has no vector for,
        in a fixed order: on one machine, of the documents changed since the live
        generation and of its segments still waiting for vectors."""
        if self.cluster is not None:
            _, _, texts = self._store_texts()
        else:
            texts = self._texts_of(self.store.chunks_of(self._unembedded_documents()))
        with EmbeddingCache(self.cache_path) as cache:
            return [text for _, text in cache.missing(self._embedder().info, texts)]

    def _unembedded_documents(self) -> list[str]:
        live_folder, live = self._usable_live(self._embedder(), self._chunker())
        plan, added = self._segment_writer().changes(live, live_folder)
        waiting = [
            doc_id
            for entry in plan.segments
            if entry.pending
            for doc_id in DocumentList.read(self.dir / SEGMENTS / entry.name).doc_ids
            if doc_id not in set(plan.deletions.get(entry.name, ()))
        ]
        return sorted(set(added) | set(waiting))

    def _store_texts(self):
        """(every stored chunk, summaries by doc_id, each chunk's embedding text)."""
        chunks = self.store.chunks()
        documents = {summary.doc_id: summary for summary in self.store.summaries()}
        chunker = self._chunker()
        tokenizer, header_tokens = chunker.tokenizer, chunker.config.header_tokens
        texts = [embedding_text(documents[c.doc_id], c, tokenizer, header_tokens) for c in chunks]
        return chunks, documents, texts

    def _manifest(self, embedder, chunker, documents: int, chunks: int) -> Manifest:
        """The manifest of a generation of the store as it is now (vector index kind
        and build time filled in once written)."""
        return Manifest(
            store_revision=self.store.revision,
            model=embedder.info,
            chunking=chunker.config,
            bm25=self.bm25_params,
            vector_index="flat",
            documents=documents,
            chunks=chunks,
            tokens=0,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=0.0,
            libraries=Manifest.library_versions(),
        )

    def _make_live(self, folder: Path) -> None:
        make_live(self.dir, folder)


def make_live(index_dir: Path, folder: Path) -> None:
    """Sync every file of the generation in `folder` (and of its shards), then point
    `CURRENT` at it atomically; drop generations and segments no longer needed (the
    one live before is kept for a reader that has just read `CURRENT`)."""
    # Every file of the generation (and of its shards) is on disk before CURRENT
    # can name it.
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            _fsync_dir(path)
            continue
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)
    if (index_dir / SEGMENTS).is_dir():
        _fsync_dir(index_dir / SEGMENTS)  # the new segments' names are on disk too
    previous = current_name(index_dir)
    write_atomic(index_dir / "CURRENT", folder.name)
    _fsync_dir(index_dir)
    for old in index_dir.glob("gen-*"):
        if old.name not in (folder.name, previous):
            shutil.rmtree(old, ignore_errors=True)
    drop_unused_segments(index_dir, [folder.name, previous])


@contextmanager
def _written(folder: Path):
    """Remove a half-written generation folder (it is never named by CURRENT); a full
    disk becomes a one-line StoreError (numpy and FAISS report it without an errno)."""
    try:
        yield
    except (OSError, RuntimeError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        reason = getattr(error, "strerror", None) or str(error)
        raise StoreError(
            f"{folder}: cannot write the index ({reason}); is the disk full?"
        ) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
