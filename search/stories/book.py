"""The archive's stories, kept up to date as documents come and go.

`stories.sqlite` in the index folder holds each report's profile (names, phrases) and
the story it belongs to. A refresh profiles only the documents the served generation
holds, embedded, that the book has not seen, and assigns each, oldest first, to the story it
links to best (search/stories/links.py) or to a new story of its own; removed
documents leave their story. Nothing already assigned is recomputed, so adding a feed
to a large archive costs the new reports only (incremental, single-pass clustering as
in TDT's online detection). The book records its format version and link settings and
starts afresh when they change. On an index this process may not write, the book is
copied into memory and kept up to date there.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import datetime

from index.derived.generation import Generation
from index.newsindex import NewsIndex
from index.sqlite_files import connect_read_only, writable
from search.stories.columns import column_marks, same_column
from search.stories.links import (
    LinkConfig,
    NameStats,
    content_link,
    days_apart,
    time_factor,
    vector_cosine,
)
from search.stories.profile import Profile, profile

BOOK_NAME = "stories.sqlite"
FORMAT = "4"  # bumped whenever profiles or links change meaning (4: aliases, quoted names)
NEIGHBOURS = 20
MAX_NAME_CANDIDATES = 60
MAX_MEMBERS_COMPARED = 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    doc_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    published TEXT,
    names TEXT NOT NULL CHECK (json_valid(names)),
    phrases TEXT NOT NULL CHECK (json_valid(phrases)),
    columns TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(columns))
);
CREATE INDEX IF NOT EXISTS reports_story ON reports (story_id);
"""


@dataclass(frozen=True)
class Report:
    """What the book knows of one document; `columns` its headline's column marks
    (search/stories/columns.py)."""

    doc_id: str
    story_id: str
    published: datetime | None
    profile: Profile
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class BookUpdate:
    added: int
    removed: int


