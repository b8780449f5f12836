"""The state the web app shares between all browser users.

One reader Newsdesk (the model loaded once) answers every question from the live index
generation; one writer Newsdesk, used by a single background worker at a time,
ingests uploads and URLs and builds the next generation. Questions never wait for an
upload: the reader keeps serving the previous generation until the new one is live.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from index.corpus import demo_corpus_dir
from index.errors import IngestError
from index.ingest import IngestReport, SourceResult, load_source, parse_source
from index.reading import RawSource
from search.desk import Newsdesk

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 20
UPLOAD_TYPES = [".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".json", ".jsonl", ".csv"]


@dataclass
class BuildStatus:
    """What the first build of an empty index is doing, for the "still building" state."""

    ready: bool = False
    message: str = "Starting"
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class DeskService:
    def __init__(self, index_dir: Path, model: str | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.model = model
        self.status = BuildStatus()
        self._write_lock = threading.Lock()
        self.reader = Newsdesk(self.index_dir, model=model, rebuild_stale=False)
        self._writer: Newsdesk | None = None

    def start(self, build_demo: bool = True) -> threading.Thread | None:
        """Load the model, then make sure a generation exists; on an empty index build
        the demo corpus in a background thread and return it."""
        self.reader.index.embedder  # noqa: B018 - load the model once, before any request
        if (self.index_dir / "CURRENT").is_file():
            self._set_ready()
            return None
        thread = threading.Thread(target=self._first_build, args=(build_demo,), daemon=True)
        thread.start()
        return thread

    def _first_build(self, build_demo: bool) -> None:
        try:
            with self._write_lock:
                writer = self.writer()
                if build_demo and not writer.index.store.count():
                    self.status.message = "Indexing the bundled demo corpus (first start)"
                    writer.add([str(demo_corpus_dir())])
                else:
                    self.status.message = "Building the search index from the stored documents"
                    writer.add([])
            self._set_ready()
        except Exception as error:  # shown in the app instead of a dead worker thread
            self.status.error = f"{type(error).__name__}: {error}"

    def _set_ready(self) -> None:
        self.status.ready = True
        self.status.message = "Ready"

    def writer(self) -> Newsdesk:
        if self._writer is None:
            self._writer = Newsdesk(self.index_dir, model=self.model)
        return self._writer

    def add_uploads(self, uploads: list[tuple[str, bytes]], urls: list[str]) -> IngestReport:
        """Ingest uploaded files (display name, bytes) and URLs in one store transaction,
        then build the next generation. Names are only displayed, never used as paths."""
        sources: list[SourceResult] = []
        for name, data in uploads[:MAX_UPLOAD_FILES]:
            if len(data) > MAX_UPLOAD_BYTES:
                sources.append(SourceResult(name, None, error=f"{name}: file is over 20 MB"))
                continue
            try:
                sources.append(parse_source(RawSource(origin=f"upload:{name}", data=data)))
            except IngestError as error:
                sources.append(SourceResult(name, None, error=f"{name}: {error.reason}"))
        sources.extend(load_source(url) for url in urls)
        with self._write_lock:
            return self.writer().index.add_results(sources)

    def delete(self, doc_id: str) -> bool:
        with self._write_lock:
            return self.writer().delete(doc_id)

    def close(self) -> None:
        self.reader.close()
        if self._writer is not None:
            self._writer.close()
