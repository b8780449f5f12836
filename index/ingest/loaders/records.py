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
from datetime import datetime

from index.dates import from_epoch, parse_date
from index.documents import Document, Provenance
from index.errors import IngestError
from index.ingest.fields import FIELDS
from index.ingest.loaders.common import MAX_TEXT_CHARS, RecordError, build_document

_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s*,\s*|\s+and\s+")
_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")
# csv's default field limit (131,072 characters) would end the whole file at the first
# long article; a field may be as long as a document's text can be.
_CSV_FIELD_LIMIT = 4 * MAX_TEXT_CHARS


def _field(record: dict[str, object], name: str) -> object | None:
    lowered = {str(key).lower(): value for key, value in record.items()}
    for key in FIELDS[name]:
        value = lowered.get(key)
        if value not in (None, "", []):
            return value
    return None


def _published(value: object | None, problems: list[str], where: str) -> datetime | None:
    """ISO or human dates, epoch seconds or milliseconds (numbers or digit strings); an
    unusable date is noted and left out, the record is kept."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) or isinstance(value, str) and _EPOCH.match(value.strip()):
        published = from_epoch(float(value))
    elif isinstance(value, str):
        published = parse_date(value)
    else:
        published = None
    if published is None:
        problems.append(f"{where}: unusable date {str(value)[:40]!r} left out")
    return published


def _authors(value: object | None) -> list[str]:
    if isinstance(value, list):
        return [
            str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in value
        ]
    return _AUTHOR_SPLIT.split(str(value)) if value else []


def _text_field(record: dict[str, object], name: str) -> str:
    """A metadata field as text; numbers are accepted, lists and objects are not."""
    value = _field(record, name)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise RecordError(f"field {name!r} is a {type(value).__name__}, not text")
    return str(value)


def record_document(
    record: dict[str, object], origin: str, index: int, fmt: str, problems: list[str]
) -> Document:
    text = _field(record, "text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError("no text field (" + ", ".join(FIELDS["text"]) + ")")
    external_id = _field(record, "external_id")
    return build_document(
        text=text,
        title=_text_field(record, "title"),
        url=_text_field(record, "url") or None,
        source=_text_field(record, "source"),
        authors=_authors(_field(record, "authors")),
        published=_published(_field(record, "published"), problems, f"record {index + 1}"),
        language=_text_field(record, "language") or None,
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
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise ValueError(f"JSON {type(items).__name__}, not an array of objects")
        for position, item in enumerate(items):
            if isinstance(item, dict):
                yield position, item
            else:
                problems.append(f"record {position + 1}: not a JSON object")
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
        rows = _csv_records(text, problems) if fmt == "csv" else _jsonl_records(text, problems)
        documents = []
        for index, record in rows:
            try:
                documents.append(record_document(record, origin, index, fmt, problems))
            except (RecordError, ValueError, TypeError) as error:
                problems.append(f"record {index + 1}: {error}")
    except (ValueError, csv.Error, RecursionError) as error:
        raise IngestError(origin, str(error) or type(error).__name__) from None
    if not documents:
        detail = f" ({problems[0]})" if problems else ""
        raise IngestError(origin, f"no usable records{detail}")
    return documents


def _csv_records(text: str, problems: list[str]) -> Iterator[tuple[int, dict]]:
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.DictReader(io.StringIO(text))
    index = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(f"line {reader.line_num}: {error}")
            index += 1
            continue
        record.pop(None, None)  # cells past the header's columns
        yield index, record
        index += 1
