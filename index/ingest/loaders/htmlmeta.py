"""Publication time (with its zone) and language from an HTML page's own markup.

trafilatura reports the publication date as a day; pages usually state the exact time
and zone in `article:published_time`, `itemprop="datePublished"`, JSON-LD or a
`<time datetime>`, and their language in `<html lang>` or `og:locale`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from index.dates import parse_date

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "date",
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$", re.I)
# Markup past this point is body text: metadata lives in the head and the article top.
_HEAD_CHARS = 1_000_000


@dataclass(frozen=True)
class PageMeta:
    published: datetime | None = None
    language: str | None = None


def page_meta(markup: str) -> PageMeta:
    """What the page's markup says; fields it does not state are None."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(markup[:_HEAD_CHARS])
    except (etree.ParserError, ValueError):
        return PageMeta()
    return PageMeta(_published(root), _language(root))


def _published(root) -> datetime | None:
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        if key.lower() in _DATE_META and _has_time(element.get("content")):
            found = parse_date(element.get("content"))
            if found:
                return found
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            found = _json_ld_date(script.text or "")
            if found:
                return found
    for element in root.iter("time"):
        if _has_time(element.get("datetime")):
            return parse_date(element.get("datetime"))
    return None


def _has_time(value: str | None) -> bool:
    """Only full timestamps are worth more than trafilatura's date."""
    return bool(value) and bool(re.search(r"\d{1,2}:\d{2}", value or ""))


def _json_ld_date(text: str) -> datetime | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    for item in data if isinstance(data, list) else [data]:
        value = item.get("datePublished") if isinstance(item, dict) else None
        if isinstance(value, str) and _has_time(value):
            return parse_date(value)
    return None


def _language(root) -> str | None:
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language"):
            candidates.append(element.get("content"))
    for value in candidates:
        value = (value or "").strip()
        if _LANGUAGE.match(value):
            return value.replace("_", "-").split("-")[0].lower()
    return None
