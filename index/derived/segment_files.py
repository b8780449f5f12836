"""Which segment folders an index still needs, and the merge lock that guards the ones
being written.

A segment is kept while the live generation or the one before it (which a reader may
have just loaded) lists it. A merge writes its segment as `tmp-…` while holding the
merge lock, so a folder of that name is removed only when no merge is running: it is
what a killed merge left."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from index.derived.manifest import Manifest, SegmentEntry
from index.derived.segment import SEGMENT_FILE

SEGMENTS = "segments"
MERGE_LOCK = ".merge.lock"


class MergeLock:
    """An exclusive, non-blocking flock: `held` tells whether this process got it."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / MERGE_LOCK
        self.held = False

    def __enter__(self) -> MergeLock:
        self._handle = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.held = True
        except BlockingIOError:
            self.held = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.held:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def drop_unused_segments(index_dir: Path, generations: Sequence[str | None]) -> None:
    """Remove the segment folders none of `generations` lists (run under the writer
    lock, after CURRENT moved)."""
    root = Path(index_dir) / SEGMENTS
    if not root.is_dir():
        return
    keep: set[str] = set()
    for name in generations:
        manifest = Manifest.read(Path(index_dir) / name) if name else None
        if manifest is not None:
            keep.update(entry.name for entry in manifest.segments)
    with MergeLock(index_dir) as lock:
        for folder in root.iterdir():
            stale_merge = folder.name.startswith("tmp-") and lock.held
            if stale_merge or (folder.name.startswith("seg-") and folder.name not in keep):
                shutil.rmtree(folder, ignore_errors=True)


def segment_kind(index_dir: Path, segments: Sequence[SegmentEntry]) -> str:
    """ "hnsw" when a segment searches a graph, else "flat"."""
    for entry in segments:
        about = json.loads((Path(index_dir) / SEGMENTS / entry.name / SEGMENT_FILE).read_text())
        if about.get("kind") == "hnsw":
            return "hnsw"
    return "flat"
