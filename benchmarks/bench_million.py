"""Hybrid ranking at a million chunks, from synthetic perturbed copies of a real index.

    python benchmarks/bench_million.py INDEX_DIR QUERIES_JSONL [--chunks 1000000]

Seeds from a real index's live generation (its chunk texts from the store and its
vectors): copy i of chunk r keeps each analysed term with probability 0.8 and gets the
vector normalise(v_r + noise) at cosine about 0.9 to v_r. The copies are written as one
generation (BM25 matrix, vectors, the FAISS index newsdesk chooses at that size) and
loaded as newsdesk loads one; each query is then ranked by the real `Retriever.rank`
(hybrid, default settings; question encoded by the ONNX Runtime encoder on one thread).
Prints build seconds, bytes on disk and resident memory per million chunks (once
loaded, and after the queries touched what they read), and the
query p50/p95 with the encoding inside and without it. Passage assembly from SQLite
(about a millisecond for ten passages) is not part of it: the copies have no store.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from timing import percentiles

SEED = 13
KEEP = 0.8
NOISE = 0.5  # of a unit vector's length, spread over the dims: cosine about 0.9


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def seed_of(index_dir: Path):
    from index.newsindex import NewsIndex
    from index.text.analyzer import analyze

    with NewsIndex(index_dir, rebuild_stale=False) as index:
        generation = index.snapshot()
        texts = {chunk.chunk_id: chunk.text for chunk in index.store.chunks()}
        corpus = [analyze(texts[chunk_id]) for chunk_id in generation.chunk_ids]
        return generation.manifest, corpus, np.asarray(generation.vectors.vectors)


def copies(corpus, vectors: np.ndarray, total: int):
    rng = np.random.default_rng(SEED)
    rows = np.arange(total) % len(corpus)
    terms = []
    for row in rows.tolist():
        seed_terms = corpus[row]
        keep = rng.random(len(seed_terms)) < KEEP
        terms.append([term for term, kept in zip(seed_terms, keep, strict=True) if kept])
    noise = rng.standard_normal((total, vectors.shape[1]), dtype=np.float32)
    noisy = vectors[rows] + noise * np.float32(NOISE / np.sqrt(vectors.shape[1]))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return terms, noisy.astype(np.float32)


class _Snapshot:
    """The one thing `Retriever.rank` asks of an index: its live generation."""

    def __init__(self, generation) -> None:
        self.generation = generation

    def snapshot(self):
        return self.generation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    args = parser.parse_args()
    from index.derived.documents_bm25 import DocumentCorpus
    from index.derived.embedding import Embedder, limit_threads
    from index.derived.files import write_generation_files
    from index.derived.generation import Generation
    from search.retriever import Retriever

    manifest, corpus, vectors = seed_of(args.index)
    terms, noisy = copies(corpus, vectors, args.chunks)
    del corpus, vectors
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "gen-million"
        started = time.perf_counter()
        chunk_ids = [f"c{row:08d}" for row in range(args.chunks)]
        doc_ids = [f"d{row // 8:08d}" for row in range(args.chunks)]
        # A synthetic document is its eight chunks' terms end to end.
        documents = DocumentCorpus(
            tuple(dict.fromkeys(doc_ids)),
            tuple(
                tuple(t for part in terms[row : row + 8] for t in part)
                for row in range(0, args.chunks, 8)
            ),
        )
        kind = write_generation_files(
            folder, chunk_ids, doc_ids, terms, noisy, manifest.bm25, documents
        )
        build = time.perf_counter() - started
        del terms, noisy
        disk = sum(p.stat().st_size for p in folder.iterdir())
        before = rss_mb()
        embedder = Embedder()
        generation = Generation.load(
            folder, replace(manifest, chunks=args.chunks), lambda: embedder
        )
        loaded = rss_mb() - before
        limit_threads(1)
        retriever = Retriever(_Snapshot(generation))
        queries = [json.loads(line)["text"] for line in args.queries.open()]
        retriever.rank(queries[0], 10)
        with_encoding, ranking_only = [], []
        for query in queries:
            began = time.perf_counter()
            retriever.rank(query, 10)
            with_encoding.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            retriever.rank(query, 10)  # the question's vector is remembered now
            ranking_only.append((time.perf_counter() - began) * 1000)
        served = rss_mb() - before
    million = args.chunks / 1e6

    print(
        json.dumps(
            {
                "chunks": args.chunks,
                "vector_index": kind,
                "build_s": round(build, 1),
                "disk_gb_per_million": round(disk / 1e9 / million, 2),
                "loaded_rss_gb_per_million": round(loaded / 1024 / million, 2),
                "serving_rss_gb_per_million": round(served / 1024 / million, 2),
                "peak_rss_gb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2
                ),
                "queries": len(queries),
                "hybrid_with_encoding": percentiles(with_encoding),
                "hybrid_ranking_only": percentiles(ranking_only),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
