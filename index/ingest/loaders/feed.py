"""RSS 0.9x/1.0/2.0 and Atom feeds: one document per item, via feedparser.

The XML is first parsed with defusedxml, which refuses entity declarations and
external references (billion laughs, XXE), so feedparser only ever sees safe input.
"""

from __future__ import annotations

import io
import re

from index.dates import from_struct_time
from index.documents import Document, Provenance
from index.errors import IngestError
from index.ingest.loaders.common import RecordError, build_document
from index.ingest.loaders.htmltext import html_to_text

_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:]\s+")


def check_xml(data: bytes, origin: str) -> None:
    """Raise IngestError for malformed XML or XML that declares entities or DTDs."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise IngestError(origin, f"unsafe XML refused ({type(error).__name__})") from None
    except ParseError as error:
        raise IngestError(origin, f"malformed XML: {error}") from None


def outlet_from_feed_title(title: str) -> str | None:
    """ "Semiconductors: Geopolitics - South China Morning Post" → the last part."""
    parts = [part for part in _TITLE_SEPARATORS.split(title.strip()) if part]
    return parts[-1] if parts else None


def load_feed(data: bytes, origin: str, problems: list[str] | None = None) -> list[Document]:
    """One document per item; an unusable item is noted in `problems` and skipped."""
    import feedparser

    check_xml(data, origin)
    # A BytesIO, never a str: feedparser treats a str as a URL or file name to open.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries:
        raise IngestError(origin, "feed has no items")
    channel = parsed.feed
    outlet = outlet_from_feed_title(channel.get("title", ""))
    documents = []
    for index, entry in enumerate(parsed.entries):
        try:
            document = _item_document(entry, index, origin, outlet, channel.get("language"))
        except RecordError as error:
            if problems is not None:
                problems.append(f"item {index + 1}: {error}")
            continue
        documents.append(document)
    if not documents:
        detail = f" ({problems[0]})" if problems else ""
        raise IngestError(origin, f"no usable items{detail}")
    return documents


def _item_document(entry, index: int, origin: str, outlet: str | None, language) -> Document:
    body = entry.content[0].value if entry.get("content") else entry.get("summary", "")
    text = html_to_text(body) or html_to_text(entry.get("title", ""))
    if not text:
        raise RecordError("no text")
    source = entry.get("source", {}).get("title") or outlet
    authors = [author.get("name", "") for author in entry.get("authors", [])]
    if not any(authors) and entry.get("author"):
        authors = [entry.get("author")]
    return build_document(
        text=text,
        title=html_to_text(entry.get("title", "")),
        url=entry.get("link"),
        source=source,
        authors=authors,
        published=from_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        language=language,
        external_id=entry.get("id"),
        provenance=Provenance(origin, "feed", index),
    )
