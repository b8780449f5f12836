"""Rows of the documents table as records; bylines are read here (index/bylines.py),
so that stores written before authors were split read like new ones."""

from __future__ import annotations

import json
from datetime import datetime

from index.bylines import read_byline
from index.documents import Document, DocumentSummary, Provenance


def summary_from_row(row: tuple) -> DocumentSummary:
    """(doc_id, title, source, authors, published, url) → DocumentSummary."""
    doc_id, title, source, authors, published, url = row
    people, credits = _byline(authors, source)
    when = datetime.fromisoformat(published) if published else None
    return DocumentSummary(doc_id, title, source, people, when, url, credits)


def _byline(authors_json: str, source: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return read_byline(json.loads(authors_json), source)


def document_from_row(row: tuple) -> Document:
    """A row of store._DOC_COLUMNS → Document."""
    (
        doc_id,
        title,
        derived,
        text,
        url,
        source,
        authors,
        published,
        language,
        external_id,
        origin,
        fmt,
        origin_index,
        origin_line,
        digest,
    ) = row
    return Document(
        doc_id=doc_id,
        title=title,
        text=text,
        provenance=Provenance(origin, fmt, origin_index, origin_line),
        url=url,
        source=source,
        authors=_byline(authors, source)[0],
        credits=_byline(authors, source)[1],
        published=datetime.fromisoformat(published) if published else None,
        language=language,
        title_derived=bool(derived),
        external_id=external_id,
        content_hash=digest,
    )
