"""Merging segments in the background: a size-tiered policy, as Lucene's LogMergePolicy.

Every write adds a segment, and a question visits every segment, so small segments are
merged into larger ones: a run of MERGE_FACTOR adjacent segments of one size tier
(tier = how many times MERGE_FACTOR their live rows exceed FLOOR_ROWS) becomes one
segment of the next tier, and a segment with DELETED_SHARE of its rows marked deleted
is written again without them. Adjacent segments only, so that rows keep the store's
order. The merged segment is written while only the merge lock is held — readers and
writers go on — and made live under the writer lock for the moment of the swap; if a
write replaced one of its sources meanwhile (a fill), the merge is dropped and tried
again later. Deletions marked during the merge are carried over to the merged segment.
Write amplification is bounded by the number of tiers, log_MERGE_FACTOR(rows)."""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.derived.builder import make_live
from index.derived.live import current_name
from index.derived.lock import LOCK_TIMEOUT_S, WriterLock
from index.derived.manifest import Manifest, SegmentEntry
from index.derived.postings import concatenate
from index.derived.segment import Segment, SegmentData
from index.derived.segment_files import SEGMENTS, MergeLock, segment_kind
from index.derived.segments import DELETIONS, new_segment_folder, read_deletions

MERGE_FACTOR = 10
FLOOR_ROWS = 1_000
DELETED_SHARE = 0.3


def tier(live_rows: int) -> int:
    return int(math.log(max(live_rows, FLOOR_ROWS) / FLOOR_ROWS, MERGE_FACTOR) + 1e-9)


def choose(entries: Sequence[SegmentEntry], factor: int = MERGE_FACTOR) -> range | None:
    """The places of the segments to merge next, or None: a segment mostly deleted
    first, then the newest run of `factor` adjacent segments of one tier, then — past
    2 * `factor` segments — the adjacent run of `factor` with the fewest rows, so the
    count of segments stays bounded whatever sizes arrive; segments waiting for
    vectors wait."""
    for place, entry in enumerate(entries):
        if entry.deleted and entry.deleted >= DELETED_SHARE * entry.rows and not entry.pending:
            return range(place, place + 1)
    # A segment still waiting for vectors is never merged: its fill would then rewrite
    # the vectors of the whole merged segment.
    tiers = [None if e.pending else tier(e.rows - e.deleted) for e in entries]
    for end in range(len(entries), factor - 1, -1):
        window = set(tiers[end - factor : end])
        if len(window) == 1 and None not in window:
            return range(end - factor, end)
    starts = [s for s in range(len(entries) - factor + 1) if None not in tiers[s : s + factor]]
    if len(entries) > 2 * factor and starts:
        sizes = {s: sum(e.rows for e in entries[s : s + factor]) for s in starts}
        start = min(starts, key=lambda s: (sizes[s], -s))
        return range(start, start + factor)
    return None


def merge_once(index_dir: Path, factor: int = MERGE_FACTOR) -> str | None:
    """Merge the segments `choose` names in the live generation, make the result
    live; its generation's name, or None when nothing needs merging, another process
    is merging, or a write replaced a source meanwhile."""
    index_dir = Path(index_dir)
    with MergeLock(index_dir) as lock:
        if not lock.held:
            return None
        name = current_name(index_dir)
        manifest = Manifest.read(index_dir / name) if name else None
        if manifest is None or manifest.change_seq is None or not manifest.current_format:
            return None
        places = choose(manifest.segments, factor)
        if places is None:
            return None
        started = time.perf_counter()
        sources = [manifest.segments[place] for place in places]
        deletions = read_deletions(index_dir / name)
        data = merged(
            [
                (Segment.load(index_dir / SEGMENTS / e.name), deletions.get(e.name, ()))
                for e in sources
            ]
        )
        folder = new_segment_folder(index_dir)
        staging = folder.with_name("tmp-" + folder.name)
        try:
            segment = Segment.write(staging, data)
            with WriterLock(index_dir, LOCK_TIMEOUT_S):
                return _swap(index_dir, sources, segment, staging, folder, started)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def merged(parts: Sequence[tuple[Segment, Sequence[str]]]) -> SegmentData:
    """One segment of the live rows of `parts` (each with its deleted doc_ids), in order."""
    rows, documents = [], []
    for segment, deleted in parts:
        gone = set(deleted)
        rows.append(np.flatnonzero([d not in gone for d in segment.doc_ids]).astype(np.int64))
        documents.append(
            np.flatnonzero([d not in gone for d in segment.documents]).astype(np.int64)
        )
    keep = list(zip([segment for segment, _ in parts], rows, documents, strict=True))
    has = np.concatenate(
        [s.vectors.has_vector(np.arange(s.rows))[r] for s, r, _ in keep] or [np.zeros(0, bool)]
    )
    return SegmentData(
        tuple(s.chunk_ids[i] for s, r, _ in keep for i in r.tolist()),
        tuple(s.doc_ids[i] for s, r, _ in keep for i in r.tolist()),
        concatenate([(s.postings, r) for s, r, _ in keep]),
        tuple(s.documents[i] for s, _, d in keep for i in d.tolist()),
        concatenate([(s.document_postings, d) for s, _, d in keep]),
        np.concatenate([np.asarray(s.vectors.vectors)[r] for s, r, _ in keep]),
        None if has.all() else np.flatnonzero(has),
        np.concatenate([np.asarray(s.n_tokens)[r] for s, r, _ in keep]),
    )


def _swap(index_dir, sources, segment: Segment, staging: Path, folder: Path, started) -> str | None:
    """Under the writer lock: the live generation with `sources` replaced by the merged
    segment, deletions marked since carried over; None if a source is gone."""
    name = current_name(index_dir)
    live = Manifest.read(index_dir / name) if name else None
    names = [e.name for e in live.segments] if live else []
    if live is None or any(e.name not in names for e in sources):
        return None
    deletions = read_deletions(index_dir / name)
    since = sorted({d for e in sources for d in deletions.pop(e.name, ())} & set(segment.documents))
    os.replace(staging, folder)
    held = set(since)
    deleted = sum(1 for doc_id in segment.doc_ids if doc_id in held)
    pending = sum(
        1
        for row in np.flatnonzero(~segment.vectors.has_vector(np.arange(segment.rows))).tolist()
        if segment.doc_ids[row] not in held
    )
    entry = SegmentEntry(folder.name, segment.rows, deleted, pending)
    first = names.index(sources[0].name)
    segments = live.segments[:first] + (entry,) + live.segments[first + len(sources) :]
    if since:
        deletions[folder.name] = since
    generation = index_dir / f"gen-{live.store_revision:06d}-{time.time_ns()}"
    generation.mkdir()
    (generation / DELETIONS).write_text(json.dumps(deletions, ensure_ascii=False))
    replace(
        live,
        segments=segments,
        vector_index=segment_kind(index_dir, segments),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 2),
    ).write(generation)
    make_live(index_dir, generation)
    return generation.name


def merge_all(index_dir: Path, factor: int = MERGE_FACTOR) -> int:
    """Merge until the policy (with runs of `factor`) is satisfied; how many merges ran."""
    count = 0
    while merge_once(index_dir, factor) is not None:
        count += 1
    return count
