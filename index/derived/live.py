"""Reading the live generation: `CURRENT` once, then that folder's manifest and files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.derived.generation import Generation
from index.derived.manifest import Manifest
from index.derived.segmented import SegmentedGeneration
from index.errors import StoreError

# Loads a sharded generation's folder (index/shards/generation.py), given by the caller
# so that derived/ never imports shards/.
ShardedLoader = Callable[[Path, Manifest, Callable], object]


class IndexNotReady(StoreError):
    """No generation has been built yet (the first build is still running)."""


def current_name(index_dir: Path) -> str | None:
    """The folder name `CURRENT` holds, or None before the first build."""
    try:
        name = (Path(index_dir) / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return name if name.startswith("gen-") and "/" not in name else None


def live_manifest(index_dir: Path) -> Manifest | None:
    name = current_name(index_dir)
    return Manifest.read(Path(index_dir) / name) if name else None


def load_generation(
    index_dir: Path,
    name: str | None,
    model: str,
    embedder: Callable,
    attempts: int = 3,
    load_sharded: ShardedLoader | None = None,
    previous: object = None,
) -> Generation:
    """Generation `name`, its manifest checked against `model`. A folder removed by a
    writer between two swaps is retried with what `CURRENT` names then. A sharded
    generation is loaded by `load_sharded` (served by Ray actors, or whole here); a
    segmented one reuses what `previous` (the generation served before) loaded."""
    for _attempt in range(attempts):
        if name is None:
            raise IndexNotReady(f"{index_dir}: the index is still being built")
        manifest = Manifest.read(index_dir / name)
        if manifest is not None:
            manifest.check(model, index_dir)
            try:
                if manifest.shards:
                    if load_sharded is None:
                        raise StoreError(
                            f"{index_dir / name}: a sharded generation; load it through NewsIndex"
                        )
                    return load_sharded(index_dir / name, manifest, embedder)
                return SegmentedGeneration.load(index_dir / name, manifest, embedder, previous)
            except FileNotFoundError:
                pass
        name = current_name(index_dir)
    raise StoreError(f"{index_dir}: the index changed too often while loading; try again")
