"""When a new document at a stored document's URL is the same article, updated, and
when it is another article that must be kept apart."""

from __future__ import annotations

from index.archive import neardup
from index.documents import Document


def separate_id(document: Document) -> str:
    """The id of a document kept apart from the stored article at its URL."""
    return f"{document.doc_id}-{document.content_hash[:8]}"


def same_article(existing: tuple, document: Document, signature) -> bool:
    """New text at a stored URL is an update of that article when it comes from the same
    outlet and keeps its headline, or keeps most of its text and is not another item of
    the same file; otherwise it is another article (a feed reusing one link for many
    items, another site's copy at a shared URL). `existing` is the stored row's
    (content_hash, source, title, minhash, origin, origin_index)."""
    _, source, title, blob, origin, origin_index = existing
    if (source or "").casefold() != (document.source or "").casefold():
        return False
    if title == document.title:
        return True
    provenance = document.provenance
    if origin == provenance.origin and origin_index != provenance.index:
        return False
    stored = neardup.from_blob(blob)
    if signature is None or stored is None:
        return False
    return neardup.similarity(signature, stored) >= neardup.THRESHOLD
