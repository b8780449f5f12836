"""HTML article pages: main text and metadata through trafilatura.

A saved page is mostly navigation, related links and comments; trafilatura's
extractor (Barbaresi, ACL 2021) keeps the article body and reads title, author,
date and site name from the page's metadata.
"""

from __future__ import annotations

from index.dates import parse_date
from index.documents import Document, Provenance
from index.errors import IngestError
from index.ingest.loaders.common import RecordError, build_document
from index.ingest.loaders.htmlmeta import page_meta
from index.ingest.loaders.htmltext import tidy_paragraphs

# Larger "pages" are dumps, not articles; lxml and trafilatura would take minutes on them.
MAX_HTML_CHARS = 16 * 1024 * 1024


def load_html(
    text: str, origin: str, url: str | None = None, problems: list[str] | None = None
) -> list[Document]:
    import trafilatura

    if len(text) > MAX_HTML_CHARS:
        raise IngestError(origin, f"HTML page of {len(text):,} characters, over the limit")
    try:
        extracted = trafilatura.bare_extraction(
            text, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except ImportError:
        raise
    except RecursionError:
        raise IngestError(origin, "HTML nested too deeply to parse") from None
    except Exception as error:  # trafilatura surfaces lxml and its own errors alike
        raise IngestError(origin, f"malformed HTML: {type(error).__name__}: {error}") from None
    if extracted is None or not (extracted.text or "").strip():
        raise IngestError(origin, "no article text found in the HTML page")
    title = (extracted.title or "").strip()
    body = tidy_paragraphs(extracted.text)
    first, _, rest = body.partition("\n\n")
    if title and first == " ".join(title.split()) and rest:
        body = rest
    authors = [name for name in (extracted.author or "").split(";")]
    meta = page_meta(text)
    try:
        document = build_document(
            text=body,
            title=title,
            url=extracted.url or url,
            source=extracted.sitename or extracted.hostname,
            authors=authors,
            published=meta.published or parse_date(extracted.date),
            language=meta.language or extracted.language,
            provenance=Provenance(origin, "html", 0),
        )
    except RecordError as error:
        raise IngestError(origin, str(error)) from None
    return [document]
