"""Flat vs HNSW vs IVF-PQ at 100k and 1M vectors: recall, memory, build and query time.

    python benchmarks/bench_ann.py --rows 100000 1000000

The vectors are synthetic: 384-d, L2-normalised, drawn around 2,000 random topic
centres (a mixture like a news archive's clusters of coverage), so recall here is for
that distribution, not for real MiniLM vectors. Queries are 200 held-out vectors of the
same mixture. Recall@10 is against exact (flat) search; latency is one thread, top 100,
as a shard answers one side of a question. Prints one JSON line per (rows, index).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

DIMS = 384
TOPICS = 2_000
QUERIES = 200
DEPTH = 100


def mixture(rows: int, seed: int) -> np.ndarray:
    """(rows, 384) float32, L2-normalised, around TOPICS fixed centres."""
    centres = np.random.default_rng(0).standard_normal((TOPICS, DIMS)).astype(np.float32)
    rng = np.random.default_rng(seed)
    out = np.empty((rows, DIMS), dtype=np.float32)
    for start in range(0, rows, 100_000):
        size = min(100_000, rows - start)
        picks = rng.integers(0, TOPICS, size)
        block = centres[picks] + 1.2 * rng.standard_normal((size, DIMS)).astype(np.float32)
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def factories(rows: int) -> dict[str, str]:
    """FAISS factory strings: newsdesk's HNSW, and IVF-PQ (48-byte codes, lists ~ √rows),
    bare and with an exact re-rank of its candidates."""
    lists = 1024 if rows >= 500_000 else 256
    return {
        "flat": "Flat",
        f"ivf{lists}-pq48": f"IVF{lists},PQ48",
        f"ivf{lists}-pq48-rerank": f"IVF{lists},PQ48,RFlat",
        "hnsw": "HNSW32",
    }


def measure(name: str, spec: str, base: np.ndarray, queries: np.ndarray, truth) -> dict:
    import faiss

    faiss.omp_set_num_threads(2)
    started = time.perf_counter()
    index = faiss.index_factory(DIMS, spec, faiss.METRIC_INNER_PRODUCT)
    if "HNSW" in spec:
        index.hnsw.efConstruction = 200
    if not index.is_trained:
        index.train(base[np.random.default_rng(1).permutation(len(base))[:100_000]])
    index.add(base)
    build = time.perf_counter() - started
    if "HNSW" in spec:
        index.hnsw.efSearch = 128
    if "IVF" in spec:
        faiss.extract_index_ivf(index).nprobe = 32
    if "RFlat" in spec:
        index.k_factor = 4  # PQ's top 400 re-scored exactly from the float vectors
    faiss.omp_set_num_threads(1)
    samples, found = [], []
    for query in queries:
        began = time.perf_counter()
        _, ids = index.search(query[None, :], DEPTH)
        samples.append((time.perf_counter() - began) * 1000)
        found.append(ids[0])
    recall = (
        1.0
        if truth is None
        else float(
            np.mean(
                [len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth, strict=True)]
            )
        )
    )
    samples.sort()
    return {
        "rows": len(base),
        "index": name,
        "build_s": round(build, 1),
        "bytes_per_vector": round(faiss.serialize_index(index).nbytes / len(base), 1),
        "recall@10": round(recall, 4),
        "query_ms_p50": round(statistics.median(samples), 3),
        "query_ms_p95": round(samples[int(0.95 * len(samples)) - 1], 3),
    }, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip", nargs="*", default=[], help="kinds to leave out, e.g. hnsw")
    args = parser.parse_args()
    for rows in args.rows:
        base, queries = mixture(rows, seed=2), mixture(QUERIES, seed=3)
        truth = None
        for name, spec in factories(rows).items():
            if name in args.skip:
                continue
            result, found = measure(name, spec, base, queries, truth)
            truth = found if truth is None else truth
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
