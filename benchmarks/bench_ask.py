"""End-to-end `ask` latency (retrieval + answer) on a labeled news set, run on demand.

    python benchmarks/bench_ask.py DATASET_DIR [--queries N] [--as-of]

The dataset is indexed through `newsdesk eval`'s cache; the first N queries (after one
warm-up question) are asked through `Newsdesk`-equivalent plumbing with one torch
thread, as the app serves them; p50/p95 in milliseconds, and how many texts were
embedded per question (the question once, each candidate sentence once).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from eval.datasets import load_dataset
from eval.prepare import IndexParams, prepare_index
from index.derived.embedding import limit_threads
from search.answer import Answerer
from search.plan import make_plan
from search.retriever import Retriever
from search.types import end_of_day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--as-of", action="store_true", help="ask as of each query's date")
    args = parser.parse_args()
    limit_threads(1)
    dataset = load_dataset(args.dataset)
    index, _ = prepare_index(dataset, IndexParams())
    answerer = Answerer(Retriever(index), lambda: index.embedder)
    embedder = index.embedder
    encoded: list[int] = []
    original = embedder.encode

    def counting(texts, progress=False):
        encoded.append(len(texts))
        return original(texts, progress)

    embedder.encode = counting
    queries = [q for q in dataset.queries if q.text.strip()][: args.queries + 1]
    samples, per_question = [], []
    for number, query in enumerate(queries):
        as_of = end_of_day(query.date) if args.as_of and query.date else None
        plan = make_plan(query.text, None, as_of, question_dates=True, diversify=True)
        encoded.clear()
        started = time.perf_counter()
        answerer.ask(query.text, 5, "hybrid", plan=plan)
        if number:  # the first question loads the model
            samples.append((time.perf_counter() - started) * 1000)
            per_question.append(sum(encoded))
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(
        f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    print(f"ask on {dataset.name} ({index.manifest().chunks:,} chunks), {len(samples)} questions, "
          f"as_of={args.as_of}: p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms; "
          f"texts embedded per question: mean {statistics.mean(per_question):.1f}")  # fmt: skip
    index.close()


if __name__ == "__main__":
    main()
