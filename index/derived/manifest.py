"""A generation's manifest: what it was built from, written last and checked on load.

`manifest.json` in a generation folder is the record that the folder is complete; a
folder without one is an interrupted build and is never loaded."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from index.derived.bm25 import BM25Params
from index.derived.documents_bm25 import DOCUMENT_BM25
from index.derived.embedding import ModelInfo
from index.errors import StoreError
from index.text.chunking import ChunkingConfig

# 2: BM25 over whole documents beside the chunks (index/derived/documents_bm25.py).
# 3: a one-machine generation is a list of segments (index/derived/segments.py).
FORMAT_VERSION = 3
NAME = "manifest.json"
_LIBRARIES = ("sentence-transformers", "torch", "faiss-cpu", "rank-bm25", "numpy")


@dataclass(frozen=True)
class ShardEntry:
    """One shard of a sharded generation: its folder and the global rows it holds,
    `first_row` to `first_row + rows - 1` (shards are consecutive runs of the rows a
    single index would have)."""

    name: str
    first_row: int
    rows: int


@dataclass(frozen=True)
class SegmentEntry:
    """One segment of a generation (index/derived/segment.py): its folder under
    `segments/`, its rows, how many of them the generation marks deleted, and how many
    live ones wait for a vector."""

    name: str
    rows: int
    deleted: int = 0
    pending: int = 0  # live rows without a vector yet


@dataclass(frozen=True)
class Manifest:
    """Format version, store revision, model, chunking and BM25 parameters, counts and
    library versions of one generation."""

    store_revision: int
    model: ModelInfo
    chunking: ChunkingConfig
    bm25: BM25Params
    vector_index: str
    documents: int
    chunks: int
    tokens: int
    built_at: str
    build_seconds: float
    libraries: dict[str, str | None] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    # Empty for a one-machine generation; a sharded one (index/shards) lists its shards.
    shards: tuple[ShardEntry, ...] = ()
    # Chunks searchable by BM25 but not yet by vector: a progressive generation's, which
    # the writer replaces as it embeds them (index/derived/builder.py).
    pending_chunks: int = 0
    document_bm25: BM25Params = DOCUMENT_BM25
    # A one-machine generation's segments in row order (their deletion marks are in
    # deletions.json beside the manifest), and the store's last change it covers.
    segments: tuple[SegmentEntry, ...] = ()
    change_seq: int | None = None

    @staticmethod
    def library_versions() -> dict[str, str | None]:
        return {name: _version(name) for name in _LIBRARIES}

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The manifest in `folder`, or None when there is none (an unfinished build)."""
        path = folder / NAME
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except ValueError as error:
            raise StoreError(f"{path}: unreadable manifest ({error})") from None
        try:
            return cls(
                **{
                    **data,
                    "model": ModelInfo(**data["model"]),
                    "chunking": ChunkingConfig(**data["chunking"]),
                    "bm25": BM25Params(**data["bm25"]),
                    "document_bm25": BM25Params(**data.get("document_bm25", {})),
                    "shards": tuple(ShardEntry(**entry) for entry in data.get("shards", ())),
                    "segments": tuple(SegmentEntry(**entry) for entry in data.get("segments", ())),
                }
            )
        except (KeyError, TypeError) as error:
            raise StoreError(f"{path}: manifest of another format ({error}); rebuild") from None

    def write(self, folder: Path) -> None:
        """Written last, atomically and synced: its presence means the folder is whole."""
        write_atomic(folder / NAME, json.dumps(asdict(self), indent=2))

    @property
    def current_format(self) -> bool:
        return self.format_version == FORMAT_VERSION

    def check(self, model: str, where: Path) -> None:
        """Raise StoreError unless this newsdesk can read the generation with `model`."""
        if not self.current_format:
            raise StoreError(
                f"{where}: index format {self.format_version}, "
                f"this newsdesk reads {FORMAT_VERSION}; rebuild it"
            )
        self.check_model(model, where)

    def check_model(self, model: str, where: Path) -> None:
        """Raise StoreError unless the generation was embedded with `model`."""
        if self.model.name != model:
            raise StoreError(
                f"{where}: index was embedded with model {self.model.name!r}, not {model!r}; "
                "query it with the same model or rebuild it"
            )


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary name, sync, then rename over `path`."""
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
