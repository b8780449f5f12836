"""The writer lock of an index folder: one process writes at a time."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

from index.errors import StoreError

LOCK_NAME = ".writer.lock"
LOCK_TIMEOUT_S = 120.0


class IndexBusy(StoreError):
    """Another process holds the writer lock."""


class WriterLock:
    """An exclusive flock on `.writer.lock` in the index folder: a second writer waits up
    to `timeout_s`, then fails with a message naming the folder. The kernel drops the
    lock when its process dies, so a crash never leaves it stale."""

    def __init__(self, index_dir: Path, timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.path, self.timeout_s = Path(index_dir) / LOCK_NAME, timeout_s

    def __enter__(self) -> None:
        self._handle = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._handle.close()
                    raise IndexBusy(
                        f"{self.path.parent}: another newsdesk process is updating this index"
                    ) from None
                time.sleep(0.1)

    def __exit__(self, *exc_info: object) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
