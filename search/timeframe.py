"""What a question says about time, as bounds on publication dates and a wish for the
newest reports: "latest on Nexperia", "in May 2020", "last year", "since January",
"before the 2024 election", "in the past two weeks".

The words are found by pattern and their dates read by dateparser (the maintained
parser trafilatura already installs), relative to an "as of" moment, so "last year"
asked as of 2020-03-01 means 2019. An event happens before it is reported: a period
named as when something happened ("in June 2019", "last year") also admits reports
up to two months after it ends: June's figures are published in August.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from search.types import TimeFrame, end_of_day

GRACE = timedelta(days=62)
WEEK_DAYS = 9
_COUNT = dict(
    zip(
        "a an one two three four five six seven eight nine ten twelve few several".split(),
        (1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 3, 3),
        strict=True,
    )
)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d\d"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WHEN = rf"(?:{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH}(?:\s+{_DAY})?(?:,?\s+{_YEAR})?|{_YEAR})"
_LATEST = re.compile(
    r"\b(?:latest|most recent(?:ly)?|newest|recent(?:ly)?|up to date|so far|currently"
    r"|right now|these days|lately)\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\b(?:in|over|during|within)\s+the\s+(?:last|past|previous)\s+(\d+|\w+\s+)?\s*"
    r"(days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several)\s+"
    r"(days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
_CALENDAR = re.compile(
    r"\b(last|this|past)\s+(week|month|year)\b|\b(yesterday|today)\b", re.IGNORECASE
)
_ELECTION = re.compile(
    r"\b(before|after|since|ahead of|until)\s+the\s+((?:19|20)\d\d)\s+(?:[\w.]+\s+){0,2}"
    r"(?:elections?|vote|polls)\b",
    re.IGNORECASE,
)
_NAMED = re.compile(
    rf"\b(in|during|since|after|before|until|till|by|from|on|as of)\s+((?:early|mid|late)-?\s*)?"
    rf"({_WHEN})(?![\w-])",
    re.IGNORECASE,
)


def read_timeframe(question: str, as_of: datetime) -> TimeFrame | None:
    """The time the question names, relative to `as_of` (UTC when naive); None if none."""
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    latest = _LATEST.search(question)
    try:
        bounds = (
            _election(question)
            or _span(question, as_of)
            or _calendar(question, as_of)
            or _named(question, as_of)
        )
    except (OverflowError, ValueError):
        # "10000 years ago", or "yesterday" as of 0001-01-01: no date to apply.
        return _outside_calendar(latest.group() if latest else "")
    if bounds is None and latest is None:
        return None
    since, until, phrase = bounds or (None, None, "")
    phrases = [p for p in (phrase, latest.group() if latest else "") if p]
    return TimeFrame(
        since,
        until,
        latest is not None,
        " · ".join(phrases),
        _label(since, until, latest is not None, phrases),
    )


def _outside_calendar(latest: str) -> TimeFrame:
    """A frame whose dates leave the calendar: dropped, and said so."""
    note = "the dates the question names fall outside the calendar and were not applied"
    if latest:
        note = f"newest first (from “{latest}” in the question); {note}"
    return TimeFrame(None, None, bool(latest), latest, note)


def _label(since, until, latest, phrases) -> str:
    parts = []
    if since and until:
        parts.append(f"published {since:%d %b %Y} – {until:%d %b %Y}")
    elif since:
        parts.append(f"published since {since:%d %b %Y}")
    elif until:
        parts.append(f"published by {until:%d %b %Y}")
    if latest:
        parts.append("newest first")
    quoted = ", ".join(f"“{p}”" for p in phrases)
    return f"{'; '.join(parts)} (from {quoted} in the question)"


def _count(word: str | None) -> int:
    word = (word or "").strip().casefold()
    return int(word) if word.isdigit() else _COUNT.get(word, 1)


def _span(question: str, as_of: datetime):
    match = _SPAN.search(question) or _AGO.search(question)
    if match is None:
        return None
    days = _count(match.group(1)) * _UNIT_DAYS[match.group(2).casefold().rstrip("s")]
    if match.re is _SPAN:
        return as_of - timedelta(days=days), end_of_day(as_of), match.group()
    unit = timedelta(days=_UNIT_DAYS[match.group(2).casefold().rstrip("s")])
    centre = as_of - timedelta(days=days)
    return centre - unit, min(end_of_day(centre + unit), end_of_day(as_of)), match.group()


def _calendar(question: str, as_of: datetime):
    match = _CALENDAR.search(question)
    if match is None:
        return None
    day = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    if match.group(3):
        first = day if match.group(3).casefold() == "today" else day - timedelta(days=1)
        return first, end_of_day(first), match.group()
    which, unit = match.group(1).casefold(), match.group(2).casefold()
    if unit == "week":
        # A week's news is a rolling window: "this week" asked on a Monday still means
        # the reports of the days before.
        start = day - timedelta(days=WEEK_DAYS if which != "last" else 2 * WEEK_DAYS)
        return start, end_of_day(day), match.group()
    if which == "past":
        start = day - timedelta(days=_UNIT_DAYS[unit])
        return start, end_of_day(day), match.group()
    if unit == "month":
        year, month = (day.year, day.month) if which == "this" else _previous_month(day)
        start = day.replace(year=year, month=month, day=1)
        return start, _reported(_period_end(start, "month", day), which, day), match.group()
    start = day.replace(year=day.year - (which != "this"), month=1, day=1)
    return start, _reported(_period_end(start, "year", day), which, day), match.group()


def _reported(end: datetime, which: str, as_of: datetime) -> datetime:
    """A past period's end, plus the time reports of it take to appear."""
    return end_of_day(min(end + GRACE if which == "last" else end, as_of))


