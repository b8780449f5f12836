"""The outlets and authors an archive knows, for suggesting the nearest when a filter
names none of them."""

from __future__ import annotations

import json
import sqlite3
from typing import NamedTuple

from index.bylines import read_byline


class NamesOnRecord(NamedTuple):
    """Each once, the most frequent first. `outlets` include those reports are credited
    to; `credits` are those alone (an author filter matches people and credits)."""

    outlets: list[str]
    authors: list[str]
    credits: list[str]


def names_on_record(db: sqlite3.Connection) -> NamesOnRecord:
    outlets: dict[str, int] = {}
    people: dict[str, int] = {}
    credited: dict[str, int] = {}
    for source, authors_json in db.execute("SELECT source, authors FROM documents"):
        authors, credits = read_byline(json.loads(authors_json), source)
        for name in ([source] if source else []) + list(credits):
            outlets[name] = outlets.get(name, 0) + 1
        for name in credits:
            credited[name] = credited.get(name, 0) + 1
        for name in authors:
            people[name] = people.get(name, 0) + 1
    return NamesOnRecord(_ranked(outlets), _ranked(people), _ranked(credited))


def _ranked(counts: dict[str, int]) -> list[str]:
    return sorted(counts, key=lambda name: (-counts[name], name))
