"""Does an index agree with itself? Used after crashes (benchmarks/bench_crash.py) and
in tests: every committed document is whole, and the live generation's rows are
exactly the store's chunks."""

from __future__ import annotations

from pathlib import Path

from index.archive.store import DocumentStore
from index.derived.manifest import Manifest
from index.derived.segmented import SegmentedGeneration
from index.errors import StoreError


def problems(index_dir: Path) -> list[str]:
    """One line per disagreement; empty when the store and the live generation agree.

    Checks: every chunk slices its document's text and every document has chunks; the
    generation CURRENT names is complete (manifest last), every segment it lists is
    whole, and its live rows are the stored chunks, at the store revision it records."""
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
    found = []
    if manifest.store_revision != revision:
        found.append(
            f"{folder.name}: built at store revision {manifest.store_revision}, "
            f"store is at {revision}"
        )
    if manifest.shards:
        return found
    try:
        generation = SegmentedGeneration.load(folder, manifest, lambda: None)
    except (OSError, ValueError, StoreError) as error:
        return [*found, f"{folder.name}: a segment cannot be read ({error})"]
    rows = generation.chunk_ids
    if not found and sorted(rows) != sorted(chunk_ids):
        found.append(f"{folder.name}: {len(rows)} rows for {len(chunk_ids)} stored chunks")
    if manifest.chunks != len(rows) or generation.chunks.rows != len(rows):
        found.append(f"{folder.name}: manifest, statistics and rows disagree in length")
    return found
