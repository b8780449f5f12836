"""The records the search layer returns: passages, answers, related coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal, get_args

from index.documents import DocumentSummary


@dataclass(frozen=True)
class TimeFrame:
    """The time a question names (search/timeframe.py reads it): `since`/`until` bound
    publication (None: open); `latest` asks for the newest reports first; `phrase` is
    the question's own words; `label` says it in one line."""

    since: datetime | None
    until: datetime | None
    latest: bool
    phrase: str
    label: str


# How a question is searched: both sides fused, or one side alone.
Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = get_args(Mode)


@dataclass(frozen=True)
class Filters:
    """Published in [since, until] (inclusive), from any of `sources`, by any of `authors`."""

    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.sources or self.authors)

    @classmethod
    def between(
        cls,
        since: datetime | None = None,
        until: datetime | None = None,
        sources: tuple[str, ...] = (),
        authors: tuple[str, ...] = (),
    ) -> Filters:
        """Filters from user-given bounds: an `until` at midnight (a date without a time)
        includes that whole day; 9999-12-31 stays inside the calendar. Raises
        ValueError naming both dates when `since` is after `until`."""
        if until is not None and until.timetz().replace(tzinfo=None) == time(0):
            until = end_of_day(until)
        if since and until and since > until:
            raise ValueError(
                f"the date range is inverted: from {since:%Y-%m-%d} is after until {until:%Y-%m-%d}"
            )
        return cls(since, until, tuple(sources), tuple(authors))


def end_of_day(moment: datetime) -> datetime:
    """The last microsecond of `moment`'s day (UTC when naive), clamped to the calendar."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    try:
        return start + timedelta(days=1) - timedelta(microseconds=1)
    except OverflowError:
        return datetime.max.replace(tzinfo=start.tzinfo)


# A document named briefly (where else a story ran, what a result relates to): the
# index's metadata record, without the text.
DocRef = DocumentSummary


@dataclass(frozen=True)
class SearchRequest:
    """One question and how to search it, as `Newsdesk.search` and `ask` take it.

    `k`: results wanted (1 to 100); `mode`: both sides fused ("hybrid") or one alone;
    `filters`: dates, outlets, authors; `as_of`: search as of that moment (later reports
    left out, relative dates count from it; default now); `question_dates`: apply the
    time the question names ("in May 2020", "latest"); `diversify`: spread the top
    results over outlets."""

    text: str
    k: int = 5
    mode: Mode = "hybrid"
    filters: Filters | None = None
    as_of: datetime | None = None
    question_dates: bool = True
    diversify: bool = True


@dataclass(frozen=True)
class Coverage:
    """How much of the live index answers by meaning: `embedded` of its `passages`
    have vectors (fewer while a progressive add is filling them in); every passage is
    searchable by its words at once."""

    passages: int
    embedded: int

    @property
    def complete(self) -> bool:
        return self.embedded >= self.passages


@dataclass(frozen=True)
class Scores:
    """Why a passage ranked: each side's 1-based rank and score (None when that side did
    not retrieve it) and the fused score that ordered the results."""

    fused: float
    bm25_rank: int | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None
    dense_score: float | None = None


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk and its document's metadata: `text == document.text[start:end]`
    of the stored document. `also_in` lists near-duplicate documents and `more_chunks`
    other matching chunk ids of the same document, collapsed into this result."""

    rank: int
    chunk_id: str
    document: DocumentSummary
    text: str
    start: int
    end: int
    scores: Scores
    also_in: tuple[DocRef, ...] = ()
    more_chunks: tuple[str, ...] = ()

    # The document's fields, read through: a passage is always about one document.
    doc_id = property(lambda self: self.document.doc_id)
    title = property(lambda self: self.document.title)
    source = property(lambda self: self.document.source)
    authors = property(lambda self: self.document.authors)
    published = property(lambda self: self.document.published)
    url = property(lambda self: self.document.url)


@dataclass(frozen=True)
class Phrase:
    """The fact in a cited span that answers what the question asks for (a name, a
    number, a date, a place): `document.text[start:end] == text`, inside the span."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Citation:
    """[number] in an answer: the sentence `document.text[start:end]` of `passage`;
    `score` the answer scorer's probability that it answers the question."""

    number: int
    passage: Passage
    start: int
    end: int
    text: str
    phrase: Phrase | None = None
    score: float | None = None


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer (or sentences joined into one span), its citation
    number, its article's date and outlet, and the answer phrase in it (the lead's)."""

    text: str
    citation: int
    published: datetime | None = None
    source: str | None = None
    phrase: Phrase | None = None
    start: int | None = None

    def parts(self) -> tuple[str, str, str]:
        """The text before the answer phrase, the phrase, and the text after it (the
        whole text first when it has no phrase); `start` is the text's document offset."""
        if self.phrase is None or self.start is None:
            return self.text, "", ""
        low, high = self.phrase.start - self.start, self.phrase.end - self.start
        return self.text[:low], self.text[low:high], self.text[high:]


@dataclass(frozen=True)
class Answer:
    """An extractive answer. `found` is False when nothing in the archive answers the
    question; then `sentences` is empty and `passages` holds the nearest misses.
    `timeframe` is the time the question named, as applied to the search (None when it
    named none or that was switched off)."""

    question: str
    found: bool
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    message: str = ""
    timeframe: TimeFrame | None = None

    @property
    def dates_note(self) -> str:
        """ "From reports of 3 Jun 2019 and 18 May 2020." when the sentences come from
        reports of different days, oldest first; "" otherwise."""
        days = sorted({s.published.date() for s in self.sentences if s.published})
        if len(days) < 2:
            return ""
        named = [f"{day.day} {day:%b %Y}" for day in days]
        listed = ", ".join(named[:-1]) + f" and {named[-1]}"
        return f"From reports of {listed}."


@dataclass(frozen=True)
class Contribution:
    """What a report adds to its story: its most distinctive sentence, cited exactly
    (`document.text[start:end] == text`)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class RelatedItem:
    """One report of a story: `score` its link to the subject (related coverage) or to
    the rest of its story (the archive's stories), `reason` the shared names and the
    time between, `adds` what it brings that the story's earlier reports did not."""

    document: DocRef
    score: float
    reason: str
    also_in: tuple[DocRef, ...] = ()
    adds: Contribution | None = None


@dataclass(frozen=True)
class Story:
    """Reports of one story, oldest first. `story_id` names it in the archive's story
    book (`Newsdesk.story`); `reports` counts all its reports in the archive (related
    coverage shows only those close to the subject); `names` are what its reports
    share ("Nexperia", "Wingtech", "Enterprise Chamber")."""

    story_id: str
    label: str
    items: tuple[RelatedItem, ...]
    reports: int = 0
    names: tuple[str, ...] = ()

    @property
    def first(self) -> datetime | None:
        dates = [i.document.published for i in self.items if i.document.published]
        return min(dates) if dates else None

    @property
    def last(self) -> datetime | None:
        dates = [i.document.published for i in self.items if i.document.published]
        return max(dates) if dates else None

    @property
    def outlets(self) -> tuple[str, ...]:
        """Outlets in the order they first reported."""
        seen: list[str] = []
        for item in self.items:
            outlet = item.document.source or "outlet not stated"
            if outlet not in seen:
                seen.append(outlet)
        return tuple(seen)
