"""Reading rows for a list of ids in a few queries rather than one query per id."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

# Below SQLite's default limit of host parameters (999 before 3.32) with room to spare.
BATCH = 500


def select_in(db: sqlite3.Connection, query: str, ids: Sequence[str]) -> Iterator[tuple]:
    """The rows of `query` for the distinct `ids`, BATCH at a time: `query` holds one
    `{marks}` where the list of placeholders goes (each id bound once per place), e.g.
    "SELECT … WHERE doc_id IN ({marks})"."""
    unique = sorted(set(ids))
    places = query.count("{marks}")
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        marks = ",".join("?" * len(batch))
        yield from db.execute(query.replace("{marks}", marks), batch * places)
