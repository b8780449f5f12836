"""Date parsing to timezone-aware UTC.

Every function here returns None for a value that is not a usable date (year 0, year
99999, an epoch of 1e20, a zone that pushes 9999-12-31 past the calendar) instead of
raising: a bad date costs its field, never its record."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime

# Dates outside this range are typos or placeholders ("0000-00-00", 9999-12-31).
MIN_YEAR = 1000
MAX_YEAR = 2999


def to_utc(value: datetime, plausible: bool = True) -> datetime | None:
    """Naive datetimes are taken as UTC: a page rarely states its zone, and guessing one
    per outlet would be silently wrong more often than a documented convention. With
    `plausible`, a year outside MIN_YEAR..MAX_YEAR is no date (a document's date);
    without, any date in the calendar is (a user's filter bound)."""
    try:
        converted = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if plausible and not MIN_YEAR <= converted.year <= MAX_YEAR:
        return None
    return converted


def parse_date(text: str | None, plausible: bool = True) -> datetime | None:
    """Parse a human or ISO date string; None when it is empty or not a date.

    A string without a day or year is rejected rather than completed from today.
    `plausible` as in `to_utc`.
    """
    if not text or not text.strip() or len(text) > 200:
        return None
    from dateutil import parser

    cleaned = " ".join(text.split())
    try:
        first = parser.parse(cleaned, default=datetime(1900, 1, 1))
        second = parser.parse(cleaned, default=datetime(1904, 2, 2))
    except (ValueError, OverflowError, TypeError, parser.ParserError):
        return None
    if first.year != second.year or first.day != second.day:
        return None
    return to_utc(first, plausible)


def from_epoch(seconds: float) -> datetime | None:
    """Epoch seconds, or milliseconds when the number is too large for seconds."""
    if seconds != seconds:  # NaN
        return None
    if abs(seconds) > 1e11:
        seconds = seconds / 1000
    try:
        return to_utc(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, ValueError, OSError):
        return None


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's `*_parsed` fields are UTC struct_time tuples."""
    if value is None:
        return None
    try:
        return from_epoch(calendar.timegm(value))
    except (OverflowError, ValueError, TypeError):
        return None
