"""One SQLite write transaction with one-line errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.errors import StoreError


class Transaction:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any exception (Ctrl-C included).
    SQLite failures (disk full, read-only file) become one-line StoreErrors."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db, self._path = db, path

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreError(
                    f"{self._path}: document store is busy ({error}); another writer holds it"
                ) from None
            raise StoreError(f"{self._path}: cannot write ({error})") from None

    def __exit__(self, exc_type: object, exc: object, *rest: object) -> None:
        if exc_type:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreError(f"{self._path}: cannot write ({exc})") from None
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self._path}: cannot write ({error})") from None
