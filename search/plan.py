"""How one question is searched: its filters merged with the time it names, the "as
of" moment, "newest first", and whether the top is spread over outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from search.timeframe import read_timeframe
from search.types import Filters, Mode, SearchRequest, TimeFrame, end_of_day


@dataclass(frozen=True)
class SearchPlan:
    """`query`: what retrieval reads (the question without its time words);
    `timeframe`: the question's own time, applied (None when it named none or it was
    switched off); `as_of`: the moment asked from (recency counts back from it);
    `k` and `mode` as asked; `question`: the question as asked (default: `query`)."""

    query: str
    filters: Filters | None = None
    as_of: datetime | None = None
    latest: bool = False
    diversify: bool = True
    timeframe: TimeFrame | None = None
    k: int = 5
    mode: Mode = "hybrid"
    question: str = ""

    @property
    def asked(self) -> str:
        return self.question or self.query


def make_plan(request: SearchRequest) -> SearchPlan:
    """An `as_of` given also leaves out reports published after it; without one, now
    is the moment relative dates ("last year") count from."""
    question, filters, as_of = request.text, request.filters, request.as_of
    question_dates, diversify = request.question_dates, request.diversify
    given = as_of is not None
    moment = _utc(as_of) if given else datetime.now(UTC)
    filters = filters or Filters()
    if given:
        until = end_of_day(moment) if moment.time() == datetime.min.time() else moment
        filters = _narrowed(filters, None, until) or filters
    frame = read_timeframe(question, moment) if question_dates else None
    if frame is not None:
        narrowed = _narrowed(filters, frame.since, frame.until)
        if narrowed is None:
            frame = None  # the question's dates fall outside the user's own filters
        else:
            filters = narrowed
    query = _without(question, frame.phrase.split(" · ")) if frame else question
    return SearchPlan(
        query,
        filters if filters.active else None,
        moment,
        bool(frame and frame.latest),
        diversify,
        frame,
        request.k,
        request.mode,
        question,
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _narrowed(filters: Filters, since, until) -> Filters | None:
    """Filters with the bounds intersected; None when the intersection is empty."""
    low = max((_utc(b) for b in (filters.since, since) if b is not None), default=None)
    high = min((_utc(b) for b in (filters.until, until) if b is not None), default=None)
    if low is not None and high is not None and low > high:
        return None
    return Filters(low, high, filters.sources, filters.authors)


def _without(question: str, phrases: list[str]) -> str:
    """The question with its time words taken out, unless nothing would be left."""
    query = question
    for phrase in phrases:
        if phrase:
            query = query.replace(phrase, " ")
    query = " ".join(query.split())
    return query if len(query.split()) >= 2 else question
