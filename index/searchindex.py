"""The hybrid index: the document store plus derived dense and BM25 indexes.

The SQLite store is the source of truth. Dense vectors and BM25 weights are derived
from it into a generation folder (`gen-<revision>-<time>/`) whose `manifest.json` is
written last; `CURRENT` names the live generation and is replaced atomically. A crash
mid-update leaves the previous generation live; a generation whose store revision is
behind the store is rebuilt on the next open (embeddings come from the cache, so only
new chunk text is ever embedded).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from index.analyzer import analyze
from index.bm25 import BM25Index, BM25Params
from index.chunking import Chunker, ChunkingConfig, embedding_text
from index.documents import Chunk, Document
from index.embedding import CACHE_NAME, Embedder, EmbeddingCache
from index.errors import StoreError
from index.generation import Generation
from index.ingest import IngestReport, SourceResult, load_sources, store_sources
from index.store import DocumentStore
from index.tokenizer import DEFAULT_MODEL, WordPieceTokenizer
from index.vectors import VectorStore

FORMAT_VERSION = 1
_MODEL_LOCK = threading.Lock()


class IndexNotReady(StoreError):
    """No generation has been built yet (the first build is still running)."""


LOCK_TIMEOUT_S = 120.0


class NewsIndex:
    def __init__(
        self,
        index_dir: str | Path,
        model: str | None = None,
        progress: bool = False,
        chunking: ChunkingConfig | None = None,
        bm25: BM25Params | None = None,
        embedding_cache: Path | None = None,
        rebuild_stale: bool = True,
    ) -> None:
        """`embedding_cache` may be shared by several indexes (evaluation runs of
        different parameters); by default it lives inside the index folder. With
        `rebuild_stale` False (a reader beside a writer, as in the web app) queries are
        served from the live generation while a newer one is being built."""
        self.rebuild_stale = rebuild_stale
        self.dir = Path(index_dir)
        self.chunking = chunking or ChunkingConfig()
        self.cache_path = embedding_cache or self.dir / CACHE_NAME
        self.model = model or DEFAULT_MODEL
        self.progress = progress
        self.store = DocumentStore(self.dir)
        self.bm25_params = bm25 or BM25Params()
        self._chunker: Chunker | None = None
        self._embedder: Embedder | None = None
        self._loaded: Generation | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def embedder(self) -> Embedder:
        # One load, even when several threads ask at once: loading a model changes
        # torch's process-wide default dtype for a moment, so two concurrent loads
        # can leave layers of mixed precision.
        with _MODEL_LOCK:
            if self._embedder is None:
                self._check_existing_model()
                self._embedder = Embedder(self.model)
        return self._embedder

    @property
    def chunker(self) -> Chunker:
        if self._chunker is None:
            self._check_existing_model()
            self._chunker = Chunker(WordPieceTokenizer(self.model), self.chunking)
        return self._chunker

    def _check_existing_model(self) -> None:
        """Refuse another model before loading it, when an index already exists."""
        manifest = self._read_manifest()
        if manifest is not None:
            self._check_manifest(manifest)

    # Writing

    def add(self, targets: Sequence[str]) -> IngestReport:
        """Read, fetch and parse the targets without any lock, then store and index."""
        return self.add_results(tuple(load_sources(targets)))

    def add_results(self, sources: Sequence[SourceResult]) -> IngestReport:
        """Store already loaded sources and update the index. New chunks are embedded
        into the cache before the writer lock is taken, so the lock covers only the
        store's commit and the assembly of the next generation from cached vectors."""
        documents = [document for source in sources for document in source.documents]
        self._embed_ahead(documents)
        with self._writer_lock():
            report = store_sources(sources, self.store, self.chunker)
            self._rebuild_if_stale()
        return report

    def _embed_ahead(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        tokenizer, header_tokens = self.chunker.tokenizer, self.chunker.config.header_tokens
        texts = []
        for document in documents:
            try:
                chunks = self.chunker.chunk(document)
            except (ValueError, OverflowError):
                continue  # the store reports this document as failed
            texts.extend(embedding_text(document, c, tokenizer, header_tokens) for c in chunks)
        cache = EmbeddingCache(self.cache_path)
        try:
            cache.embed(self.embedder, texts, progress=self.progress)
        finally:
            cache.close()

    def delete(self, doc_id: str) -> bool:
        with self._writer_lock():
            removed = self.store.delete(doc_id)
            self._rebuild_if_stale()
        return removed

    def _writer_lock(self):
        return _FileLock(self.dir / ".writer.lock", LOCK_TIMEOUT_S)

    def _rebuild_if_stale(self) -> None:
        manifest = self._read_manifest()
        if manifest and manifest["store_revision"] == self.store.revision:
            self._check_manifest(manifest)
            return
        self._build_generation()

    def _build_generation(self) -> None:
        started = time.perf_counter()
        chunks = self.store.chunks()
        documents = {summary.doc_id: summary for summary in self.store.summaries()}
        tokenizer = self.chunker.tokenizer
        header_tokens = self.chunker.config.header_tokens
        texts = [embedding_text(documents[c.doc_id], c, tokenizer, header_tokens) for c in chunks]
        cache = EmbeddingCache(self.cache_path)
        try:
            vectors = cache.embed(self.embedder, texts, progress=self.progress)
        finally:
            cache.close()
        vector_store = VectorStore.build(vectors.reshape(len(texts), self.embedder.dims))
        bm25 = BM25Index.build([analyze(text) for text in texts], self.bm25_params)
        folder = self.dir / f"gen-{self.store.revision:06d}-{time.time_ns()}"
        folder.mkdir()
        vector_store.save(folder)
        bm25.save(folder)
        rows = {"chunk_ids": [c.chunk_id for c in chunks], "doc_ids": [c.doc_id for c in chunks]}
        (folder / "rows.json").write_text(json.dumps(rows))
        manifest = self._manifest(
            len(documents), chunks, vector_store, time.perf_counter() - started
        )
        _write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2))
        # Every file of the generation is on disk before CURRENT can name it.
        _fsync_tree(folder)
        previous = self._current_name()
        _write_atomic(self.dir / "CURRENT", folder.name)
        _fsync_dir(self.dir)
        self._remove_old_generations(keep={folder.name, previous})
        self._loaded = None

    def _remove_old_generations(self, keep: set[str | None]) -> None:
        """Keep the live generation and the one before it: a reader that read CURRENT
        just before the swap may still be loading the previous one."""
        for old in self.dir.glob("gen-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def _manifest(self, n_docs: int, chunks: list[Chunk], vectors: VectorStore, seconds: float):
        info = self.embedder.info
        return {
            "format_version": FORMAT_VERSION,
            "store_revision": self.store.revision,
            "model": {
                "name": info.name,
                "dims": info.dims,
                "dtype": info.dtype,
                "revision": info.revision,
            },  # fmt: skip
            "chunking": asdict(self.chunker.config),
            "bm25": asdict(self.bm25_params),
            "vector_index": vectors.kind,
            "documents": n_docs,
            "chunks": len(chunks),
            "tokens": sum(c.n_tokens for c in chunks),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(seconds, 2),
            "libraries": {
                name: _version(name)
                for name in ("sentence-transformers", "torch", "faiss-cpu", "rank-bm25", "numpy")
            },
        }

    # Reading

    def _read_manifest(self, name: str | None = None) -> dict | None:
        """The manifest of generation `name`, by default the one CURRENT names."""
        name = name or self._current_name()
        if name is None:
            return None
        path = self.dir / name / "manifest.json"
        try:
            return json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except ValueError as error:
            raise StoreError(f"{path}: unreadable manifest ({error})") from None

    def _check_manifest(self, manifest: dict) -> None:
        if manifest["format_version"] != FORMAT_VERSION:
            raise StoreError(f"{self.dir}: index format {manifest['format_version']}, "
                             f"this newsdesk reads {FORMAT_VERSION}; rebuild it")  # fmt: skip
        built = manifest["model"]["name"]
        if built != self.model:
            raise StoreError(
                f"{self.dir}: index was embedded with model {built!r}, not {self.model!r}; "
                "query it with the same model or rebuild it"
            )

    def manifest(self) -> dict:
        return self.snapshot().manifest

    def _current_name(self) -> str | None:
        try:
            name = (self.dir / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name if name.startswith("gen-") and "/" not in name else None

    def _ensure_loaded(self) -> None:
        """Load the live generation, reading CURRENT once. A reader never waits for a
        writer: when the generation is behind the store and another process holds the
        writer lock, the live generation is served (removed documents are skipped at
        query time); only an index with no generation at all waits for its first one."""
        name = self._current_name()
        loaded = self._loaded
        if loaded and loaded.name == name and not self._stale(loaded.revision):
            return
        if self.rebuild_stale and (name is None or self._stale(self._revision_of(name))):
            lock = _FileLock(self.dir / ".writer.lock", LOCK_TIMEOUT_S if name is None else 0)
            try:
                with lock:
                    self._rebuild_if_stale()
            except (StoreError, OSError):
                # Busy (another writer is at work), read-only or out of space: the live
                # generation still answers.
                if name is None:
                    raise
            name = self._current_name()
        if loaded and loaded.name == name:
            return
        for _attempt in range(3):
            if name is None:
                raise IndexNotReady(f"{self.dir}: the index is still being built")
            manifest = self._read_manifest(name)
            if manifest is not None:
                self._check_manifest(manifest)
                try:
                    self._loaded = Generation.load(self.dir / name, manifest, lambda: self.embedder)
                    return
                except FileNotFoundError:
                    pass  # removed by a writer between two swaps: read CURRENT again
            name = self._current_name()
        raise StoreError(f"{self.dir}: the index changed too often while loading; try again")

    def _stale(self, revision: int | None) -> bool:
        return self.rebuild_stale and revision != self.store.revision

    def _revision_of(self, name: str) -> int | None:
        manifest = self._read_manifest(name)
        return manifest["store_revision"] if manifest else None

    def snapshot(self) -> Generation:
        """The live generation, loaded once and reused until a newer one is live. A
        query should use one snapshot throughout, so its rows stay consistent."""
        self._ensure_loaded()
        return self._loaded

    # Conveniences for callers that make a single call per query.

    def chunk_id(self, row: int) -> str:
        return self.snapshot().chunk_id(row)

    def doc_id(self, row: int) -> str:
        return self.snapshot().doc_id(row)

    def bm25_ranking(self, query: str, depth: int, allowed_rows=None) -> list[tuple[int, float]]:
        return self.snapshot().bm25_ranking(query, depth, allowed_rows)

    def dense_ranking(self, query: str, depth: int, allowed_rows=None) -> list[tuple[int, float]]:
        return self.snapshot().dense_ranking(query, depth, allowed_rows)

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        """Cosine of the query to each text, embedded now (for answer sentences)."""
        if not texts:
            return []
        vectors = self.embedder.encode([query, *texts])
        return [float(value) for value in vectors[1:] @ vectors[0]]

    def pairwise_similarities(self, texts: Sequence[str]) -> list[list[float]]:
        """(n, n) cosine similarities of the texts, as nested lists."""
        if not texts:
            return []
        vectors = self.embedder.encode(list(texts))
        return (vectors @ vectors.T).tolist()

    def document(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)


class _FileLock:
    """An exclusive flock on a file in the index folder: a second writer waits up to
    `timeout_s`, then fails with a message naming the folder."""

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path, self.timeout_s = path, timeout_s

    def __enter__(self) -> None:
        self._handle = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._handle.close()
                    raise StoreError(
                        f"{self.path.parent}: another newsdesk process is updating this index"
                    ) from None
                time.sleep(0.1)

    def __exit__(self, *exc_info: object) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
