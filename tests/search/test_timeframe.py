"""Time named in a question, read relative to an "as of" date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.plan import make_plan
from search.timeframe import read_timeframe
from search.types import SearchRequest

AS_OF = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def _days(frame):
    day = lambda m: m.date().isoformat() if m else None  # noqa: E731
    return day(frame.since), day(frame.until)


@pytest.mark.parametrize(
    "question,since,until",
    [
        ("What did Beijing say in May 2020?", "2020-05-01", "2020-08-01"),
        ("What happened last year?", "2025-01-01", "2026-03-03"),
        ("news since January", "2026-01-01", None),
        ("What did Trump say before the 2024 election?", None, "2024-11-04"),
        ("chip curbs in the past two weeks", "2026-11-17", "2026-12-01"),
        ("Which deals were announced this year?", "2026-01-01", "2026-12-01"),
        ("What did ASML say after March 2026?", "2026-03-31", None),
        ("Who spoke on March 13?", "2026-03-13", "2026-05-14"),
    ],
)
def test_named_times_become_publication_bounds(question, since, until):
    frame = read_timeframe(question, AS_OF)
    assert frame is not None and _days(frame) == (since, until)
    assert frame.phrase in question and frame.phrase in frame.label


def test_relative_dates_count_from_the_as_of_date():
    frame = read_timeframe("What happened last year?", datetime(2020, 3, 1, tzinfo=UTC))
    assert _days(frame)[0] == "2019-01-01"


@pytest.mark.parametrize("question", ["latest on Nexperia", "What is the most recent ASML news?"])
def test_latest_asks_for_newest_first_without_a_filter(question):
    frame = read_timeframe(question, AS_OF)
    assert frame.latest and frame.since is None and frame.until is None


@pytest.mark.parametrize(
    "question",
    ["What did Huawei report as its 2025 revenue?", "Who heads the chip association?"],
)
def test_a_year_that_is_part_of_the_subject_is_not_a_filter(question):
    assert read_timeframe(question, AS_OF) is None


def test_the_plan_drops_time_words_from_the_query_and_keeps_user_filters():
    plan = make_plan(SearchRequest("latest on Nexperia", as_of=AS_OF))
    assert plan.latest and "latest" not in plan.query and "Nexperia" in plan.query
    assert plan.filters.until <= AS_OF.replace(hour=23, minute=59, second=59, microsecond=999999)
    ignored = make_plan(SearchRequest("latest on Nexperia", question_dates=False))
    assert ignored.timeframe is None and not ignored.latest and ignored.filters is None


@pytest.mark.parametrize(
    "question,as_of",
    [
        ("news in the last 10000 years", AS_OF),
        ("what happened 10000 years ago", AS_OF),
        ("what happened 1000000000 days ago", AS_OF),
        ("what happened yesterday", datetime(1, 1, 1, tzinfo=UTC)),
        ("news in December 9999", datetime(9999, 12, 31, tzinfo=UTC)),
    ],
)
def test_a_time_outside_the_calendar_is_dropped_with_a_note(question, as_of):
    frame = read_timeframe(question, as_of)
    assert frame is not None and frame.since is None and frame.until is None
    assert "outside the calendar" in frame.label
    plan = make_plan(SearchRequest(question, as_of=as_of))
    assert plan.query == question and plan.timeframe == frame