class StoryBook:
    def __init__(self, index: NewsIndex, config: LinkConfig | None = None) -> None:
        self.index = index
        self.config = config or LinkConfig()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._reports: dict[str, Report] = {}
        self._members: dict[str, list[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        self._stats = NameStats((), self.config)
        self._vectors: dict[str, dict[str, float]] = {}
        self._version: tuple[int, int] | None = None
        self._generation_name: str | None = None
        self._synced: tuple[str, int, int] | None = None

    # Reading

    def report(self, doc_id: str) -> Report | None:
        return self._reports.get(doc_id)

    def members(self, story_id: str) -> list[str]:
        """The story's doc ids, oldest first (undated last), ties by doc_id."""
        reports = [self._reports[m] for m in self._members.get(story_id, ())]
        reports.sort(key=oldest_first)
        return [r.doc_id for r in reports]

    def story_ids(self) -> list[str]:
        return list(self._members)

    @property
    def stats(self) -> NameStats:
        return self._stats

    def names_vector(self, doc_id: str) -> dict[str, float]:
        if doc_id not in self._vectors:
            self._vectors[doc_id] = self._stats.vector(self._reports[doc_id].profile)
        return self._vectors[doc_id]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # Keeping up to date

    def refresh(self, generation: Generation | None = None) -> BookUpdate:
        """Bring the book level with the served generation (profiles and stories of new
        documents, removed ones dropped)."""
        generation = generation or self.index.snapshot()
        with self._lock:
            db = self._connection()
            if self._current(db, generation):
                return BookUpdate(added=0, removed=0)
            db.execute("BEGIN IMMEDIATE")
            try:
                self._load(db, generation)
                update = self._sync(db, generation)
                db.execute("COMMIT")
                version = db.execute("PRAGMA data_version").fetchone()[0]
                self._synced = (generation.name, self.index.store.revision, version)
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return update

    def _current(self, db: sqlite3.Connection, generation: Generation) -> bool:
        """Nothing to do: the same generation and store revision as at the last sync,
        and no other process has written the book since."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        synced = (generation.name, self.index.store.revision, version)
        return synced == self._synced

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            path = self.index.dir / BOOK_NAME
            if writable(path):
                self._db = sqlite3.connect(
                    path, timeout=60, isolation_level=None, check_same_thread=False
                )
            else:
                self._db = _in_memory_copy(path)
            self._db.executescript(_SCHEMA)
            settings = json.dumps({"format": FORMAT, **asdict(self.config)}, sort_keys=True)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
            if row is None or row[0] != settings:
                self._db.execute("DELETE FROM reports")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (settings,))
        return self._db

    def _load(self, db: sqlite3.Connection, generation: Generation) -> None:
        """Reread the book when another process (or a restart) changed it, and count
        names against the served generation's words."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        count = db.execute("SELECT count(*) FROM reports").fetchone()[0]
        if (version, count) == self._version and generation.name == self._generation_name:
            return
        self._generation_name = generation.name
        self._reports, self._members, self._by_name = {}, {}, {}
        rows = db.execute(
            "SELECT doc_id, story_id, published, names, phrases, columns FROM reports "
            "ORDER BY published IS NULL, published, doc_id"
        )
        for doc_id, story_id, published, names, phrases, columns in rows:
            item = Profile(doc_id, _pairs(names), _pairs(phrases))
            when = datetime.fromisoformat(published) if published else None
            self._remember(Report(doc_id, story_id, when, item, tuple(json.loads(columns))))
        self._restat(generation)
        self._version = (version, count)

    def _restat(self, generation: Generation) -> None:
        profiles = (r.profile for r in self._reports.values())
        self._stats = NameStats(profiles, self.config, generation.term_frequency_share)
        self._vectors = {}

    def _remember(self, report: Report) -> None:
        self._reports[report.doc_id] = report
        self._members.setdefault(report.story_id, []).append(report.doc_id)
        for key in report.profile.name_keys:
            self._by_name.setdefault(key, set()).add(report.doc_id)

    def _sync(self, db: sqlite3.Connection, generation: Generation) -> BookUpdate:
        summaries = {s.doc_id: s for s in self.index.store.summaries()}
        gone = [doc_id for doc_id in self._reports if doc_id not in summaries]
        for doc_id in gone:
            self._forget(doc_id)
        if gone:
            self._restat(generation)
        db.executemany("DELETE FROM reports WHERE doc_id = ?", [(d,) for d in gone])
        # A document the generation holds by its words alone waits for its vectors:
        # assigned without them it would stay a story of its own for good.
        new = [
            s
            for s in summaries.values()
            if s.doc_id not in self._reports and generation.embedded(s.doc_id)
        ]
        new.sort(key=oldest_first)
        profiles = {}
        for summary in new:
            document = self.index.store.get(summary.doc_id)
            if document is not None:
                profiles[summary.doc_id] = profile(document.doc_id, document.title, document.text)
                self._stats.add(profiles[summary.doc_id])
        self._vectors = {}  # the archive's name frequencies changed
        for summary in new:
            if summary.doc_id in profiles:
                self._assign(db, generation, summary, profiles[summary.doc_id])
        self._version = (db.execute("PRAGMA data_version").fetchone()[0], len(self._reports))
        return BookUpdate(added=len(profiles), removed=len(gone))

    def _forget(self, doc_id: str) -> None:
        report = self._reports.pop(doc_id)
        self._members[report.story_id].remove(doc_id)
        if not self._members[report.story_id]:
            del self._members[report.story_id]
        for key in report.profile.name_keys:
            self._by_name.get(key, set()).discard(doc_id)
        self._vectors.pop(doc_id, None)

    def _assign(self, db, generation: Generation, summary, item: Profile) -> None:
        columns = column_marks(summary.source, summary.title)
        report = Report(summary.doc_id, "", summary.published, item, columns)
        self._reports[summary.doc_id] = report  # so that its names vector can be read
        best_story, best_link = None, self.config.join
        for story_id in self._candidate_stories(generation, summary.doc_id, item):
            link = self.story_link(generation, report, story_id)
            if link >= best_link:
                best_story, best_link = story_id, link
        del self._reports[summary.doc_id]
        report = Report(
            summary.doc_id,
            best_story or "story-" + summary.doc_id,
            summary.published,
            item,
            columns,
        )
        self._remember(report)
        db.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?)",
            (
                report.doc_id,
                report.story_id,
                summary.published.isoformat() if summary.published else None,
                json.dumps(item.names, ensure_ascii=False),
                json.dumps(item.phrases, ensure_ascii=False),
                json.dumps(columns, ensure_ascii=False),
            ),
        )

    def _candidate_stories(self, generation: Generation, doc_id: str, item: Profile) -> list[str]:
        """Stories of the document's nearest neighbours by vector and of the reports
        sharing its specific names (the most shared first)."""
        near = [other for other, _ in generation.document_neighbours(doc_id, NEIGHBOURS)]
        sharing: dict[str, int] = {}
        for key in item.name_keys:
            if self._stats.specific_name(key):
                for other in self._by_name.get(key, ()):
                    sharing[other] = sharing.get(other, 0) + 1
        by_names = sorted(sharing, key=lambda other: (-sharing[other], other))
        stories: list[str] = []
        for other in near + by_names[:MAX_NAME_CANDIDATES]:
            story_id = self._reports[other].story_id if other in self._reports else None
            if story_id and story_id not in stories:
                stories.append(story_id)
        return stories

    def story_link(self, generation: Generation, report: Report, story_id: str) -> float:
        """The mean of `report`'s best `top_members` content links to the story's
        members (the members nearest in time compared), times the time factor of the
        member nearest in time."""
        members = [
            member
            for m in self._members.get(story_id, ())
            if not same_column(report.columns, (member := self._reports[m]).columns)
        ]
        members.sort(key=lambda m: _gap_key(report.published, m.published))
        members = members[:MAX_MEMBERS_COMPARED]
        if not members:
            return 0.0
        cosines = generation.document_similarities(report.doc_id, [m.doc_id for m in members])
        mine = self.names_vector(report.doc_id)
        links = sorted(
            (
                content_link(
                    cosines.get(m.doc_id, 0.0),
                    vector_cosine(mine, self.names_vector(m.doc_id)),
                    self.config,
                )
                for m in members
            ),
            reverse=True,
        )[: self.config.top_members]
        gap = days_apart(report.published, members[0].published)
        return sum(links) / len(links) * time_factor(gap, self.config)


def _in_memory_copy(path) -> sqlite3.Connection:
    """The book of an index this process may not write, copied into memory (empty when
    there is none): brought up to date there, never written back."""
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if path.exists():
        stored = connect_read_only(path, 60)
        try:
            stored.backup(memory)
        finally:
            stored.close()
    return memory


def oldest_first(record) -> tuple:
    """Sort key of anything with `published` and `doc_id`: oldest first, undated last,
    ties by doc_id (reports, summaries, documents alike)."""
    return (record.published is None, record.published or datetime.min, record.doc_id)


def _gap_key(first: datetime | None, second: datetime | None) -> float:
    gap = days_apart(first, second)
    return float("inf") if gap is None else gap


def _pairs(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, display) for key, display in json.loads(raw))
