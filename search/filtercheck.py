"""Telling a user when a filter names nothing in the archive, with the nearest names,
instead of "nothing found" (an outlet misspelt, an author the archive does not hold)."""

from __future__ import annotations

from index.archive.names import NamesOnRecord
from index.archive.store import DocumentStore
from index.bylines import name_matches as author_matches
from index.errors import NoMatch
from index.outlets import closest, name_matches
from search.types import Filters


class FilterCheck:
    """Checks filters against the names the archive knows, read once per store revision
    (not a scan of the documents per question)."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        self._names: tuple[int, NamesOnRecord] | None = None

    def check(self, filters: Filters | None) -> None:
        """Raise NoMatch naming the first outlet or author filter that matches no name
        on record, with up to three of the archive's names nearest to it."""
        if filters is None or not (filters.sources or filters.authors):
            return
        names = self._known()
        for wanted in filters.sources:
            if not any(name_matches(wanted, name) for name in names.outlets):
                raise NoMatch(_message("outlet", wanted, names.outlets))
        for wanted in filters.authors:
            # Credited agencies filter as authors too ("Bloomberg"); a publisher does
            # not (the author filter would find nothing by it).
            if not any(author_matches(name, wanted) for name in names.authors + names.credits):
                raise NoMatch(_message("author", wanted, names.authors))

    def _known(self) -> NamesOnRecord:
        revision = self.store.revision
        if self._names is None or self._names[0] != revision:
            self._names = (revision, self.store.names_on_record())
        return self._names[1]


def _message(kind: str, wanted: str, names: list[str]) -> str:
    near = closest(wanted, names)
    if near:
        return f"no {kind} in the archive matches {wanted!r} (closest: {', '.join(near)})"
    listed = ", ".join(names[:3]) or "none on record"
    return f"no {kind} in the archive matches {wanted!r} (most frequent: {listed})"
