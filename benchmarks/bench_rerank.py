"""Passage reranking by the answer scorer, measured (run on demand; docs/evaluation.md).

    python benchmarks/bench_rerank.py DATASET_DIR [--depth 20] [--as-of] [--limit N]

Each labeled query is ranked as `newsdesk eval` ranks it (hybrid, documents by best
chunk); the top `--depth` documents' best chunks are read with the question by the
cross-encoder (search/answering/scorer.py, headline + chunk, first 320 word pieces),
and the documents reordered by the scorer alone and by blends of the two scores
(z-scored over the depth). Prints nDCG@10 and Recall@10 for each, and the scorer's
time per question on one thread.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from eval.datasets import load_dataset
from eval.prepare import IndexParams, doc_labels, prepare_index
from eval.runner import DOC_DEPTH, _plan, labeled_queries
from index.derived.cross_encoder import load_cross_encoder
from index.derived.embedding import limit_threads
from search.retriever import Retriever

BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _z(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    spread = array.std()
    return (array - array.mean()) / spread if spread > 1e-9 else array * 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--as-of", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    from ranx import Qrels, Run, evaluate

    limit_threads(1)
    scorer = load_cross_encoder(max_pieces=320)
    dataset = load_dataset(args.dataset)
    index, ids = prepare_index(dataset, IndexParams())
    labels = doc_labels(dataset, index, ids)
    queries = labeled_queries(dataset, labels, args.limit)
    retriever = Retriever(index)
    runs = {blend: {} for blend in BLENDS}
    seconds = []
    for query in queries:
        plan = _plan(query, args.as_of, diversify=False, question_dates=False)
        ranking = retriever.rank_plan(plan, DOC_DEPTH)
        documents = retriever.passages(ranking, DOC_DEPTH, merge_near_duplicates=False)
        head = documents[: args.depth]
        started = time.perf_counter()
        logits = scorer.score(query.text, [f"{p.title or ''}. {p.text}" for p in head])
        seconds.append(time.perf_counter() - started)
        fused = _z([p.scores.fused for p in head])
        read = _z(list(logits))
        for blend in BLENDS:
            mixed = blend * read + (1 - blend) * fused
            order = sorted(range(len(head)), key=lambda i: (-mixed[i], head[i].chunk_id))
            ranked = [head[i].doc_id for i in order] + [p.doc_id for p in documents[args.depth :]]
            runs[blend][query.query_id] = {d: float(len(ranked) - r) for r, d in enumerate(ranked)}
    qrels = Qrels({q.query_id: labels[q.query_id] for q in queries})
    print(
        f"{dataset.name}: {len(queries)} queries, depth {args.depth}, "
        f"scorer p50 {statistics.median(seconds) * 1000:.0f} ms per question"
    )
    print("| scorer weight | nDCG@10 | Recall@10 |")
    print("|---|---|---|")
    for blend in BLENDS:
        figures = evaluate(qrels, Run(runs[blend]), ["ndcg@10", "recall@10"])
        print(f"| {blend} | {figures['ndcg@10']:.3f} | {figures['recall@10']:.3f} |")
    index.close()


if __name__ == "__main__":
    main()
