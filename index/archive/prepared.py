"""A document made ready to store: chunked before the writer lock is taken."""

from __future__ import annotations

from index.documents import Chunk, Document
from index.errors import one_line
from index.text.chunking import Chunker

Prepared = tuple[Document, list[Chunk] | str]


def prepare(document: Document, chunker: Chunker) -> Prepared:
    """A document with its chunks, or with the one-line reason it cannot be chunked."""
    try:
        return document, chunker.chunk(document)
    except (ValueError, OverflowError) as error:
        return document, f"cannot chunk: {one_line(str(error))}"
