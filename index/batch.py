"""A batch of sources: loaded by index/ingest, stored by index/archive, reported
together, one outcome per document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.archive.outcome import AddOutcome
from index.archive.prepared import Prepared
from index.archive.store import DocumentStore
from index.ingest.pipeline import SourceResult, load_sources
from index.text.chunking import Chunker


@dataclass(frozen=True)
class IngestReport:
    sources: tuple[SourceResult, ...]
    outcomes: tuple[AddOutcome, ...] = ()

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(source for source in self.sources if source.error)

    def source_outcomes(self) -> list[tuple[SourceResult, tuple[AddOutcome, ...]]]:
        """Each source with the store's outcome for each of its documents, in order
        (empty when nothing was stored, as for `newsdesk ingest`)."""
        paired, position = [], 0
        for source in self.sources:
            count = len(source.documents) if self.outcomes else 0
            paired.append((source, self.outcomes[position : position + count]))
            position += count
        return paired


def ingest(targets: Sequence[str], store: DocumentStore, chunker: Chunker) -> IngestReport:
    """Load every target, then store all documents in one transaction."""
    return store_sources(tuple(load_sources(targets)), store, chunker)


def store_sources(
    sources: Sequence[SourceResult],
    store: DocumentStore,
    chunker: Chunker,
    prepared: Sequence[Prepared] | None = None,
) -> IngestReport:
    """Store the documents of already loaded sources in one transaction (`prepared`:
    those documents already chunked, in order)."""
    documents = [document for source in sources for document in source.documents]
    outcomes = store.add(documents, chunker, prepared) if documents else []
    return IngestReport(tuple(sources), tuple(outcomes))
