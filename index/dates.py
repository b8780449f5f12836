"""Date parsing to timezone-aware UTC."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime


def to_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC: a page rarely states its zone, and guessing one
    per outlet would be silently wrong more often than a documented convention."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: str | None) -> datetime | None:
    """Parse a human or ISO date string; None when it is empty or not a date.

    A string without a day or year is rejected rather than completed from today.
    """
    if not text or not text.strip():
        return None
    from dateutil import parser

    cleaned = " ".join(text.split())
    try:
        first = parser.parse(cleaned, default=datetime(1900, 1, 1))
        second = parser.parse(cleaned, default=datetime(1904, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return None
    if first.year != second.year or first.day != second.day:
        return None
    return to_utc(first)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's `*_parsed` fields are UTC struct_time tuples."""
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
