"""End-to-end `ask` latency (retrieval + answer) on a labeled news set, run on demand.

    python benchmarks/bench_ask.py DATASET_DIR [--queries N] [--as-of]

The dataset is indexed through `newsdesk eval`'s cache; the first N queries (after one
warm-up question) are asked through `Newsdesk`-equivalent plumbing with one thread,
as the app serves them; p50/p95 in milliseconds, how many (question, span) pairs the
answer scorer read per question and the scorer's own time.
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
from search.types import SearchRequest, end_of_day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--as-of", action="store_true", help="ask as of each query's date")
    args = parser.parse_args()
    limit_threads(1)
    dataset = load_dataset(args.dataset)
    index, _ = prepare_index(dataset, IndexParams())
    answerer = Answerer(Retriever(index))
    scorer = answerer.scorer
    pairs: list[int] = []
    scoring: list[float] = []
    original = scorer.score

    def counting(question, texts):
        began = time.perf_counter()
        scores = original(question, texts)
        pairs.append(len(texts))
        scoring.append((time.perf_counter() - began) * 1000)
        return scores

    scorer.score = counting
    queries = [q for q in dataset.queries if q.text.strip()][: args.queries + 1]
    samples, per_question, scorer_ms = [], [], []
    for number, query in enumerate(queries):
        as_of = end_of_day(query.date) if args.as_of and query.date else None
        plan = make_plan(SearchRequest(query.text, as_of=as_of))
        pairs.clear()
        scoring.clear()
        started = time.perf_counter()
        answerer.ask(plan)
        if number:  # the first question loads the models
            samples.append((time.perf_counter() - started) * 1000)
            per_question.append(sum(pairs))
            scorer_ms.append(sum(scoring))
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(
        f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    print(
        f"ask on {dataset.name} ({index.manifest().chunks:,} chunks), {len(samples)} questions, "
        f"as_of={args.as_of}: p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms; "
        f"pairs scored per question: mean {statistics.mean(per_question):.1f}, "
        f"scorer p50 {statistics.median(scorer_ms):.0f} ms"
    )
    index.close()


if __name__ == "__main__":
    main()
