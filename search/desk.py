"""The Python API: one object to load an index, add to it, ask, and find related coverage.

from search.desk import Newsdesk
desk = Newsdesk("~/.newsdesk/index")
answer = desk.ask("What did Beijing say about the new US chip curbs?")
for sentence in answer.sentences:
    print(sentence.text, f"[{sentence.citation}]")
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from index.archive.store import DB_NAME
from index.batch import IngestReport
from index.corpus import demo_corpus_dir
from index.dates import parse_date
from index.derived.embedding import (
    Progress,
    limit_search_threads,
    limit_threads,
    query_threads,
)
from index.documents import Document, DocumentSummary
from index.errors import NotFound
from index.ingest.fetching import is_url
from index.ingest.pipeline import SourceResult, guarded_parse, load_source, load_sources
from index.ingest.reading import RawSource
from index.newsindex import NewsIndex
from index.shards.cluster import Cluster, RayOptions
from index.text.cleaning import clean_string
from search.answer import Answerer
from search.answering.policy import AnswerPolicy
from search.answering.scorer import Scorer
from search.filtercheck import FilterCheck
from search.highlight import matching_words
from search.plan import SearchPlan, make_plan
from search.related import RelatedConfig, RelatedFinder
from search.retriever import RetrievalConfig, Retriever
from search.stories.book import StoryBook
from search.stories.links import LinkConfig
from search.stories.view import build_story, matching_story_ids
from search.types import Answer, Coverage, Filters, Passage, SearchRequest, Story

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
        answering: AnswerPolicy | None = None,
        scorer: Scorer | None = None,
        related: RelatedConfig | None = None,
        stories: LinkConfig | None = None,
        progress: Progress = False,
        rebuild_stale: bool = True,
        ray: str | None = None,
        ray_options: RayOptions | None = None,
    ) -> None:
        """`ray`: a Ray cluster's address, or "local" to start Ray on this machine;
        sources are then read and embedded on the cluster, the index written as shards
        (`ray_options.shards`, default one per node) and served by one actor per shard.
        A sharded index opened without `ray` is served from this process. `answering`
        sets the answer policy (its `scorer` names the cross-encoder); `scorer` passes
        a scorer object instead (search/answering/scorer.py)."""
        cluster = Cluster(ray, ray_options) if ray else None
        self.index = NewsIndex(
            Path(index_dir).expanduser(),
            model=model,
            progress=progress,
            rebuild_stale=rebuild_stale,
            cluster=cluster,
        )
        self.retriever = Retriever(self.index, retrieval)
        self.answerer = Answerer(self.retriever, scorer, answering)
        self.book = StoryBook(self.index, stories)
        self.finder = RelatedFinder(self.index, self.book, related)
        self.filter_check = FilterCheck(self.index.store)

    def close(self) -> None:
        self.book.close()
        self.index.close()

    def __enter__(self) -> Newsdesk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, targets: Sequence[str]) -> IngestReport:
        """Ingest files, folders or URLs and bring the search indexes and the stories
        up to date."""
        report = self.index.add(targets)
        self.book.refresh()
        return report

    def delete(self, doc_id: str) -> bool:
        removed = self.index.delete(doc_id)
        self.book.refresh()
        return removed

    def search(self, query: str | SearchRequest, **options: Any) -> list[Passage]:
        """The top k passages, one per document. `query`: a SearchRequest, or its text
        with the request's fields as keywords (k, mode, filters, as_of, question_dates,
        diversify; search/types.py)."""
        plan = self._plan(query, options)
        return self.retriever.passages(self.retriever.rank_plan(plan), plan.k)

    def ask(self, question: str | SearchRequest, **options: Any) -> Answer:
        """A cited answer and the top k passages; `question` and `options` as in
        `search` (the time the question named, applied, is `answer.timeframe`). An
        outlet or author filter that matches nothing raises NoMatch with the nearest
        names."""
        return self.answerer.ask(self._plan(question, options))

    def _plan(self, query: str | SearchRequest, options: dict[str, Any]) -> SearchPlan:
        if isinstance(query, SearchRequest):
            request = replace(query, **options)
        else:
            request = SearchRequest(query, **options)
        request = replace(request, text=check_query(request.text, request.k))
        self.filter_check.check(request.filters)
        return make_plan(request)

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

    def stories(
        self, filters: Filters | None = None, min_reports: int = 2, limit: int | None = 20
    ) -> list[Story]:
        """The archive's stories of at least `min_reports` reports, newest activity
        first, each with all its reports oldest first; a story is listed when one of
        its reports is inside `filters` (dates, outlets). `limit` None lists all."""
        if isinstance(min_reports, bool) or not isinstance(min_reports, int) or min_reports < 1:
            raise ValueError(f"min_reports must be a whole number ≥ 1, not {min_reports!r}")
        self.filter_check.check(filters)
        generation = self.index.snapshot()
        self.book.refresh(generation)
        chosen = matching_story_ids(self.index, self.book, filters or Filters(), min_reports)
        chosen = chosen if limit is None else chosen[: max(limit, 0)]
        stories = (build_story(self.index, self.book, generation, s) for s in chosen)
        return [story for story in stories if story is not None]

    def story(self, story_id: str) -> Story:
        """One story with all its reports, oldest first; NotFound for an unknown id."""
        generation = self.index.snapshot()
        self.book.refresh(generation)
        story = build_story(self.index, self.book, generation, story_id)
        if story is None:
            raise NotFound(f"no story with id {story_id}")
        return story

    def info(self) -> dict[str, object]:
        """Counts, model, sizes and build time of the live generation."""
        manifest = self.index.manifest()
        files = [p for p in self.index.dir.rglob("*") if p.is_file()]
        return {
            "index": str(self.index.dir),
            "documents": manifest.documents,
            "chunks": manifest.chunks,
            "tokens": manifest.tokens,
            "model": asdict(manifest.model),
            "vector_index": manifest.vector_index,
            "built_at": manifest.built_at,
            "build_seconds": manifest.build_seconds,
            "bytes_on_disk": sum(p.stat().st_size for p in files),
            "embedded_chunks": manifest.chunks - manifest.pending_chunks,
            "pending_chunks": manifest.pending_chunks,
            "shards": len(manifest.shards) or 1,
            "segments": len(manifest.segments),
            "served_by": "ray" if self.index.cluster and manifest.shards else "this process",
        }

    # What the interfaces show of the archive, so that they never reach into its stores.

    @staticmethod
    def preview(targets: Sequence[str]) -> IngestReport:
        """What the targets would ingest as, storing nothing (`newsdesk ingest`)."""
        return IngestReport(tuple(load_sources(targets)))

    @staticmethod
    def exists(index_dir: str | Path) -> bool:
        """Whether `index_dir` holds a document store already."""
        return (Path(index_dir).expanduser() / DB_NAME).exists()

    @staticmethod
    def load_upload(name: str, data: bytes) -> SourceResult:
        """An uploaded file's documents, detected by content; never raises for bad
        input (the error is in the result). `name` is only displayed."""
        return guarded_parse(RawSource(origin=f"upload:{name}", data=data))

    @staticmethod
    def stop_local_cluster() -> bool:
        """Stop the `ray="local"` cluster this process started, its agents and workers
        with it (a cluster given by address is left running); True when there was one."""
        from index.shards.cluster import stop_local_cluster

        return stop_local_cluster()

    # Helpers the interfaces need, so that they never reach into the rooms.

    @staticmethod
    def demo_corpus() -> Path:
        """The bundled demo corpus's folder."""
        return demo_corpus_dir()

    @staticmethod
    def is_url(text: str) -> bool:
        """Whether `text` is an http(s) URL (a target to fetch, not a path or an id)."""
        return is_url(text)

    @staticmethod
    def parse_date(text: str | None) -> datetime | None:
        """A date a person typed ("2020-05-18", "18 May 2020") in UTC; None when it is
        empty or not a date."""
        return parse_date(text, plausible=False)

    @staticmethod
    def one_thread_per_question(search_only: bool = False) -> None:
        """Keep a question's path on one thread (NEWSDESK_QUERY_THREADS to change it),
        so a writer beside it on the same cores does not make it wait; `search_only`
        limits the search libraries and leaves torch alone (docs/benchmarks.md)."""
        threads = query_threads()
        (limit_search_threads if search_only else limit_threads)(threads)

    @staticmethod
    def matching_words(text: str, query: str) -> list[tuple[int, int]]:
        """(start, end) of each word of `text` the query matches by its terms."""
        return matching_words(text, query)

    @staticmethod
    def load_url(url: str) -> SourceResult:
        """An http(s) URL's documents, fetched under the address policy."""
        return load_source(url)

    def add_loaded(self, sources: Sequence[SourceResult]) -> IngestReport:
        """Store sources already loaded (uploads parsed from bytes) and index them."""
        report = self.index.add_results(sources)
        self.book.refresh()
        return report

    def load_model(self) -> None:
        """Load what a question embeds and is answered with now rather than at the
        first question."""
        self.index.embedder.load_for_questions()
        load = getattr(self.answerer.scorer, "load", None)
        if load is not None:
            load()

    @property
    def store_path(self) -> Path:
        return self.index.store.path

    def coverage(self) -> Coverage:
        """Passages of the live generation, and how many of them have vectors yet."""
        manifest = self.index.manifest()
        return Coverage(manifest.chunks, manifest.chunks - manifest.pending_chunks)

    def unfinished(self) -> bool:
        """Whether an interrupted write left the index behind its documents (stored
        but not in the live generation, or not yet embedded); `add([])` finishes it."""
        return self.index.unfinished()

    def count(self) -> int:
        return self.index.store.count()

    def summaries(self) -> list[DocumentSummary]:
        """Every document's metadata, newest first (one read of the documents table)."""
        return self.index.store.summaries()

    def documents(self) -> Iterator[Document]:
        """Every document with its text, newest first."""
        return self.index.store.documents()

    def document(self, doc_id: str) -> Document | None:
        """One stored document with its text; None when there is none by that id."""
        return self.index.document(doc_id)

    @property
    def index_dir(self) -> Path:
        return self.index.dir

    def story_of_each(self) -> dict[str, str]:
        """doc_id → story_id for every document the stories book holds (brought up to
        date first): the archive's grouping, as evaluations score it."""
        self.book.refresh()
        return {d: s for s in self.book.story_ids() for d in self.book.members(s)}

    def chunk_count(self, doc_id: str) -> int:
        return len(self.index.store.chunks(doc_id))

    def near_duplicates(self, doc_id: str) -> list[tuple[str, float]]:
        return self.index.store.near_duplicates(doc_id)
