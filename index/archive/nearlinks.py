"""Near-duplicate links in the document store, bounded per document.

Each new document is compared with at most MAX_CANDIDATES stored documents (those
sharing the most LSH bands with it) and linked to at most MAX_LINKS of them, the most
similar first; a document lists at most MAX_LINKS near-duplicates. Templated pages,
which all share bands, so cost O(n) links and rows instead of O(n²)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from index.archive import neardup
from index.archive.batches import select_in

MAX_CANDIDATES = 100
MAX_LINKS = 10


def link(db: sqlite3.Connection, doc_id: str, signature: np.ndarray | None):
    """Store `doc_id`'s bands and its links; returns ((other doc_id, similarity), …)."""
    if signature is None:
        return ()
    keys = neardup.band_keys(signature)
    values = ",".join("(?, ?)" for _ in keys)
    params = [value for key in keys for value in key]
    candidates = db.execute(
        "SELECT doc_id FROM minhash_bands "
        f"WHERE (band, bucket) IN (VALUES {values}) AND doc_id != ? "
        "GROUP BY doc_id ORDER BY count(*) DESC, doc_id LIMIT ?",
        (*params, doc_id, MAX_CANDIDATES),
    ).fetchall()
    db.executemany(
        "INSERT OR IGNORE INTO minhash_bands (band, bucket, doc_id) VALUES (?, ?, ?)",
        [(band, bucket, doc_id) for band, bucket in keys],
    )
    scored = []
    for (other,) in candidates:
        blob = db.execute("SELECT minhash FROM documents WHERE doc_id = ?", (other,)).fetchone()
        if blob and blob[0] is not None:
            score = neardup.similarity(signature, neardup.from_blob(blob[0]))
            if score >= neardup.THRESHOLD:
                scored.append((other, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    for other, score in scored[:MAX_LINKS]:
        db.execute(
            "INSERT OR REPLACE INTO near_duplicates (doc_id, other_id, similarity) "
            "VALUES (?, ?, ?)",
            (*sorted((doc_id, other)), score),
        )
    return tuple((other, round(score, 3)) for other, score in scored[:MAX_LINKS])


def linked(db: sqlite3.Connection, doc_id: str, limit: int = MAX_LINKS):
    """(other doc_id, estimated Jaccard) for the most similar near-duplicates."""
    rows = db.execute(
        "SELECT other_id, similarity FROM near_duplicates WHERE doc_id = ? "
        "UNION ALL SELECT doc_id, similarity FROM near_duplicates WHERE other_id = ? "
        "ORDER BY 2 DESC, 1 LIMIT ?",
        (doc_id, doc_id, limit),
    )
    return [(other, similarity) for other, similarity in rows]


def linked_many(
    db: sqlite3.Connection, doc_ids: Sequence[str], limit: int = MAX_LINKS
) -> dict[str, list[tuple[str, float]]]:
    """`linked` of each of `doc_ids` (an empty list for one without links), in one
    read per batch of ids: the results of a question are many documents."""
    found: dict[str, list[tuple[str, float]]] = {doc_id: [] for doc_id in doc_ids}
    query = (
        "SELECT doc_id, other_id, similarity FROM near_duplicates WHERE doc_id IN ({marks}) "
        "UNION ALL SELECT other_id, doc_id, similarity FROM near_duplicates "
        "WHERE other_id IN ({marks})"
    )
    for doc_id, other, similarity in select_in(db, query, doc_ids):
        found[doc_id].append((other, similarity))
    for doc_id, links in found.items():
        found[doc_id] = sorted(links, key=lambda link: (-link[1], link[0]))[:limit]
    return found
