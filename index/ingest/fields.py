"""The field mapping of JSON Lines, JSON and CSV exports (index/ingest/loaders/records.py
has the table): record keys, matched case-insensitively, first present wins."""

from __future__ import annotations

FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "description", "summary"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "source": ("source", "outlet", "publisher", "site", "sitename", "site_name"),
    "authors": ("authors", "author", "byline", "creator"),
    "published": ("published", "date", "pubdate", "published_at", "datetime", "timestamp"),
    "language": ("language", "lang"),
    "external_id": ("_id", "id", "doc_id", "guid"),
}
TEXT_KEYS = frozenset(FIELDS["text"])
