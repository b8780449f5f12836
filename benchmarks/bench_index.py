"""Index throughput and hybrid query latency, run on demand (never as a test).

    python benchmarks/bench_index.py DATASET_DIR [--queries N]

DATASET_DIR is a BEIR-layout news corpus (rtqa-2025 in docs/benchmarks.md). The
dataset is indexed through `newsdesk eval`'s cache (the same chunks and embeddings),
then:
- embedding throughput: word pieces per second of fresh (uncached) embedding of 2,048
  chunks, in bfloat16 and float32;
- ingestion throughput (read, split, chunk, store) in documents and word pieces per second;
- query latency p50/p95 at 10k chunks (a subset index, exact search) and at the full
  index, end to end through the Retriever (query encoding, BM25, dense, RRF, collapse);
- component latency at 100k chunks: the real vectors and chunk texts topped up to
  100,000 rows by repeating real rows with a small perturbation, HNSW over them;
- HNSW recall@10 against exact search on the real vectors.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from eval.datasets import load_dataset
from eval.prepare import IndexParams, prepare_index
from index.derived.bm25 import BM25Index
from index.derived.embedding import Embedder
from index.derived.vectors import VectorStore
from index.text.analyzer import analyze
from index.text.chunking import embedding_text
from search.retriever import Retriever


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def embedding_throughput(texts: list[str], tokens: int) -> dict[str, float]:
    out = {}
    for dtype in ("bfloat16", "float32"):
        embedder = Embedder(dtype=dtype)
        embedder.encode(texts[:64])
        started = time.perf_counter()
        embedder.encode(texts)
        seconds = time.perf_counter() - started
        out[f"embed_{dtype}_tokens_per_s"] = round(tokens / seconds)
    return out


def end_to_end_latency(retriever: Retriever, queries: list[str]) -> dict[str, float]:
    retriever.search(queries[0], 10)
    samples = []
    for query in queries:
        started = time.perf_counter()
        retriever.search(query, 10)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def component_latency(index, queries: list[str], target_rows: int) -> dict[str, object]:
    """BM25 and dense at `target_rows` chunks built from the index's real rows."""
    chunks = index.store.chunks()
    documents = {d.doc_id: d for d in index.store.documents()}
    tokenizer = index.chunker.tokenizer
    texts = [embedding_text(documents[c.doc_id], c, tokenizer, 48) for c in chunks]
    vectors = index.snapshot().vectors.vectors
    rng = np.random.default_rng(0)
    extra = target_rows - len(texts)
    picks = rng.integers(0, len(texts), size=max(0, extra))
    noise = rng.normal(0, 0.01, size=(len(picks), vectors.shape[1])).astype(np.float32)
    grown = np.vstack([vectors, vectors[picks] + noise])
    grown /= np.linalg.norm(grown, axis=1, keepdims=True)
    all_texts = texts + [texts[i] for i in picks]
    started = time.perf_counter()
    bm25 = BM25Index.build([analyze(t) for t in all_texts])
    bm25_build = time.perf_counter() - started
    started = time.perf_counter()
    store = VectorStore.build(grown)
    hnsw_build = time.perf_counter() - started
    embedder = index.embedder
    encode, sparse, dense = [], [], []
    for query in queries:
        t0 = time.perf_counter()
        vector = embedder.encode([query])[0]
        t1 = time.perf_counter()
        scores = bm25.scores(analyze(query))
        np.argpartition(-scores, 100)[:100]
        t2 = time.perf_counter()
        store.search(vector, 100)
        t3 = time.perf_counter()
        encode.append(t1 - t0)
        sparse.append(t2 - t1)
        dense.append(t3 - t2)
    totals = [a + b + c for a, b, c in zip(encode, sparse, dense, strict=True)]
    return {
        "rows": len(all_texts),
        "vector_index": store.kind,
        "bm25_build_s": round(bm25_build, 1),
        "vector_build_s": round(hnsw_build, 1),
        "query_encode": percentiles(encode),
        "bm25_top100": percentiles(sparse),
        "dense_top100": percentiles(dense),
        "encode_bm25_dense_total": percentiles(totals),
    }


def hnsw_recall(approximate: VectorStore, queries: int = 200) -> float:
    """Recall@10 of the index's HNSW graph against exact search over the same vectors,
    for queries near real vectors."""
    vectors = np.asarray(approximate.vectors)
    exact = VectorStore.build(vectors, hnsw_threshold=10**9)
    rng = np.random.default_rng(1)
    recalls = []
    for row in rng.choice(len(vectors), queries, replace=False):
        query = vectors[row] + rng.normal(0, 0.05, vectors.shape[1]).astype(np.float32)
        query /= np.linalg.norm(query)
        truth = set(exact.search(query, 10)[0].tolist())
        recalls.append(len(truth & set(approximate.search(query, 10)[0].tolist())) / 10)
    return round(float(np.mean(recalls)), 4)


def subset_index(dataset, full_index, rows: int, folder: Path):
    """A NewsIndex over the first documents of the corpus holding about `rows` chunks,
    embeddings from the shared cache; returns it with ingestion throughput figures."""
    from index.archive.store import DocumentStore
    from index.batch import ingest
    from index.text.chunking import Chunker
    from index.text.tokenizer import WordPieceTokenizer

    corpus = Path(dataset.corpus_targets[0])
    per_document = full_index.manifest().chunks / full_index.manifest().documents
    kept = []
    with open(corpus) as handle:
        for line in handle:
            kept.append(line)
            if len(kept) * per_document >= rows:
                break
    folder.mkdir(parents=True, exist_ok=True)
    subset = folder / "corpus.jsonl"
    subset.write_text("".join(kept))
    with DocumentStore(folder / "ingest-only") as store:
        started = time.perf_counter()
        report = ingest([str(subset)], store, Chunker(WordPieceTokenizer()))
        seconds = time.perf_counter() - started
        tokens = sum(c.n_tokens for c in store.chunks())
    from index.newsindex import NewsIndex

    index = NewsIndex(folder / "index", embedding_cache=full_index.cache_path)
    index.add([str(subset)])
    figures = {
        "ingest_documents": len(report.outcomes),
        "ingest_seconds": round(seconds, 1),
        "ingest_docs_per_s": round(len(report.outcomes) / seconds, 1),
        "ingest_tokens_per_s": round(tokens / seconds),
        "chunks": index.manifest().chunks,
    }
    return index, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("benchmark.json"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsdesk-bench"))
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    started = time.perf_counter()
    index, _ = prepare_index(dataset, IndexParams(), progress=True)
    manifest = index.manifest()
    queries = [q.text for q in dataset.queries[: args.queries]]
    chunks = index.store.chunks()[:2048]
    result: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, 2 cores",
        "dataset": dataset.name,
        "documents": manifest.documents,
        "chunks": manifest.chunks,
        "index_prepare_s": round(time.perf_counter() - started, 1),
        **embedding_throughput([c.text for c in chunks], sum(c.n_tokens for c in chunks)),
    }
    small, figures = subset_index(dataset, index, 10_000, args.work)
    result["subset_10k"] = {**figures, **end_to_end_latency(Retriever(small), queries)}
    result["full_index"] = end_to_end_latency(Retriever(index), queries)
    result["components_100k"] = component_latency(index, queries, 100_000)
    live = index.snapshot().vectors
    result["hnsw_recall_at_10"] = hnsw_recall(live) if live.kind == "hnsw" else None
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
