"""How soon a reader finds a new article at scale: run after `bench_segments.py scale`
on its index. Five one-article `add`s by a writer with the model loaded; for each: the
write's seconds, the reader's reload until it holds the document, a BM25 query of the
title (the article's rank in it), a dense query of the article's own mean vector (its
rank), and whether it is embedded.

    python benchmarks/bench_visibility.py INDEX SEED_INDEX CORPUS_JSONL
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import bench_segments as bench

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.newsindex import NewsIndex  # noqa: E402


def rank_of(hits, doc_id: str) -> int | None:
    return next((place for place, hit in enumerate(hits) if hit.doc_id == doc_id), None)


def main() -> None:
    work, seed, corpus = (Path(arg) for arg in sys.argv[1:4])
    news = bench.articles(corpus, seed, 60)[40:]
    reader = NewsIndex(work, rebuild_stale=False)
    started = time.perf_counter()
    generation = reader.snapshot()
    print(f"reader load {time.perf_counter() - started:.2f} s, {generation.row_count:,} rows")
    reader.embedder.encode_query("loaded before the first write")
    found = []
    with NewsIndex(work, merge=False) as writer:
        writer.embedder.encode_query("loaded before the first write")
        for number, article in enumerate(news):
            if len(found) == 5:
                break
            path = bench.write_batch(work.parent, f"vis-{number}", [article])
            started = time.perf_counter()
            (outcome,) = writer.add([path]).outcomes
            write = time.perf_counter() - started
            if outcome.status != "added":
                continue
            started = time.perf_counter()
            while not (generation := reader.snapshot()).has_document(outcome.doc_id):
                pass
            reload = time.perf_counter() - started
            started = time.perf_counter()
            words = rank_of(generation.bm25_ranking(article["title"], 1000), outcome.doc_id)
            query = time.perf_counter() - started
            centre = generation.centroid(outcome.doc_id)
            meaning = rank_of(generation.dense_ranking_of(centre, 50), outcome.doc_id)
            found.append((write, reload, query, words, meaning))
            print(
                f"add {write:.2f} s; reader holds it {reload * 1000:.0f} ms after; "
                f"title query {query * 1000:.0f} ms, rank {words}; by meaning rank {meaning}; "
                f"embedded {generation.embedded(outcome.doc_id)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
