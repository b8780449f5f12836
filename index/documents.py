"""The records that cross module boundaries: documents, their provenance, chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Provenance:
    """Where a document came from.

    `origin` is the file path or URL that was read, `index` the 0-based position of
    the article inside it (a feed item, a brief on a page), `line` the 1-based line
    of the source text where the article starts when that is known.
    """

    origin: str
    format: str
    index: int = 0
    line: int | None = None


@dataclass(frozen=True)
class DocumentSummary:
    """A document's metadata without its text, for listings and pickers. `authors` are
    people; `credits` the agencies or outlets a byline named ("Bloomberg")."""

    doc_id: str
    title: str
    source: str | None
    authors: tuple[str, ...]
    published: datetime | None
    url: str | None
    credits: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dateline:
    """Where and when a document was published: all a ranking needs of its metadata
    to weigh recency and spread results over outlets."""

    source: str | None
    published: datetime | None


@dataclass(frozen=True)
class Document:
    """One article. `published` is timezone-aware UTC or None when the page has no date.

    `title_derived` is True when the source carried no headline and `title` was made
    from the lead sentence. `external_id` is an id the source itself gave (a JSONL
    export's `_id`), kept so that evaluation labels can be mapped to documents.
    `authors` are the people of the byline, `credits` the agencies or outlets it named
    (index/bylines.py); both are stored together and told apart when read.
    """

    doc_id: str
    title: str
    text: str
    provenance: Provenance
    url: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    language: str | None = None
    title_derived: bool = False
    external_id: str | None = None
    content_hash: str = field(default="", compare=False)
    credits: tuple[str, ...] = ()

    def summary(self) -> DocumentSummary:
        return DocumentSummary(
            self.doc_id,
            self.title,
            self.source,
            self.authors,
            self.published,
            self.url,
            self.credits,
        )


@dataclass(frozen=True)
class Chunk:
    """A contiguous span of a document: `document.text[start:end] == text`.

    `position` is the chunk's 0-based order within its document; `n_tokens` counts the
    embedding model's word pieces of `text` (without special tokens or header).
    """

    chunk_id: str
    doc_id: str
    position: int
    start: int
    end: int
    text: str
    n_tokens: int
