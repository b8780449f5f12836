"""Instalments of a column are not one story. An outlet that runs a recurring digest
or column marks it in the headline with a fixed segment ("…: 7 US-China relations
reads", "Morning briefing: …"); two of its instalments share that segment and their
template paragraphs, which makes their texts look alike while their news differs. Two
reports of one outlet whose headlines share a colon-separated segment of at least
MIN_WORDS words are instalments of one column, and neither is joined to a story by its
link to the other (search/stories/book.py).
"""

from __future__ import annotations

import re

MIN_WORDS = 3
_SEPARATOR = re.compile(r"\s*(?::|\s[|–—-]\s)\s*")


def column_marks(source: str | None, title: str) -> tuple[str, ...]:
    """The whole headline, then its segments that could name a column, each keyed by
    outlet; () when the headline has no separator or no outlet is known."""
    segments = [s for s in _SEPARATOR.split(title.strip()) if s]
    if not source or len(segments) < 2:
        return ()
    keys = [" ".join(s.casefold().split()) for s in segments]
    marks = [key for key in keys if len(key.split()) >= MIN_WORDS]
    whole = " ".join(title.casefold().split())
    return tuple(f"{source.casefold()}|{key}" for key in [whole, *marks]) if marks else ()


def same_column(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Two headlines of one outlet sharing a segment but not the whole headline (one
    report published twice is not a column)."""
    if not first or not second or first[0] == second[0]:
        return False
    return bool(set(first[1:]) & set(second[1:]))
