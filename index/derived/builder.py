"""Building the next generation from the document store and making it live.

A generation folder (`gen-<revision>-<time>/`) holds `vectors.npy`, `vectors.faiss`,
`bm25_*.npy`, `bm25.json`, `rows.json` (index/derived/files.py), then `manifest.json`,
written last; a sharded generation (index/shards) holds one such folder per shard, the
collection's BM25 statistics and a manifest naming the shards. Every file is synced
before `CURRENT` names the folder, and `CURRENT` is replaced atomically. The live
generation and the one before it are kept, so a reader that read `CURRENT` just before
the swap can still load it. Run only under the writer lock."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from index.archive.store import DocumentStore
from index.derived.bm25 import BM25Params
from index.derived.documents_bm25 import DocumentCorpus
from index.derived.embedding import Embedder, EmbeddingCache, Progress, embed_cached
from index.derived.files import write_generation_files
from index.derived.live import current_name
from index.derived.manifest import Manifest, write_atomic
from index.documents import Chunk
from index.errors import StoreError
from index.text.analyzer import analyze
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
        """Write a generation of the store as it is now, make it live; its folder name.
        `partial`: embed nothing, and give vectors only to the chunks the embedding
        cache holds (the rest are searchable by BM25 alone until the next build)."""
        started = time.perf_counter()
        chunks, documents, texts = self._store_texts()
        titles = {doc_id: summary.title for doc_id, summary in documents.items()}
        chunker, embedder = self._chunker(), self._embedder()
        ready = None
        if partial and self.cluster is None:
            vectors, ready = self._cached(embedder, texts)
        else:
            if self.cluster is not None:
                self.cluster.embed(self.cache_path, embedder, texts, self.progress)
            vectors = embed_cached(self.cache_path, embedder, texts, self.progress)
        vectors = vectors.reshape(len(texts), embedder.dims)
        folder = self.dir / f"gen-{self.store.revision:06d}-{time.time_ns()}"
        pending = 0 if ready is None else len(chunks) - len(ready)
        manifest = self._manifest(embedder, chunker, len(documents), chunks, pending)
        try:
            if self.cluster is not None:
                manifest = self.cluster.write(folder, manifest, chunks, texts, vectors, titles)
            else:
                corpus = [analyze(text) for text in texts]
                whole = DocumentCorpus.of(chunks, titles)
                kind = write_generation_files(
                    folder,
                    [c.chunk_id for c in chunks],
                    [c.doc_id for c in chunks],
                    corpus,
                    vectors,
                    self.bm25_params,
                    whole,
                    ready=ready,
                )
                manifest = replace(manifest, vector_index=kind)
            seconds = round(time.perf_counter() - started, 2)
            replace(manifest, build_seconds=seconds).write(folder)
        except (OSError, RuntimeError) as error:
            # numpy and FAISS report a full disk without an errno ("… requested and …
            # written"); the half-written folder is never named by CURRENT.
            shutil.rmtree(folder, ignore_errors=True)
            reason = getattr(error, "strerror", None) or str(error)
            raise StoreError(
                f"{folder}: cannot write the index ({reason}); is the disk full?"
            ) from None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._make_live(folder)
        return folder.name

    def unembedded_texts(self) -> list[str]:
        """The distinct embedding texts of stored chunks the cache has no vector for,
        in a fixed order."""
        _, _, texts = self._store_texts()
        with EmbeddingCache(self.cache_path) as cache:
            return [text for _, text in cache.missing(self._embedder().info, texts)]

    def _store_texts(self):
        """(every stored chunk, summaries by doc_id, each chunk's embedding text)."""
        chunks = self.store.chunks()
        documents = {summary.doc_id: summary for summary in self.store.summaries()}
        chunker = self._chunker()
        tokenizer, header_tokens = chunker.tokenizer, chunker.config.header_tokens
        texts = [embedding_text(documents[c.doc_id], c, tokenizer, header_tokens) for c in chunks]
        return chunks, documents, texts

    def _manifest(self, embedder, chunker, documents: int, chunks, pending: int) -> Manifest:
        """The manifest of a generation of the store as it is now (vector index kind
        and build time filled in once written)."""
        return Manifest(
            store_revision=self.store.revision,
            model=embedder.info,
            chunking=chunker.config,
            bm25=self.bm25_params,
            vector_index="flat",
            documents=documents,
            chunks=len(chunks),
            tokens=sum(c.n_tokens for c in chunks),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=0.0,
            libraries=Manifest.library_versions(),
            pending_chunks=pending,
        )

    def _cached(self, embedder: Embedder, texts: list[str]):
        """The cache's vectors of `texts` and the rows they are for (None: all rows)."""
        with EmbeddingCache(self.cache_path) as cache:
            vectors, ready = cache.cached(embedder.info, texts)
        return vectors, (None if len(ready) == len(texts) else ready)

    def _make_live(self, folder: Path) -> None:
        # Every file of the generation (and of its shards) is on disk before CURRENT
        # can name it.
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_dir():
                _fsync_dir(path)
                continue
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(folder)
        previous = current_name(self.dir)
        write_atomic(self.dir / "CURRENT", folder.name)
        _fsync_dir(self.dir)
        for old in self.dir.glob("gen-*"):
            if old.name not in (folder.name, previous):
                shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
