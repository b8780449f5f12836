"""The Python API: one object to load an index, add to it, ask, and find related coverage.

from search.desk import Newsdesk
desk = Newsdesk("~/.newsdesk/index")
answer = desk.ask("What did Beijing say about the new US chip curbs?")
for sentence in answer.sentences:
    print(sentence.text, f"[{sentence.citation}]")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from index.errors import NotFound
from index.ingest import IngestReport
from index.loaders.common import clean_string
from index.searchindex import NewsIndex
from search.answer import AnswerConfig, Answerer
from search.related import RelatedConfig, RelatedFinder
from search.retriever import RetrievalConfig, Retriever
from search.types import Answer, Filters, Passage, Story

MAX_K = 100
MAX_QUERY_CHARS = 4_000


def check_query(query: str, k: int) -> str:
    """The query made safe to process (lone surrogates replaced, control characters
    dropped); ValueError with a one-line reason for a k or a length out of range."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    cleaned = clean_string(query or "")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise ValueError(
            f"the question is {len(cleaned):,} characters; the limit is {MAX_QUERY_CHARS:,}"
        )
    return cleaned


class Newsdesk:
    def __init__(
        self,
        index_dir: str | Path,
        model: str | None = None,
        retrieval: RetrievalConfig | None = None,
        answering: AnswerConfig | None = None,
        related: RelatedConfig | None = None,
        progress: bool = False,
        rebuild_stale: bool = True,
    ) -> None:
        self.index = NewsIndex(
            Path(index_dir).expanduser(),
            model=model,
            progress=progress,
            rebuild_stale=rebuild_stale,
        )
        self.retriever = Retriever(self.index, retrieval)
        self.answerer = Answerer(self.retriever, answering)
        self.finder = RelatedFinder(self.index, related)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Newsdesk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, targets: Sequence[str]) -> IngestReport:
        """Ingest files, folders or URLs and bring the search indexes up to date."""
        return self.index.add(targets)

    def delete(self, doc_id: str) -> bool:
        return self.index.delete(doc_id)

    def search(
        self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None
    ) -> list[Passage]:
        return self.retriever.search(check_query(query, k), k, mode, filters)

    def ask(
        self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None
    ) -> Answer:
        return self.answerer.ask(check_query(question, k), k, mode, filters)

    def related(
        self,
        doc_id: str | None = None,
        url: str | None = None,
        text: str | None = None,
        k: int = 10,
    ) -> list[Story]:
        """Related coverage of a stored document (by id or URL) or of a pasted text.
        Raises NotFound for an id or URL the archive does not hold."""
        if text is not None:
            return self.finder.for_text(check_query(text[:MAX_QUERY_CHARS], k), k)
        check_query("", k)
        if url is not None:
            document = self.index.store.find_by_url(url)
            if document is None:
                raise NotFound(f"no stored document at {url}")
            doc_id = document.doc_id
        if doc_id is None:
            raise ValueError("give a doc_id, a url or a text")
        return self.finder.for_document(doc_id, k)

    def info(self) -> dict[str, object]:
        manifest = self.index.manifest()
        files = [p for p in self.index.dir.rglob("*") if p.is_file()]
        return {
            "index": str(self.index.dir),
            "documents": manifest["documents"],
            "chunks": manifest["chunks"],
            "tokens": manifest["tokens"],
            "model": manifest["model"],
            "vector_index": manifest["vector_index"],
            "built_at": manifest["built_at"],
            "build_seconds": manifest["build_seconds"],
            "bytes_on_disk": sum(p.stat().st_size for p in files),
        }
