"""Building Documents from what a loader found: ids, hashes, derived titles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from index.bylines import read_byline, split_names
from index.documents import Document, Provenance
from index.ids import content_hash, make_doc_id
from index.ingest.loaders.htmltext import tidy_paragraphs
from index.text.cleaning import clean_string
from index.text.sentences import sentence_spans

_TITLE_WORDS = 14
# No news article is longer; a larger "document" is a dump or an attack, and chunking
# and embedding it would cost minutes of CPU and gigabytes of memory.
MAX_TEXT_CHARS = 2_000_000
MAX_FIELD_CHARS = 2_000


class RecordError(ValueError):
    """One record (a feed item, an export row, a brief) is unusable; the rest of its
    file still loads. The message is one line."""


def clean_field(value: object | None) -> str:
    """A metadata field (title, outlet, author) as one line of bounded length."""
    text = " ".join(clean_string(str(value or "")).split())
    return text[:MAX_FIELD_CHARS]


def derive_title(text: str) -> str:
    """A headline for an article that has none: its lead sentence, cut at a word
    boundary to at most 14 words with an ellipsis when shortened."""
    spans = sentence_spans(text)
    sentence = text[spans[0][0] : spans[0][1]] if spans else text
    tokens = sentence.split()
    if len(tokens) <= _TITLE_WORDS:
        return " ".join(tokens)
    return " ".join(tokens[:_TITLE_WORDS]).rstrip(",;:—–-") + "…"


def clean_authors(names: Iterable[str]) -> tuple[str, ...]:
    """Co-authors split apart ("Coco Feng,Eunice Xu"), "By " and repeats dropped, in
    order; agencies stay (they are told apart from people when read)."""
    return tuple(split_names(clean_field(name) for name in names))


def build_document(
    *,
    text: str,
    provenance: Provenance,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    authors: Iterable[str] = (),
    published: datetime | None = None,
    language: str | None = None,
    external_id: str | None = None,
) -> Document:
    """The one place a Document is made, so ids and hashes are computed the same way.
    Raises RecordError for a text that is empty or over MAX_TEXT_CHARS."""
    if len(text) > 4 * MAX_TEXT_CHARS:
        raise RecordError(f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit")
    text = tidy_paragraphs(clean_string(text))
    if not text:
        raise RecordError("no text")
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(f"text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit")
    title = clean_field(title)
    url = clean_field(url) or None
    if url and not url.startswith(("http://", "https://")):
        url = None
    derived = not title
    people, credits = read_byline(clean_authors(authors), clean_field(source) or None)
    return Document(
        doc_id=make_doc_id(url, text),
        title=derive_title(text) if derived else title,
        text=text,
        provenance=provenance,
        url=url,
        source=clean_field(source) or None,
        authors=people,
        credits=credits,
        published=published,
        language=clean_field(language)[:35] or None,
        title_derived=derived,
        external_id=clean_field(external_id) or None,
        content_hash=content_hash(text),
    )
