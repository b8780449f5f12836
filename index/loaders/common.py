"""Building Documents from what a loader found: ids, hashes, derived titles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from index.documents import Document, Provenance
from index.ids import content_hash, make_doc_id
from index.loaders.htmltext import tidy_paragraphs
from index.sentences import sentence_spans

_TITLE_WORDS = 14


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
    """Strip, drop empties and repeats, keep order."""
    seen: list[str] = []
    for name in names:
        cleaned = " ".join(name.split()).strip(" ,;")
        if cleaned.lower().startswith("by "):
            cleaned = cleaned[3:].strip()
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return tuple(seen)


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
    """The one place a Document is made, so ids and hashes are computed the same way."""
    text = tidy_paragraphs(text)
    title = " ".join((title or "").split())
    derived = not title
    return Document(
        doc_id=make_doc_id(url, text),
        title=derive_title(text) if derived else title,
        text=text,
        provenance=provenance,
        url=url or None,
        source=(source or "").strip() or None,
        authors=clean_authors(authors),
        published=published,
        language=language or None,
        title_derived=derived,
        external_id=external_id,
        content_hash=content_hash(text),
    )
