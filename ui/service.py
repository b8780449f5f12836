"""The state the web app shares between all browser users.

One reader Newsdesk (the model loaded once) answers every question from the live index
generation; one writer Newsdesk, used by a single background worker at a time,
ingests uploads and URLs and builds the next generation. Questions never wait for an
upload: the reader keeps serving the previous generation until the new one is live.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.batch import IngestReport
from index.errors import one_line
from index.ingest.pipeline import SourceResult
from search.desk import AnswerPolicy, Newsdesk

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 20


@dataclass
class BuildStatus:
    """What the first build of an empty index is doing, for the "still building" state."""

    ready: bool = False
    building: bool = False  # the first build of an empty index is under way
    message: str = "Starting"
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class DeskService:
    def __init__(
        self,
        index_dir: Path,
        model: str | None = None,
        ray: str | None = None,
        scorer: str | None = None,
    ) -> None:
        """`ray`: a Ray cluster's address ("local": start one here); the index is then
        served by its shard actors and uploads are read and embedded on it. `scorer`:
        the answer scorer's name or folder (default: the shipped cross-encoder)."""
        self.index_dir = Path(index_dir)
        self.model = model
        self.ray = ray
        # An index with a generation is only loaded; an empty one is built first.
        self.status = BuildStatus(building=not (self.index_dir / "CURRENT").is_file())
        self._write_lock = threading.Lock()
        self.reader = Newsdesk(
            self.index_dir,
            model=model,
            rebuild_stale=False,
            ray=ray,
            answering=AnswerPolicy(scorer=scorer),
        )
        self._writer: Newsdesk | None = None
        self._current_step = "Starting"
        # Told (done, total) passages while the writer embeds: the running upload's bar.
        self.progress_hook: Callable[[int, int], None] | None = None

    def start(self, build_demo: bool = True) -> threading.Thread:
        """In a background thread (returned), so that the page is up at once and shows
        each step: load the model, build the index if there is none (the demo corpus
        on an empty archive), bring the stories up to date."""
        thread = threading.Thread(target=self._prepare, args=(build_demo,), daemon=True)
        thread.start()
        return thread

    def _prepare(self, build_demo: bool) -> None:
        try:
            self._step("Loading the language model")
            self.reader.load_model()  # once, before any question
            if not (self.index_dir / "CURRENT").is_file():
                self._first_build(build_demo)
            self._step("Grouping the archive's stories")
            self.reader.stories(limit=0)
            self._set_ready()
            if self.reader.unfinished():
                # An interrupted write is finished by this writer, in steps; the archive
                # is served meanwhile (by its words where vectors are still missing).
                with self._write_lock:
                    self.writer().add([])
        except Exception as error:  # shown in the app instead of a dead worker thread
            self.status.error = f"{type(error).__name__}: {error}"

    def _first_build(self, build_demo: bool) -> None:
        with self._write_lock:
            writer = self.writer()
            if build_demo and not writer.count():
                self._step("Indexing the bundled demo corpus (first start)")
                writer.add([str(Newsdesk.demo_corpus())])
            else:
                self._step("Building the search index from the stored documents")
                writer.add([])

    def _step(self, text: str) -> None:
        self._current_step = text
        self.status.message = text

    def _embedding_progress(self, done: int, total: int) -> None:
        """The writer's embedding progress: into the status line, and to whoever asked
        for it (an upload's progress bar)."""
        if not self.status.ready:
            self.status.message = f"{self._current_step}: embedding passages, {done} of {total}"
        if self.progress_hook is not None:
            self.progress_hook(done, total)

    def _set_ready(self) -> None:
        self.status.building = False
        self.status.ready = True
        self.status.message = "Ready"

    def writer(self) -> Newsdesk:
        if self._writer is None:
            self._writer = Newsdesk(
                self.index_dir, model=self.model, ray=self.ray, progress=self._embedding_progress
            )
        return self._writer

    def add_uploads(self, uploads: list[tuple[str, bytes]], urls: list[str]) -> IngestReport:
        """Ingest uploaded files (display name, bytes) and http(s) URLs, then build the
        next generation. Uploads are detected by content, like files on the command
        line; names are only displayed, never used as paths, and nothing else on the
        server is ever read. Every file and URL gets a line in the report."""
        sources = [_upload_source(name, data) for name, data in uploads[:MAX_UPLOAD_FILES]]
        sources.extend(
            SourceResult(f"upload:{name}", None, error=_refused(name, _OVER_COUNT))
            for name, _ in uploads[MAX_UPLOAD_FILES:]
        )
        for url in urls:
            if Newsdesk.is_url(url):
                sources.append(Newsdesk.load_url(url))
            else:
                sources.append(SourceResult(url, None, error=_refused(url, _NOT_URL)))
        with self._write_lock:
            return self.writer().add_loaded(sources)

    def delete(self, doc_id: str) -> bool:
        with self._write_lock:
            return self.writer().delete(doc_id)

    def close(self) -> None:
        self.reader.close()
        if self._writer is not None:
            self._writer.close()


_OVER_COUNT = f"not taken: one upload holds at most {MAX_UPLOAD_FILES} files; add it again"
_OVER_SIZE = f"not taken: over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit of an upload"
_NOT_URL = "not an http(s) URL; the web app adds uploaded files and http(s) URLs only"


def _refused(name: str, reason: str) -> str:
    return f"{one_line(name)}: {reason}"


def _upload_source(name: str, data: bytes) -> SourceResult:
    origin = f"upload:{name}"
    if len(data) > MAX_UPLOAD_BYTES:
        return SourceResult(origin, None, error=_refused(name, _OVER_SIZE))
    return Newsdesk.load_upload(name, data)
