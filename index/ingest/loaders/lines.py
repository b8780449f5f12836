"""Line-level rules for saved text pages: prose, headlines, bylines, source lines, residue.

A saved news page is a sequence of lines: site chrome, headline lists, bylines,
captions, article paragraphs, share buttons. These rules tell them apart by shape,
not by outlet, so that an unseen page of the same kind splits the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from index.dates import parse_date

_MONTH_DATE = r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}"
_TIME = r"\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?"

BYLINE = re.compile(
    rf"^(?:By\s+(?P<authors>[^/|]+?))?\s*[/|]\s*(?P<date>{_MONTH_DATE}(?:\s+{_TIME})?)"
    rf"\s*(?:[/|]\s*(?P<section>[^/|]+))?$"
)
SOURCE_LINE = re.compile(rf"^Source:\s*(?P<outlet>.+?),\s*(?P<date>{_MONTH_DATE})\s*\.?$")
TERMINATOR = re.compile(r"^(?:Continue reading|Read more)\s*[.…»>→]*$", re.I)
SITE_TITLE = re.compile(r"^(?P<site>[^–—|]{2,40}?)\s+[–—|]\s+\S.*$")
_AUTHOR_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
# "By Ana Lee" or "By Ana Lee and Bo Chen" on a line of its own, without a date.
AUTHOR_LINE = re.compile(rf"^By\s+(?P<authors>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*$")

_RESIDUE = [
    re.compile(p, re.I)
    for p in (
        r"^Contact (reporter|writer|editor)\b",
        r"^Related( postings| stories| articles| links)?\b.*:",
        r"^Most Related Links\s*:?$",
        r"^Read (the full (story|piece|article)|all of)\b",
        r"^(View|See|Read|Explore)\b.*\bcoverage of\b",
        r"^(Share this article|Share|Open WeChat and scan the QR code|Skip to content)$",
        r"^(Source link|Back to top( button)?|Advertisement|Home\s*>?)$",
        r"^(Continue reading|Read more)\s*[.…»>→]*$",
    )
]
# A byline, source line or headline is short; the rules' regexes only ever see lines up
# to this length, so a 200 kB line costs one length check, not a quadratic search.
MAX_RULE_LINE = 400

_PHOTO_CAPTION = re.compile(r"\b(Photo|Image|Credit)\s*:", re.I)
_TRAILING_CREDIT = re.compile(r"\b(Photo|Image|Credit)\s*:\s*[^.!?]{1,60}$", re.I)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", "'", ")")


@dataclass(frozen=True)
class Byline:
    authors: tuple[str, ...]
    published: datetime | None
    section: str | None


@dataclass(frozen=True)
class SourceLine:
    outlet: str
    published: datetime | None


def words(line: str) -> int:
    return len(line.split())


def is_residue(line: str) -> bool:
    """Share buttons, contact lines, related-link teasers and photo captions."""
    stripped = line.strip()
    if len(stripped) > MAX_RULE_LINE:
        return False
    if any(pattern.match(stripped) for pattern in _RESIDUE):
        return True
    if _TRAILING_CREDIT.search(stripped):
        return True
    return bool(_PHOTO_CAPTION.search(stripped)) and words(stripped) <= 15


def is_prose(line: str) -> bool:
    """A paragraph of running text: a sentence-length line that ends like a sentence."""
    stripped = line.strip()
    count = words(stripped)
    if count >= 20:
        return True
    return count >= 8 and stripped.endswith(_SENTENCE_END)


def is_headline(line: str) -> bool:
    """A short line that does not end like a sentence or a label."""
    stripped = line.strip()
    if is_residue(stripped) or is_prose(stripped):
        return False
    return 2 <= words(stripped) <= 30 and not stripped.endswith((".", ",", ";", ":"))


def parse_byline(line: str) -> Byline | None:
    if len(line) > MAX_RULE_LINE:
        return None
    match = BYLINE.match(line.strip())
    if not match:
        return None
    published = parse_date(match.group("date"))
    if published is None:
        return None
    authors = tuple(
        name for name in _AUTHOR_SPLIT.split(match.group("authors") or "") if name.strip()
    )
    section = (match.group("section") or "").strip() or None
    return Byline(authors=authors, published=published, section=section)


def parse_author_line(line: str) -> tuple[str, ...] | None:
    """The authors of a dateless byline ("By Ana Lee and Bo Chen"), or None."""
    match = AUTHOR_LINE.match(line.strip()) if len(line) <= MAX_RULE_LINE else None
    if not match:
        return None
    return tuple(name for name in _AUTHOR_SPLIT.split(match.group("authors")) if name.strip())


def parse_source_line(line: str) -> SourceLine | None:
    if len(line) > MAX_RULE_LINE:
        return None
    match = SOURCE_LINE.match(line.strip())
    if not match:
        return None
    return SourceLine(
        outlet=match.group("outlet").strip(), published=parse_date(match.group("date"))
    )


_SITE = r"(?P<site>[A-Z][\w&.'’-]*(?:\s+[A-Z&][\w&.'’-]*){0,4})"
# Where a page names its own publisher: "Related postings on Chinascope:", "More from
# Caixin Global", "© 2020 Chinascope. All rights reserved."
_PUBLISHER = [
    re.compile(
        rf"^(?:Related|More)\s+(?:postings|posts|stories|articles|news)\s+"
        rf"(?:on|from|at)\s+{_SITE}\s*:?$"
    ),
    re.compile(rf"^More\s+from\s+{_SITE}\s*:?$"),
    re.compile(
        rf"^(?:©|\(c\)|Copyright)\s*(?:©\s*)?(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?\s+)?"
        rf"{_SITE}\.?(?:\s+All rights reserved\.?)?$",
        re.I,
    ),
]


def page_publisher(lines: list[str]) -> str | None:
    """The publisher a page names as itself (the most often named), or None."""
    counts: dict[str, int] = {}
    for line in lines:
        if len(line) > 120:
            continue
        for pattern in _PUBLISHER:
            match = pattern.match(line.strip())
            if match:
                site = match.group("site").strip(" .")
                counts[site] = counts.get(site, 0) + 1
                break
    return max(counts, key=lambda site: (counts[site], site)) if counts else None


def site_name(line: str) -> str | None:
    """ "Caixin Global – Latest China News & Headlines" → "Caixin Global"."""
    if len(line) > MAX_RULE_LINE:
        return None
    match = SITE_TITLE.match(line.strip())
    return match.group("site").strip() if match else None


def drop_repeated_captions(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A line printed twice in a row is an image caption (alt text, then caption)."""
    kept: list[tuple[int, str]] = []
    skip_next = False
    for position, (number, line) in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        following = lines[position + 1][1] if position + 1 < len(lines) else None
        if following == line:
            skip_next = True
            continue
        kept.append((number, line))
    return kept
