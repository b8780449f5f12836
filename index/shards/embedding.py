"""Embedding chunk texts on a Ray cluster with Ray Data.

`map_batches` over a pool of `EmbedWorker` actors, each loading the model once; Ray
restarts a worker that dies and retries its batches (Ray Data's actor pools default to
`max_restarts=-1`, `max_task_retries=-1`). Vectors land in the index's embedding cache
as they arrive, so an interrupted build resumes where it stopped, and the generation is
then assembled from the cache exactly as on one machine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.derived.embedding import Embedder, EmbeddingCache, Progress, progress_reporter


class EmbedWorker:
    """One embedding actor: the model of `model` in `dtype`, checked to be the very
    weights (`revision`) the driver records in the manifest."""

    def __init__(self, model: str, dtype: str, revision: str, threads: int) -> None:
        import torch

        torch.set_num_threads(threads)
        self.embedder = Embedder(model, dtype=dtype)
        if self.embedder.info.revision != revision:
            raise RuntimeError(
                f"worker has model {model!r} at revision {self.embedder.info.revision}, "
                f"the index records {revision}: install the same model on every node"
            )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """{"key": (n,), "text": (n,)} → {"key": (n,), "vector": (n, d) float32}."""
        vectors = self.embedder.encode([str(text) for text in batch["text"]])
        return {"key": batch["key"], "vector": vectors}


def embed_on_ray(
    cluster, cache_path: Path, embedder: Embedder, texts: Sequence[str], progress: Progress
) -> None:
    """Embed every text of `texts` the cache lacks on the cluster's workers."""
    with EmbeddingCache(cache_path) as cache:
        missing = cache.missing(embedder.info, texts)
        if missing:
            _run(cluster, cache, embedder, missing, progress)


def _run(cluster, cache: EmbeddingCache, embedder: Embedder, missing, progress) -> None:
    cluster.connect()
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # newsdesk's own bar counts chunks
    options = cluster.options
    info = embedder.info
    workers = min(cluster.worker_count(), max(1, len(missing) // options.batch_size))
    dataset = ray.data.from_items([{"key": key, "text": text} for key, text in missing])
    embedded = dataset.map_batches(
        EmbedWorker,
        fn_constructor_args=(info.name, info.dtype, info.revision, options.cpus_per_worker),
        batch_size=options.batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=options.cpus_per_worker,
    )
    with progress_reporter(len(missing), progress) as bar:
        for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
            pairs = list(zip(batch["key"].tolist(), batch["vector"], strict=True))
            cache.put(pairs)
            bar.update(len(pairs))
