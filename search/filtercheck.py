"""Telling a user when a filter names nothing in the archive, with the nearest names,
instead of "nothing found" (an outlet misspelt, an author the archive does not hold)."""

from __future__ import annotations

from index.archive.store import DocumentStore
from index.errors import NoMatch
from index.outlets import closest
from search.types import Filters


def check_filters(store: DocumentStore, filters: Filters | None) -> None:
    """Raise NoMatch naming the first outlet or author filter that matches no document,
    with up to three of the archive's names nearest to it."""
    if filters is None:
        return
    outlets = authors = None
    for wanted in filters.sources:
        if not store.filter_doc_ids(sources=(wanted,)):
            outlets = outlets or store.names_on_record()[0]
            raise NoMatch(_message("outlet", wanted, outlets))
    for wanted in filters.authors:
        if not store.filter_doc_ids(authors=(wanted,)):
            authors = authors or store.names_on_record()[1]
            raise NoMatch(_message("author", wanted, authors))


def _message(kind: str, wanted: str, names: list[str]) -> str:
    near = closest(wanted, names)
    if near:
        return f"no {kind} in the archive matches {wanted!r} (closest: {', '.join(near)})"
    listed = ", ".join(names[:3]) or "none on record"
    return f"no {kind} in the archive matches {wanted!r} (most frequent: {listed})"
