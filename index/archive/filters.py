"""A search filter as SQL over the documents table: dates compared as ISO strings,
outlets and authors matched by the functions the store registers on its connection
(nd_source_match, nd_author_match: index/outlets.py, index/bylines.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime


def filter_clause(
    since: datetime | None, until: datetime | None, sources: Sequence[str], authors: Sequence[str]
) -> tuple[str, list[str]]:
    """(WHERE clause, parameters); "1" when nothing filters."""
    clauses, params = [], []
    if since:
        clauses.append("published >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("published <= ?")
        params.append(until.isoformat())
    if sources:
        clauses.append("nd_source_match(source, authors, ?)")
        params.append(json.dumps(list(sources)))
    if authors:
        clauses.append("nd_author_match(authors, source, ?)")
        params.append(json.dumps(list(authors)))
    return " AND ".join(clauses) or "1", params
