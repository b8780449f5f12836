"""Bylines: who wrote a report, and who is only its credit line.

Feeds and pages join co-authors in one field ("Coco Feng,Eunice Xu", "Li Bin and Wang
Ju"); wire copy names an agency ("Bloomberg") or the outlet's own desk ("SCMP
Reporters") where a person would stand. Names are split when stored; agencies and
outlets are told apart when read, so that a store written before this rule reads the
same way as a new one and nothing the page said is thrown away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_SPLIT = re.compile(r"\s*[,;/|]\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_DESK = re.compile(
    r"\b(?:news agency|agency|agencies|reporters?|staff|correspondents?|wires?|newsroom|"
    r"editors?|editorial|desk|bureau|team)\b",
    re.IGNORECASE,
)
AGENCIES = frozenset(
    name.strip()
    for name in """reuters|bloomberg|bloomberg news|associated press|the associated press|ap|
    afp|agence france-presse|xinhua|kyodo|kyodo news|dpa|yonhap|cna|central news agency|
    bernama|ani|pti|efe|ansa|tass|ria novosti|anadolu|jiji|jiji press|pa media|dow jones|
    cnn|bbc|nikkei|caixin|global times|china daily|scmp|sina|chinascope""".split("|")
)


def split_names(names: Iterable[str]) -> list[str]:
    """Each name once (case-insensitively), co-authors split apart, "By " dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        for name in _SPLIT.split(raw or ""):
            name = " ".join(name.split()).strip(" .,;:-")
            if name.lower().startswith("by "):
                name = name[3:].strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                out.append(name)
    return out


def is_credit(name: str, outlet: str | None) -> bool:
    """An agency, an outlet or a desk rather than a person: "Reuters", "Bloomberg",
    the outlet itself or its initials ("SCMP" for South China Morning Post), "SCMP
    Reporters", "Staff"."""
    folded = name.casefold()
    if folded in AGENCIES or _DESK.search(name):
        return True
    if outlet:
        words = outlet.split()
        initials = "".join(w[0] for w in words if w[:1].isalpha()).casefold()
        return folded in (outlet.casefold(), initials) or folded == words[0].casefold()
    return False


def read_byline(
    names: Iterable[str], outlet: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(authors, credits): the people who wrote the report, and the agencies or
    outlets credited."""
    authors, credits = [], []
    for name in split_names(names):
        if name[:4].casefold() == "via ":  # a report summarised from another outlet
            credits.append(name[4:].strip())
        else:
            (credits if is_credit(name, outlet) else authors).append(name)
    return tuple(authors), tuple(credits)


def stored_byline(authors: Iterable[str], credits: Iterable[str], outlet: str | None) -> list[str]:
    """The names as stored: a credit that would read back as a person (an outlet a
    brief summarises, "Moore") is marked "via Moore"."""
    marked = [c if is_credit(c, outlet) else f"via {c}" for c in credits]
    return [*authors, *marked]


def name_matches(name: str, wanted: str) -> bool:
    """Whether an author filter matches a name: every word of the filter is a word of
    the name, case-insensitively ("feng" and "Coco Feng" match "Coco Feng"; "Xu" does not
    match "Xue")."""
    want = {w.casefold() for w in _WORDS.findall(wanted)}
    return bool(want) and want <= {w.casefold() for w in _WORDS.findall(name)}


def sql_author_match(authors_json: str, outlet: str | None, wanted_json: str) -> int:
    """SQLite function body: 1 when any author of the stored list (split, credits
    included) matches any of the wanted names."""
    try:
        names = split_names(str(n) for n in json.loads(authors_json))
        wanted = json.loads(wanted_json)
    except (TypeError, ValueError):
        return 0
    return int(any(name_matches(name, want) for name in names for want in wanted))
