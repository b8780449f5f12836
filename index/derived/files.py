"""The files of one index generation (or one shard of it), written into its folder.

`vectors.npy` and `vectors.faiss` (index/derived/vectors.py), `bm25_*.npy` and
`bm25.json` (index/derived/bm25.py), `doc_bm25_*` (index/derived/documents_bm25.py)
and `rows.json`, the chunk and document id of each row. The caller writes the manifest
after these, last."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.derived.bm25 import BM25Index, BM25Params
from index.derived.collection import CollectionStats
from index.derived.documents_bm25 import DocumentCorpus, DocumentIndex
from index.derived.vectors import VectorStore


def write_generation_files(
    folder: Path,
    chunk_ids: Sequence[str],
    doc_ids: Sequence[str],
    corpus: Sequence[Sequence[str]],
    vectors: np.ndarray,
    params: BM25Params,
    documents: DocumentCorpus,
    stats: tuple[CollectionStats, CollectionStats] | None = None,
    ready: np.ndarray | None = None,
) -> str:
    """Create `folder` with the generation's files; `vectors` (n, d) float32,
    L2-normalised, `corpus` the n analysed chunk texts, `documents` the whole texts of
    their documents, `stats` the whole collection's (chunks, documents) when this is one
    shard, `ready` the rows that have a vector yet (None: all). Returns the vector
    index kind ("flat" or "hnsw")."""
    folder.mkdir()
    vector_store = VectorStore.build(vectors, ready=ready)
    vector_store.save(folder)
    chunk_stats, document_stats = stats or (None, None)
    BM25Index.build(corpus, params, chunk_stats).save(folder)
    DocumentIndex.build(documents, stats=document_stats).save(folder)
    rows = {"chunk_ids": list(chunk_ids), "doc_ids": list(doc_ids)}
    (folder / "rows.json").write_text(json.dumps(rows))
    return vector_store.kind
