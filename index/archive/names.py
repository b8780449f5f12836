"""The outlets and authors an archive knows, for suggesting the nearest when a filter
names none of them."""

from __future__ import annotations

import json
import sqlite3

from index.bylines import read_byline


def names_on_record(db: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(outlets incl. credited ones, authors), each once, the most frequent first."""
    outlets: dict[str, int] = {}
    people: dict[str, int] = {}
    for source, authors_json in db.execute("SELECT source, authors FROM documents"):
        authors, credits = read_byline(json.loads(authors_json), source)
        for name in ([source] if source else []) + list(credits):
            outlets[name] = outlets.get(name, 0) + 1
        for name in authors:
            people[name] = people.get(name, 0) + 1
    return _ranked(outlets), _ranked(people)


def _ranked(counts: dict[str, int]) -> list[str]:
    return sorted(counts, key=lambda name: (-counts[name], name))
