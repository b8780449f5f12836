"""Building the next generation from the document store and making it live.

A generation folder (`gen-<revision>-<time>/`) holds `vectors.npy`, `vectors.faiss`,
`bm25_*.npy`, `bm25.json`, `rows.json`, then `manifest.json`, written last; every file
is synced before `CURRENT` names the folder, and `CURRENT` is replaced atomically. The
live generation and the one before it are kept, so a reader that read `CURRENT` just
before the swap can still load it. Run only under the writer lock."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from index.archive.store import DocumentStore
from index.derived.bm25 import BM25Index, BM25Params
from index.derived.embedding import Embedder, Progress, embed_cached
from index.derived.live import current_name
from index.derived.manifest import Manifest, write_atomic
from index.derived.vectors import VectorStore
from index.errors import StoreError
from index.text.analyzer import analyze
from index.text.chunking import Chunker, embedding_text


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
    ) -> None:
        self.dir, self.store, self.cache_path = index_dir, store, cache_path
        self._chunker, self._embedder = chunker, embedder
        self.bm25_params, self.progress = bm25, progress

    def build(self) -> str:
        """Write a generation of the store as it is now, make it live; its folder name."""
        started = time.perf_counter()
        chunks = self.store.chunks()
        documents = {summary.doc_id: summary for summary in self.store.summaries()}
        chunker, embedder = self._chunker(), self._embedder()
        tokenizer, header_tokens = chunker.tokenizer, chunker.config.header_tokens
        texts = [embedding_text(documents[c.doc_id], c, tokenizer, header_tokens) for c in chunks]
        vectors = embed_cached(self.cache_path, embedder, texts, self.progress)
        vector_store = VectorStore.build(vectors.reshape(len(texts), embedder.dims))
        bm25 = BM25Index.build([analyze(text) for text in texts], self.bm25_params)
        folder = self.dir / f"gen-{self.store.revision:06d}-{time.time_ns()}"
        try:
            self._write(folder, vector_store, bm25, chunks, len(documents), embedder, chunker,
                        started)  # fmt: skip
        except (OSError, RuntimeError) as error:
            # numpy and FAISS report a full disk without an errno ("… requested and …
            # written"); the half-written folder is never named by CURRENT.
            shutil.rmtree(folder, ignore_errors=True)
            reason = getattr(error, "strerror", None) or str(error)
            raise StoreError(
                f"{folder}: cannot write the index ({reason}); is the disk full?"
            ) from None
        self._make_live(folder)
        return folder.name

    def _write(self, folder, vector_store, bm25, chunks, n_documents, embedder, chunker, started):
        folder.mkdir()
        vector_store.save(folder)
        bm25.save(folder)
        rows = {"chunk_ids": [c.chunk_id for c in chunks], "doc_ids": [c.doc_id for c in chunks]}
        (folder / "rows.json").write_text(json.dumps(rows))
        Manifest(
            store_revision=self.store.revision,
            model=embedder.info,
            chunking=chunker.config,
            bm25=self.bm25_params,
            vector_index=vector_store.kind,
            documents=n_documents,
            chunks=len(chunks),
            tokens=sum(c.n_tokens for c in chunks),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 2),
            libraries=Manifest.library_versions(),
        ).write(folder)

    def _make_live(self, folder: Path) -> None:
        # Every file of the generation is on disk before CURRENT can name it.
        for path in folder.iterdir():
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
