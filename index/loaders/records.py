"""JSON Lines, JSON arrays and CSV exports: one document per record.

Field mapping (keys are matched case-insensitively; the first present one wins):

| document field | record keys                                                   |
|----------------|---------------------------------------------------------------|
| text           | text, body, content, article, description, summary            |
| title          | title, headline                                               |
| url            | url, link, canonical_url                                      |
| source         | source, outlet, publisher, site, sitename, site_name          |
| authors        | authors, author, byline, creator (list, or "A; B", "A, B and C") |
| published      | published, date, pubdate, published_at, datetime, timestamp   |
| language       | language, lang                                                |
| external_id    | _id, id, doc_id, guid                                         |

A record without text is skipped and reported; the rest of the file still loads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from index.dates import parse_date
from index.documents import Document, Provenance
from index.errors import IngestError
from index.loaders.common import build_document

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
_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s*,\s*|\s+and\s+")


def _field(record: dict[str, object], name: str) -> object | None:
    lowered = {str(key).lower(): value for key, value in record.items()}
    for key in FIELDS[name]:
        value = lowered.get(key)
        if value not in (None, "", []):
            return value
    return None


def _published(value: object | None) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    return parse_date(str(value)) if value is not None else None


def _authors(value: object | None) -> list[str]:
    if isinstance(value, list):
        return [
            str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in value
        ]
    return _AUTHOR_SPLIT.split(str(value)) if value else []


def record_document(record: dict[str, object], origin: str, index: int, fmt: str) -> Document:
    text = _field(record, "text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text field (" + ", ".join(FIELDS["text"]) + ")")
    external_id = _field(record, "external_id")
    return build_document(
        text=text,
        title=str(_field(record, "title") or ""),
        url=str(_field(record, "url") or "") or None,
        source=str(_field(record, "source") or ""),
        authors=_authors(_field(record, "authors")),
        published=_published(_field(record, "published")),
        language=str(_field(record, "language") or "") or None,
        external_id=str(external_id) if external_id is not None else None,
        provenance=Provenance(origin, fmt, index, index + 1 if fmt == "jsonl" else None),
    )


def _jsonl_records(text: str, problems: list[str]) -> Iterator[tuple[int, dict]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ValueError(f"malformed JSON: {error}") from None
        yield from ((i, item) for i, item in enumerate(items) if isinstance(item, dict))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: malformed JSON ({error.msg})")
            continue
        if isinstance(item, dict):
            yield number - 1, item
        else:
            problems.append(f"line {number}: not a JSON object")


def load_records(text: str, origin: str, fmt: str, problems: list[str]) -> list[Document]:
    """Documents from a `jsonl` (or JSON array) or `csv` export; per-record problems
    are appended to `problems` as one-line messages."""
    try:
        if fmt == "csv":
            rows = enumerate(csv.DictReader(io.StringIO(text)))
        else:
            rows = _jsonl_records(text, problems)
        documents = []
        for index, record in rows:
            try:
                documents.append(record_document(record, origin, index, fmt))
            except ValueError as error:
                problems.append(f"record {index + 1}: {error}")
    except (ValueError, csv.Error) as error:
        raise IngestError(origin, str(error)) from None
    if not documents:
        detail = f" ({problems[0]})" if problems else ""
        raise IngestError(origin, f"no usable records{detail}")
    return documents
