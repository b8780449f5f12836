"""What storing one document did: the record the store returns per document and the
batch reports per source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AddStatus = Literal["added", "unchanged", "updated", "duplicate", "separate", "failed"]


@dataclass(frozen=True)
class AddOutcome:
    """What storing one document did.

    added / unchanged / updated (new text of the same article at its URL) / duplicate
    (the same text is stored under `duplicate_of`) / separate (its URL belongs to
    another stored article, `duplicate_of`, from another outlet or with other text: kept
    as its own document) / failed (`reason`). `near_duplicates` lists (doc_id,
    similarity)."""

    doc_id: str
    status: AddStatus
    duplicate_of: str | None = None
    near_duplicates: tuple[tuple[str, float], ...] = ()
    reason: str | None = None