def _previous_month(day: datetime) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def _period_end(start: datetime, period: str, as_of: datetime) -> datetime:
    if period == "year":
        last = start.replace(month=12, day=31)
    elif period == "month":
        last = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    elif period == "week":
        last = start + timedelta(days=6)
    else:
        last = start
    return end_of_day(min(last, as_of))


def _election(question: str):
    """US elections fall on the Tuesday after the first Monday of November."""
    match = _ELECTION.search(question)
    if match is None:
        return None
    year = int(match.group(2))
    first = datetime(year, 11, 1, tzinfo=UTC)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    day = monday + timedelta(days=1)
    word = match.group(1).casefold()
    if word in ("before", "ahead of", "until"):
        return None, day - timedelta(microseconds=1), match.group()
    return day, None, match.group()


def _named(question: str, as_of: datetime):
    match = _NAMED.search(question)
    if match is None:
        return None
    parsed = _parser(as_of).get_date_data(match.group(3))
    if parsed is None or parsed.date_obj is None:
        return None
    if parsed.date_obj.replace(tzinfo=None) > as_of.replace(tzinfo=None):
        return None  # a coming event ("the Super Bowl in February"): reports precede it
    start, period = _period_start(parsed.date_obj, parsed.period or "day")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    end = _period_end(start, period, datetime.max.replace(tzinfo=UTC))
    start, end = _part(start, end, (match.group(2) or "").strip().casefold())
    word = match.group(1).casefold()
    if word in ("since", "from"):
        return start, None, match.group()
    if word == "after":
        return end, None, match.group()
    if word == "before":
        return None, start - timedelta(microseconds=1), match.group()
    if word in ("until", "till", "by", "as of"):
        return None, end, match.group()
    return start, end + GRACE, match.group()


def _period_start(moment: datetime, period: str) -> tuple[datetime, str]:
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "year":
        return moment.replace(month=1, day=1), "year"
    if period == "month":
        return moment.replace(day=1), "month"
    return moment, period if period in ("week", "day") else "day"


def _part(start: datetime, end: datetime, part: str) -> tuple[datetime, datetime]:
    """ "early", "mid" or "late" in a period: its first, middle or last third."""
    if not part:
        return start, end
    third = (end - start) / 3
    index = {"early": 0, "mid": 1, "late": 2}[part.rstrip("-")]
    return start + third * index, start + third * (index + 1)


@lru_cache(maxsize=64)
def _parser(as_of: datetime):
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": as_of.replace(tzinfo=None),
        "PREFER_DATES_FROM": "current_period",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)
