"""Reading, parsing and chunking sources on a Ray cluster with Ray Data.

Each task reads a few files or URLs, parses them into documents and chunks each
document, exactly as `NewsIndex.add` does on one machine; the results come back in
input order, and the driver stores them in the document store, which stays the single
source of truth for documents and chunks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.archive.prepared import Prepared, prepare
from index.ingest.pipeline import SourceResult, load_source
from index.ingest.reading import expand_targets
from index.text.chunking import Chunker, ChunkingConfig

FILES_PER_TASK = 4


class ReadWorker:
    """Parses and chunks a batch of targets; the tokenizer is loaded once per worker."""

    def __init__(self, model: str, chunking: ChunkingConfig) -> None:
        from index.text.tokenizer import WordPieceTokenizer

        self.chunker = Chunker(WordPieceTokenizer(model), chunking)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        sources = [load_source(str(target)) for target in batch["target"]]
        prepared = [[prepare(doc, self.chunker) for doc in source.documents] for source in sources]
        return {"source": _objects(sources), "prepared": _objects(prepared)}


def _objects(items: list) -> np.ndarray:
    column = np.empty(len(items), dtype=object)
    column[:] = items
    return column


def read_on_ray(
    cluster, targets: Sequence[str], model: str, chunking: ChunkingConfig
) -> tuple[list[SourceResult], list[Prepared]]:
    """Every target's SourceResult, in order, and each document of them prepared."""
    files = list(expand_targets(list(targets)))
    if not files:
        return [], []
    cluster.connect()
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = True
    dataset = ray.data.from_items([{"target": target} for target in files])
    parsed = dataset.map_batches(
        ReadWorker,
        fn_constructor_args=(model, chunking),
        batch_size=FILES_PER_TASK,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=min(cluster.worker_count(), len(files))),
    )
    sources: list[SourceResult] = []
    prepared: list[Prepared] = []
    for batch in parsed.iter_batches(batch_size=None, batch_format="numpy"):
        sources.extend(batch["source"].tolist())
        for documents in batch["prepared"].tolist():
            prepared.extend(documents)
    return sources, prepared
