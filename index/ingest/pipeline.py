"""From files, folders and URLs to stored documents: read, detect, load, store.

Reading, fetching and parsing need no lock and touch no store: the results go to
index/batch.py, which stores them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.documents import Document
from index.errors import IngestError, MissingDependency
from index.ingest.detect import detect_format
from index.ingest.fetching import fetch_url, is_url
from index.ingest.loaders.feed import load_feed
from index.ingest.loaders.htmlpage import load_html
from index.ingest.loaders.records import load_records
from index.ingest.loaders.textpage import load_text_page
from index.ingest.reading import RawSource, decode_text, expand_targets, read_file

_XML_ENCODING = re.compile(r"""(<\?xml[^>]*?encoding=["'])[^"']*(["'])""")


@dataclass(frozen=True)
class SourceResult:
    """What one file or URL gave: its documents, or the one-line error that stopped it.
    `problems` are one-line notes on records skipped inside an otherwise good source."""

    origin: str
    format: str | None
    documents: tuple[Document, ...] = ()
    error: str | None = None
    problems: tuple[str, ...] = ()


def read_source(target: str) -> RawSource:
    return fetch_url(target) if is_url(target) else read_file(target)


def parse_source(raw: RawSource) -> SourceResult:
    """Documents from raw bytes; raises IngestError when the source is unusable."""
    text = decode_text(raw)
    fmt = detect_format(text)
    problems: list[str] = []
    if fmt == "feed":
        documents = load_feed(as_utf8_xml(text), raw.origin, problems)
    elif fmt == "html":
        url = raw.origin if is_url(raw.origin) else None
        documents = load_html(text, raw.origin, url=url, problems=problems)
    elif fmt in ("jsonl", "csv"):
        documents = load_records(text, raw.origin, fmt, problems)
    elif fmt == "xml":
        raise IngestError(raw.origin, "XML that is neither an RSS nor an Atom feed")
    else:
        documents = load_text_page(text, raw.origin, problems)
    return SourceResult(raw.origin, fmt, tuple(documents), None, tuple(problems))


def as_utf8_xml(text: str) -> bytes:
    """The decoded (and cleaned) text as UTF-8 bytes, its XML declaration saying so."""
    return _XML_ENCODING.sub(r"\1utf-8\2", text, count=1).encode("utf-8")


def guarded_parse(raw: RawSource) -> SourceResult:
    """`parse_source` that never raises for bad input: the error is carried in the
    result, so one broken file does not stop a batch. A missing package does raise."""
    try:
        return parse_source(raw)
    except IngestError as error:
        return SourceResult(raw.origin, None, error=str(error))
    except ImportError as error:
        raise MissingDependency(error) from error
    except RecursionError:
        return SourceResult(raw.origin, None, error=_failure(raw.origin, "nested too deeply"))
    except MemoryError:
        return SourceResult(raw.origin, None, error=_failure(raw.origin, "too large to parse"))
    except Exception as error:  # a library failing on hostile input must not end the batch
        reason = f"could not parse ({type(error).__name__}: {error})"
        return SourceResult(raw.origin, None, error=_failure(raw.origin, reason))


def load_source(target: str) -> SourceResult:
    try:
        raw = read_source(target)
    except IngestError as error:
        return SourceResult(error.origin, None, error=str(error))
    return guarded_parse(raw)


def _failure(origin: str, reason: str) -> str:
    return str(IngestError(origin, reason))


def load_sources(targets: Sequence[str]) -> Iterator[SourceResult]:
    for target in expand_targets(list(targets)):
        yield load_source(target)
