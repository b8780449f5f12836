"""From files, folders and URLs to stored documents: read, detect, load, store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.chunking import Chunker
from index.detect import detect_format
from index.documents import Document
from index.errors import IngestError
from index.loaders.feed import load_feed
from index.loaders.htmlpage import load_html
from index.loaders.records import load_records
from index.loaders.textpage import load_text_page
from index.reading import RawSource, decode_text, expand_targets, is_url, read_source
from index.store import AddOutcome, DocumentStore


@dataclass(frozen=True)
class SourceResult:
    """What one file or URL gave: its documents, or the one-line error that stopped it.
    `problems` are one-line notes on records skipped inside an otherwise good source."""

    origin: str
    format: str | None
    documents: tuple[Document, ...] = ()
    error: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestReport:
    sources: tuple[SourceResult, ...]
    outcomes: tuple[AddOutcome, ...] = ()

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(source for source in self.sources if source.error)


def parse_source(raw: RawSource) -> SourceResult:
    """Documents from raw bytes; raises IngestError when the source is unusable."""
    text = decode_text(raw)
    fmt = detect_format(text)
    problems: list[str] = []
    if fmt == "feed":
        documents = load_feed(raw.data, raw.origin)
    elif fmt == "html":
        documents = load_html(text, raw.origin, url=raw.origin if is_url(raw.origin) else None)
    elif fmt in ("jsonl", "csv"):
        documents = load_records(text, raw.origin, fmt, problems)
    elif fmt == "xml":
        raise IngestError(raw.origin, "XML that is neither an RSS nor an Atom feed")
    else:
        documents = load_text_page(text, raw.origin)
    return SourceResult(raw.origin, fmt, tuple(documents), None, tuple(problems))


def load_source(target: str) -> SourceResult:
    """Never raises for bad input: the error is carried in the result, so one broken
    file does not stop a batch."""
    try:
        return parse_source(read_source(target))
    except IngestError as error:
        return SourceResult(error.origin, None, error=str(error))
    except RecursionError:
        return SourceResult(target, None, error=f"{target}: input nested too deeply to parse")
    except Exception as error:  # a library failing on hostile input must not end the batch
        reason = f"{target}: could not parse ({type(error).__name__}: {error})"
        return SourceResult(target, None, error=" ".join(reason.split()))


def load_sources(targets: Sequence[str]) -> Iterator[SourceResult]:
    for target in expand_targets(list(targets)):
        yield load_source(target)


def ingest(targets: Sequence[str], store: DocumentStore, chunker: Chunker) -> IngestReport:
    """Load every target, then store all documents in one transaction."""
    return store_sources(tuple(load_sources(targets)), store, chunker)


def store_sources(
    sources: Sequence[SourceResult], store: DocumentStore, chunker: Chunker
) -> IngestReport:
    """Store the documents of already loaded sources in one transaction."""
    documents = [document for source in sources for document in source.documents]
    outcomes = store.add(documents, chunker) if documents else []
    return IngestReport(tuple(sources), tuple(outcomes))
