"""Writing a generation as shards on a Ray cluster, with exact BM25 across them.

Two rounds of Ray tasks, one task per shard: the first analyses the shard's chunk
texts and whole documents and counts their BM25 statistics; the driver merges them
into the collection's (`collection.json`, `documents_collection.json`); the second
writes each shard's files with the collection's statistics, so each shard's BM25
weights equal those of a single index. Shards are consecutive runs of whole documents,
in the row order of a single index, so global row = shard's first row + local row and
ties break the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.derived.collection import CollectionStats
from index.derived.documents_bm25 import STATS_NAME as DOCUMENT_STATS
from index.derived.documents_bm25 import DocumentCorpus
from index.derived.files import write_generation_files
from index.derived.manifest import Manifest, ShardEntry
from index.documents import Chunk
from index.errors import ClusterError, one_line
from index.text.analyzer import analyze


def shard_bounds(doc_ids: Sequence[str], shards: int) -> list[tuple[int, int]]:
    """(start, end) row ranges: `shards` runs of about equal size, each cut moved
    forward to the next document boundary (so no document spans two shards); fewer
    runs when the documents are too few."""
    total, bounds, start = len(doc_ids), [], 0
    for index in range(1, shards + 1):
        end = total if index == shards else max(start + 1, round(total * index / shards))
        while 0 < end < total and doc_ids[end] == doc_ids[end - 1]:
            end += 1
        if end > start:
            bounds.append((start, min(end, total)))
            start = min(end, total)
        if start >= total:
            break
    return bounds


def _shard_stats(
    texts: Sequence[str], chunks: Sequence[Chunk], titles: Mapping[str, str]
) -> tuple[CollectionStats, CollectionStats]:
    """(chunk, document) BM25 statistics of one shard."""
    chunk_stats = CollectionStats.of([analyze(text) for text in texts])
    return chunk_stats, DocumentCorpus.of(chunks, titles).stats()


def _write_shard(
    folder: str,
    manifest: Manifest,
    chunks: Sequence[Chunk],
    texts: Sequence[str],
    vectors: np.ndarray,
    titles: Mapping[str, str],
    stats: tuple[CollectionStats, CollectionStats],
) -> str:
    """One shard's files, then its manifest (on a worker: `folder` is shared storage)."""
    path = Path(folder)
    corpus = [analyze(text) for text in texts]
    chunk_ids, doc_ids = [c.chunk_id for c in chunks], [c.doc_id for c in chunks]
    documents = DocumentCorpus.of(chunks, titles)
    kind = write_generation_files(
        path, chunk_ids, doc_ids, corpus, vectors, manifest.bm25, documents, stats
    )
    shard = replace(
        manifest,
        vector_index=kind,
        documents=len(set(doc_ids)),
        chunks=len(chunks),
        tokens=sum(c.n_tokens for c in chunks),
    )
    shard.write(path)
    return kind


def write_shards(
    cluster,
    folder: Path,
    manifest: Manifest,
    chunks: Sequence[Chunk],
    texts: Sequence[str],
    vectors: np.ndarray,
    titles: Mapping[str, str],
) -> Manifest:
    """Create `folder` with its shards and collection statistics; the generation's
    manifest, naming the shards, for the caller to write last."""
    ray = cluster.connect()
    bounds = shard_bounds([c.doc_id for c in chunks], cluster.shard_count(len(chunks)))
    bounds = bounds or [(0, 0)]
    folder.mkdir()
    stats_task = ray.remote(_shard_stats).options(max_retries=3)
    write_task = ray.remote(_write_shard).options(max_retries=3, scheduling_strategy="SPREAD")
    text_refs = [ray.put(list(texts[start:end])) for start, end in bounds]
    chunk_refs = [ray.put(list(chunks[start:end])) for start, end in bounds]
    title_refs = [
        ray.put({c.doc_id: titles.get(c.doc_id, "") for c in chunks[start:end]})
        for start, end in bounds
    ]
    entries = [
        ShardEntry(f"shard-{n:03d}", start, end - start) for n, (start, end) in enumerate(bounds)
    ]
    try:
        refs = zip(text_refs, chunk_refs, title_refs, strict=True)
        parts = ray.get([stats_task.remote(*shard_refs) for shard_refs in refs])
        stats = (
            CollectionStats.merge(part[0] for part in parts),
            CollectionStats.merge(part[1] for part in parts),
        )
        stats[0].save(folder)
        stats[1].save(folder, DOCUMENT_STATS)
        kinds = ray.get(
            [
                write_task.remote(
                    str(folder / entry.name),
                    manifest,
                    chunk_ref,
                    text_ref,
                    vectors[start:end],
                    title_ref,
                    stats,
                )
                for entry, (start, end), chunk_ref, text_ref, title_ref in zip(
                    entries, bounds, chunk_refs, text_refs, title_refs, strict=True
                )
            ]
        )
    except ray.exceptions.RayError as error:
        cause = getattr(error, "cause", None) or error
        raise ClusterError(
            f"{folder}: a shard could not be written on the cluster ({one_line(str(cause))})"
        ) from None
    return replace(manifest, vector_index="+".join(sorted(set(kinds))), shards=tuple(entries))
