"""Matching an outlet filter the way a reporter types it: any case-insensitive part of
an outlet's name ("caixin" for Caixin Global, "morning post"), its initials ("SCMP"),
or an outlet a report is credited to ("Reuters" for a brief via Reuters)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable

from index.bylines import read_byline

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def initials(outlet: str) -> str:
    """ "South China Morning Post" → "scmp" (casefolded); "" for a one-word name."""
    words = _WORDS.findall(outlet)
    return "".join(word[0] for word in words).casefold() if len(words) > 1 else ""


def name_matches(wanted: str, outlet: str) -> bool:
    """`wanted` is a part of `outlet` on word boundaries, or its initials, case aside."""
    want = " ".join(_WORDS.findall(wanted.casefold()))
    if not want:
        return False
    name = " ".join(_WORDS.findall(outlet.casefold()))
    return f" {want} " in f" {name} " or want == initials(outlet)


def outlet_names(source: str | None, credits: Iterable[str]) -> list[str]:
    """The outlet a report is filed under and the outlets it credits."""
    return ([source] if source else []) + [credit for credit in credits if credit]


def source_matches(wanted: str, source: str | None, credits: Iterable[str]) -> bool:
    return any(name_matches(wanted, name) for name in outlet_names(source, credits))


def sql_source_match(source: str | None, authors_json: str, wanted_json: str) -> int:
    """SQLite function body: 1 when the stored outlet, or an outlet the report credits,
    matches any wanted outlet."""
    try:
        _, credits = read_byline((str(n) for n in json.loads(authors_json)), source)
        wanted = json.loads(wanted_json)
    except (TypeError, ValueError):
        return 0
    return int(any(source_matches(str(want), source, credits) for want in wanted))


def closest(wanted: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` of `names` nearest to `wanted` in spelling, nearest first."""
    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    near = difflib.get_close_matches(wanted.casefold(), list(by_fold), n=n, cutoff=0.5)
    return [by_fold[name] for name in near]
