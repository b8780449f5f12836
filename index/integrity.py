"""Does an index agree with itself? Used after crashes (benchmarks/bench_crash.py) and
in tests: every committed document is whole, and the live generation's rows are
exactly the store's chunks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.archive.store import DocumentStore
from index.derived.manifest import Manifest


def problems(index_dir: Path) -> list[str]:
    """One line per disagreement; empty when the store and the live generation agree.

    Checks: every chunk slices its document's text and every document has chunks; the
    generation CURRENT names is complete (manifest last) and its rows, vectors and BM25
    matrix have one row per stored chunk, with the store revision it records."""
    found: list[str] = []
    with DocumentStore(index_dir) as store:
        chunks = store.chunks()
        by_doc = {chunk.doc_id for chunk in chunks}
        for document in store.documents():
            if document.doc_id not in by_doc:
                found.append(f"document {document.doc_id} has no chunks")
        for chunk in chunks:
            if not chunk.text or len(chunk.text) != chunk.end - chunk.start:
                found.append(f"chunk {chunk.chunk_id} does not slice its document")
        found.extend(_generation_problems(index_dir, [c.chunk_id for c in chunks], store.revision))
    return found


def _generation_problems(index_dir: Path, chunk_ids: list[str], revision: int) -> list[str]:
    current = index_dir / "CURRENT"
    if not current.is_file():
        return ["no CURRENT generation"]
    folder = index_dir / current.read_text().strip()
    manifest = Manifest.read(folder)
    if manifest is None:
        return [f"{folder.name}: CURRENT names a generation without a manifest"]
    rows = json.loads((folder / "rows.json").read_text())["chunk_ids"]
    found = []
    if manifest.store_revision != revision:
        found.append(
            f"{folder.name}: built at store revision {manifest.store_revision}, "
            f"store is at {revision}"
        )
    elif sorted(rows) != sorted(chunk_ids):
        found.append(f"{folder.name}: {len(rows)} rows for {len(chunk_ids)} stored chunks")
    vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    indptr = np.load(folder / "bm25_indptr.npy")
    shape = json.loads((folder / "bm25.json").read_text())["shape"]
    if vectors.shape[0] != len(rows) or shape[0] != len(rows) or len(indptr) != shape[1] + 1:
        found.append(f"{folder.name}: vectors, BM25 matrix and rows disagree in length")
    return found
