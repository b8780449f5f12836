"""The hybrid index of one folder: the document store (the source of truth) and the
derived dense and BM25 indexes, behind one object.

Writing: sources are read and parsed (index/ingest) and their new chunks embedded into
the cache with no lock held; then, under the writer lock (index/derived/lock.py), the
batch is stored (index/batch.py) and the next generation assembled and made live
(index/derived/builder.py). Reading: the live generation is loaded by
index/derived/live.py and reused until `CURRENT` names a newer one.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.archive.prepared import Prepared, prepare
from index.archive.store import DocumentStore
from index.batch import IngestReport, store_sources
from index.derived.bm25 import BM25Params
from index.derived.builder import GenerationBuilder
from index.derived.embedding import (
    CACHE_NAME,
    Embedder,
    EmbeddingCache,
    Progress,
    embed_cached,
)
from index.derived.generation import Generation
from index.derived.live import current_name, live_manifest, load_generation
from index.derived.lock import LOCK_TIMEOUT_S, WriterLock
from index.derived.manifest import Manifest
from index.derived.merging import merge_all
from index.documents import Document
from index.errors import StoreError
from index.ingest.pipeline import SourceResult, load_sources
from index.text.chunking import Chunker, ChunkingConfig, embedding_text
from index.text.tokenizer import DEFAULT_MODEL, WordPieceTokenizer

if TYPE_CHECKING:
    from index.shards.cluster import Cluster

_MODEL_LOCK = threading.Lock()
# New chunks from which an add is made searchable progressively (about 10 s of
# embedding on two cores): BM25 first, then each new document's lead, then the rest.
PROGRESSIVE_FROM = 128
# Chunks embedded between two progressive generations, at least.
PROGRESSIVE_BLOCK = 2048


class NewsIndex:
    def __init__(
        self,
        index_dir: str | Path,
        model: str | None = None,
        progress: Progress = False,
        chunking: ChunkingConfig | None = None,
        bm25: BM25Params | None = None,
        embedding_cache: Path | None = None,
        rebuild_stale: bool = True,
        cluster: Cluster | None = None,
        progressive_from: int = PROGRESSIVE_FROM,
        merge: bool = True,
    ) -> None:
        """`embedding_cache` may be shared by several indexes (evaluation runs of
        different parameters); by default it lives inside the index folder. With
        `rebuild_stale` False (a reader beside a writer, as in the web app) queries are
        served from the live generation while a newer one is being built. With a Ray
        `cluster` (index/shards) sources are read and embedded on it, generations are
        written as shards and served by its actors. An add of `progressive_from` new
        chunks or more (on one machine) is live by BM25 before it is embedded. With
        `merge`, segments are merged in the background after each write."""
        self.rebuild_stale = rebuild_stale
        self.progressive_from = progressive_from
        self.merge = merge
        self._merging: threading.Thread | None = None
        self.cluster = cluster
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
        self._builder = GenerationBuilder(
            self.dir,
            self.store,
            lambda: self.chunker,
            lambda: self.embedder,
            self.cache_path,
            self.bm25_params,
            progress,
            cluster,
        )

    def close(self) -> None:
        self.wait_for_merges()
        if self._loaded is not None:
            self._loaded.close()
        self._loaded = None
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
        manifest = live_manifest(self.dir)
        if manifest is not None:
            manifest.check_model(self.model, self.dir)

    # Writing

    def add(self, targets: Sequence[str], embed: bool = True) -> IngestReport:
        """Read, fetch and parse the targets without any lock (on the cluster, if one
        is given), then store and index. With `embed` False (one machine), return once
        the new documents are searchable by their words: a feed's next batch need not
        wait for this one's embedding, which `finish` (or the next writer) does."""
        self._refuse_read_only()
        if self.cluster is not None:
            self._check_existing_model()
            sources, prepared = self.cluster.read(targets, self.model, self.chunking)
            return self.add_results(sources, prepared)
        sources = tuple(load_sources(targets))
        if not embed:
            prepared = [
                prepare(document, self.chunker) for s in sources for document in s.documents
            ]
            with WriterLock(self.dir):
                report = store_sources(sources, self.store, self.chunker, prepared)
                self._builder.build(partial=True)
            self._announce()
            return report
        return self.add_results(sources)

    def finish(self) -> None:
        """Embed what the live generation still searches by words alone (an add without
        embedding, an interrupted fill), in steps, a generation after each."""
        self.add_results(())

    def add_results(
        self, sources: Sequence[SourceResult], prepared: Sequence[Prepared] | None = None
    ) -> IngestReport:
        """Store already loaded sources (`prepared`: their documents already chunked,
        in order) and update the index. New chunks are embedded into the cache before
        the writer lock is taken, so the lock covers only the store's commit and the
        assembly of the next generation from cached vectors."""
        documents = [document for source in sources for document in source.documents]
        # Chunked once: the chunks are embedded now and stored under the lock below.
        if prepared is None:
            prepared = [prepare(document, self.chunker) for document in documents]
        texts = self._embedding_texts(prepared)
        missing = self._missing(texts + self._unfinished()) if self.cluster is None else []
        if len(missing) >= self.progressive_from:
            report = self._add_progressively(sources, prepared, missing)
        else:
            self._embed(missing if self.cluster is None else texts)
            with WriterLock(self.dir):
                report = store_sources(sources, self.store, self.chunker, prepared)
                self._rebuild_if_stale()
        self._merge_in_background()
        return report

    def _add_progressively(
        self, sources: Sequence[SourceResult], prepared: Sequence[Prepared], missing: list[str]
    ) -> IngestReport:
        """Store, and make the new documents searchable at once by BM25 (and by vector
        where the cache already has theirs); then embed each new document's lead
        passage and make that live, then the rest in blocks, a generation after each.
        A reader is never more than one block behind; the last generation is whole."""
        with WriterLock(self.dir):
            report = store_sources(sources, self.store, self.chunker, prepared)
            self._builder.build(partial=True)
        self._announce()
        leads = self._embedding_texts([(d, c[:1]) for d, c in prepared if not isinstance(c, str)])
        lead_set = set(leads)
        rest = [text for text in missing if text not in lead_set]
        block = max(PROGRESSIVE_BLOCK, -(-len(rest) // 4))
        steps = [leads] + [rest[start : start + block] for start in range(0, len(rest), block)]
        for step in steps:
            self._embed(step)
            with WriterLock(self.dir):
                self._rebuild_if_stale(partial=True)
            self._announce()
        return report

    def unfinished(self) -> bool:
        """Whether the live generation lacks stored documents or vectors (a fill stopped
        part-way, a kill between the store's commit and the generation)."""
        manifest = live_manifest(self.dir)
        return not (
            manifest
            and not manifest.pending_chunks
            and manifest.store_revision == self.store.revision
        )

    def _unfinished(self) -> list[str]:
        """The embedding texts of stored chunks an interrupted write left without a
        vector: the next writer embeds them with its own, in steps."""
        return self._builder.unembedded_texts() if self.unfinished() else []

    def _refuse_read_only(self) -> None:
        """Before reading a single source: a write would fail at the end otherwise."""
        if self.store.read_only:
            raise StoreError(
                f"{self.dir}: the index folder is read-only here; "
                "it can be searched but not changed"
            )

    def _announce(self) -> None:
        """On the command line (progress on stderr), what the live generation covers."""
        manifest = live_manifest(self.dir)
        if self.progress is True and manifest is not None:
            embedded = manifest.chunks - manifest.pending_chunks
            print(
                f"searchable: {manifest.chunks:,} passages by their words, {embedded:,} by meaning",
                file=sys.stderr,
                flush=True,
            )

    def _embedding_texts(self, prepared: Sequence[Prepared]) -> list[str]:
        tokenizer, header_tokens = self.chunker.tokenizer, self.chunker.config.header_tokens
        return [
            embedding_text(document, chunk, tokenizer, header_tokens)
            for document, chunks in prepared
            if not isinstance(chunks, str)  # a reason: the store reports it as failed
            for chunk in chunks
        ]

    def _missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts the embedding cache has no vector for, in a fixed order."""
        with EmbeddingCache(self.cache_path) as cache:
            return [text for _, text in cache.missing(self.embedder.info, texts)]

    def _embed(self, texts: Sequence[str]) -> None:
        if not texts:
            return
        if self.cluster is not None:
            self.cluster.embed(self.cache_path, self.embedder, texts, self.progress)
            return
        embed_cached(self.cache_path, self.embedder, texts, self.progress)

    def delete(self, doc_id: str) -> bool:
        self._refuse_read_only()
        with WriterLock(self.dir):
            removed = self.store.delete(doc_id)
            self._rebuild_if_stale(partial=True)  # a removal embeds nothing
        if live_manifest(self.dir).pending_chunks:
            self.add_results(())  # and what an interrupted write left is finished, in steps
        self._merge_in_background()
        return removed

    def _merge_in_background(self) -> None:
        """Merge small segments on a thread of this process (index/derived/merging.py):
        the write is already live; `close` waits for the merge to end."""
        if self.cluster is not None or not self.merge:
            return
        if self._merging is None or not self._merging.is_alive():
            self._merging = threading.Thread(target=self._merge, name="newsdesk-merge")
            self._merging.start()

    def _merge(self) -> None:
        try:
            merge_all(self.dir)
        except (StoreError, OSError) as error:
            # A merge only speeds up questions; the next write tries again.
            print(f"newsdesk: merging segments stopped: {error}", file=sys.stderr)

    def wait_for_merges(self) -> None:
        if self._merging is not None:
            self._merging.join()

    def _rebuild_if_stale(self, partial: bool = False) -> None:
        """Under the writer lock: build a generation unless the live one is current and
        whole (a progressive one still waiting for vectors is not); `partial` builds
        from the vectors cached so far, embedding nothing."""
        manifest = live_manifest(self.dir)
        # A generation of an older format is derived data: rebuilt from the store and
        # the embedding cache, not refused.
        if manifest and manifest.store_revision == self.store.revision and manifest.current_format:
            manifest.check(self.model, self.dir)
            if not manifest.pending_chunks:
                return
        self._builder.build(partial=partial)
        self._loaded = None

    # Reading

    def manifest(self) -> Manifest:
        return self.snapshot().manifest

    def snapshot(self) -> Generation:
        """The live generation, loaded once and reused until a newer one is live. A
        query should use one snapshot throughout, so its rows stay consistent.

        A reader never waits for a writer: when the generation is behind the store and
        another process holds the writer lock, the live generation is served (removed
        documents are skipped at query time); only an index with no generation at all
        waits for its first one. What it builds itself embeds nothing (a generation of
        the store by its words and the vectors already cached)."""
        name = current_name(self.dir)
        loaded = self._loaded
        if loaded is not None and loaded.broken:
            loaded.close()  # a shard stopped answering: its survivors stop too
            loaded = self._loaded = None  # and the generation is loaded afresh
        if loaded and loaded.name == name and not self._stale(loaded.revision):
            return loaded
        if self.rebuild_stale and (name is None or self._stale(self._revision_of(name))):
            try:
                # A reader never embeds: what the store holds is made searchable by its
                # words (and by the vectors already cached); the next writer embeds the rest.
                with WriterLock(self.dir, LOCK_TIMEOUT_S if name is None else 0):
                    self._rebuild_if_stale(partial=True)
            except (StoreError, OSError, sqlite3.Error):
                # Busy (another writer is at work), read-only or out of space: the live
                # generation still answers.
                if name is None:
                    raise
            name = current_name(self.dir)
        if loaded is None or loaded.name != name:
            self._loaded = load_generation(
                self.dir,
                name,
                self.model,
                lambda: self.embedder,
                load_sharded=self._load_sharded,
                previous=loaded,
            )
        return self._loaded

    def _load_sharded(self, folder: Path, manifest: Manifest, embedder) -> Generation:
        """A sharded generation: served by the cluster's actors, or whole here."""
        from index.shards.generation import ShardedGeneration

        return ShardedGeneration.load(folder, manifest, embedder, self.cluster)

    def _stale(self, revision: int | None) -> bool:
        return self.rebuild_stale and revision != self.store.revision

    def _revision_of(self, name: str) -> int | None:
        """The store revision a generation was built at; None when it has none that
        counts (an unfinished folder, or an older format, to be rebuilt)."""
        manifest = Manifest.read(self.dir / name)
        return manifest.store_revision if manifest and manifest.current_format else None

    def document(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)
