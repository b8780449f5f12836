"""Opening the index's SQLite files, for writing where the folder allows it and for
reading where it does not (a read-only mount, a shared archive, files of another user),
so that every reader works on an index nobody may change from here."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.request import pathname2url


def writable(path: Path) -> bool:
    """The file (or, before it exists, its folder) can be written; a read-only file
    system counts as not writable for root too."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def connect_read_only(path: Path, timeout_s: float) -> sqlite3.Connection:
    """`path` opened read-only. A WAL database needs its shared-memory file; where the
    folder cannot hold one, the file is read as immutable (nobody can write it from
    here, and a clean close left no write-ahead log behind)."""
    uri = "file:" + pathname2url(str(Path(path).resolve()))
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        db = sqlite3.connect(
            uri + query, uri=True, timeout=timeout_s, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
    raise sqlite3.OperationalError(f"{path}: cannot be read")
