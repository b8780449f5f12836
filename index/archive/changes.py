"""The store's change log: which documents each write added or removed.

A segmented index (index/derived/segments.py) turns a write into a new segment and
deletion marks, so it must know what changed since its live generation without
comparing the whole archive. SQLite triggers record every insert and delete of a
document row in the same transaction as the change itself, so the log can never miss
a committed write, even one killed before its generation was built. A generation
records the last change it covers; the writer forgets what every kept generation
covers."""

from __future__ import annotations

import sqlite3

CREATE_LOG = (
    "CREATE TABLE IF NOT EXISTS changes "
    "(seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS documents_added AFTER INSERT ON documents "
    "BEGIN INSERT INTO changes (doc_id) VALUES (NEW.doc_id); END",
    "CREATE TRIGGER IF NOT EXISTS documents_removed AFTER DELETE ON documents "
    "BEGIN INSERT INTO changes (doc_id) VALUES (OLD.doc_id); END",
)


def ensure_log(db: sqlite3.Connection) -> None:
    """Create the log a store lacks (inside a write transaction, before its changes)."""
    for statement in CREATE_LOG:
        db.execute(statement)


class ChangeLog:
    """The log of one store; `transaction` opens its write transactions."""

    def __init__(self, db: sqlite3.Connection, transaction) -> None:
        self._db, self._transaction = db, transaction

    def start(self) -> None:
        """Create the log in a store written before it existed."""
        with self._transaction():
            ensure_log(self._db)

    def last(self) -> int | None:
        """The newest change's number (0 for a log with none yet), None without a log."""
        if not has_log(self._db):
            return None
        found = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
        row = found.fetchone()
        return int(row[0]) if row else 0

    def since(self, seq: int) -> list[str]:
        """The documents added or removed after change `seq`, each once, in order."""
        rows = self._db.execute("SELECT doc_id FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        return list(dict.fromkeys(row[0] for row in rows))

    def forget_until(self, seq: int) -> None:
        """Drop the changes every kept generation covers."""
        with self._transaction():
            self._db.execute("DELETE FROM changes WHERE seq <= ?", (seq,))


def has_log(db: sqlite3.Connection) -> bool:
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'documents_removed'"
    ).fetchone()
    return found is not None
