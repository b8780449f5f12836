"""newsdesk and txtai on the same BEIR-layout cut, in one run.

    python ../shared/eval/cut.py ../shared/eval/rtqa-2025 /tmp/rtqa-cut 1000 120
    # first make txtai's environment as benchmarks/bench_txtai.py's docstring says
    python benchmarks/bench_side_by_side.py /tmp/rtqa-cut --txtai-python /tmp/txtai-venv/bin/python

txtai first (benchmarks/bench_txtai.py in its own environment: hybrid, defaults, same
all-MiniLM-L6-v2 weights), then newsdesk from an empty index and an empty embedding
cache: seconds until the cut is searchable by its words (the first progressive
generation), by every article's lead, and whole. Both sides are timed on the same
thing, each question's top 10, every question ROUNDS times (newsdesk on one thread,
txtai with its default threads), with nDCG@10 and Recall@10 of those very lists;
newsdesk also times `Newsdesk.search` and `ask` dated at each question's date (time
words, recency, outlets). Questions are embedded in int8 unless
NEWSDESK_QUESTION_PRECISION=float32 (the JSON says which). Prints one JSON object with
both sides and the build cost per article and per word piece, for docs/benchmarks.md.

`--index FOLDER` serves an evaluation index of the cut built before (a folder of the
evaluation cache, with its eval_ids.json) instead of building one: query, ask and
nDCG@10 beside txtai's in one run, without the half hour of embedding.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import percentiles

ASK_QUESTIONS = 40
# Each question's latency is taken this many times: this shared host's speed drifts
# by a tenth within minutes, and 120 questions once were too few to see past it.
ROUNDS = 3


def matmul_peak() -> float:
    """GFLOP/s of float32 torch.mm (2048², two threads) now: this shared host's speed
    varies by half over an hour, so each run says what it had."""
    import torch

    torch.set_num_threads(2)
    left, right = torch.randn(2048, 2048), torch.randn(2048, 2048)
    best = 0.0
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(5):
            left @ right
        best = max(best, 2 * 2048**3 * 5 / (time.perf_counter() - began) / 1e9)
    return round(best, 1)


def run_txtai(cut: Path, python: str) -> dict:
    script = Path(__file__).with_name("bench_txtai.py")
    done = subprocess.run([python, str(script), str(cut)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"txtai run failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_newsdesk(cut: Path, cache_root: Path) -> tuple[dict, dict]:
    """Build through the evaluation (which caches the index in `cache_root`), recording
    when each progressive generation went live; (timings, hybrid metrics)."""
    from eval.evaluate import EvalOptions, evaluate_dataset
    from index.newsindex import NewsIndex

    live: list[tuple[float, int, int]] = []
    announce = NewsIndex._announce

    def record(index: NewsIndex) -> None:
        manifest = index.manifest()
        live.append((time.perf_counter(), manifest.chunks, manifest.pending_chunks))
        announce(index)

    NewsIndex._announce = record
    started = time.perf_counter()
    report = evaluate_dataset(
        cut, EvalOptions(modes=("hybrid",), answers=False, cache_root=cache_root)
    )
    NewsIndex._announce = announce
    steps = [round(moment - started, 1) for moment, _, _ in live]
    timings = {
        "searchable_by_words_s": steps[0] if steps else report.index_build_seconds,
        "searchable_by_leads_s": steps[1] if len(steps) > 1 else report.index_build_seconds,
        "whole_s": report.index_build_seconds,
        "generations": len(steps),
    }
    return timings, report.modes[0].means


def time_queries(index_dir: Path, cut: Path) -> dict:
    """Query latency of what nDCG@10 scores, and of the product's default path.

    "query": each question's top 10 as the evaluation ranks them (hybrid, no dates, no
    spread over outlets, near-duplicates kept apart), ROUNDS times over every question,
    with nDCG@10 / Recall@10 of those very lists. "search_as_of": `Newsdesk.search`
    as a reporter calls it, dated at the question's date (its own time words counted
    from there, recent reports favoured, outlets spread); "ask": `Newsdesk.ask` the same
    way over the first ASK_QUESTIONS."""
    from eval.datasets import load_dataset
    from eval.metrics import ir_scores
    from eval.prepare import doc_labels
    from eval.runner import labeled_queries
    from index.derived.embedding import limit_threads
    from search.desk import Newsdesk
    from search.plan import SearchPlan
    from search.types import end_of_day

    limit_threads(1)
    dataset = load_dataset(cut)
    queries = dataset.queries
    with Newsdesk(index_dir) as desk:
        ids = json.loads((index_dir / "eval_ids.json").read_text())
        labels = doc_labels(dataset, desk.index, ids)

        def top10(text: str):
            ranking = desk.retriever.rank_plan(SearchPlan(text, diversify=False), 10)
            return desk.retriever.passages(ranking, 10, merge_near_duplicates=False)

        def as_of(query):
            return end_of_day(query.date) if query.date else None

        top10(queries[0].text)
        plain, dated, asks, found = [], [], [], {}
        for _ in range(ROUNDS):
            for query in queries:
                began = time.perf_counter()
                found[query.query_id] = top10(query.text)
                plain.append((time.perf_counter() - began) * 1000)
            for query in queries:
                began = time.perf_counter()
                desk.search(query.text, k=10, as_of=as_of(query))
                dated.append((time.perf_counter() - began) * 1000)
        for query in queries[:ASK_QUESTIONS]:
            began = time.perf_counter()
            desk.ask(query.text, as_of=as_of(query))
            asks.append((time.perf_counter() - began) * 1000)
        info = desk.info()
        precision = desk.index.embedder.question_precision
    scored = labeled_queries(dataset, labels, None)
    runs = [_run(q.query_id, found[q.query_id]) for q in scored]
    means, _ = ir_scores({q.query_id: labels[q.query_id] for q in scored}, runs, "hybrid")
    return {
        "query": percentiles(plain),
        "search_as_of": percentiles(dated),
        "ask": percentiles(asks),
        "rounds": ROUNDS,
        "ndcg@10": round(means["ndcg@10"], 3),
        "recall@10": round(means["recall@10"], 3),
        "question_precision": precision,
        "articles": info["documents"],
        "chunks": info["chunks"],
        "word_pieces": info["tokens"],
    }


def _run(query_id: str, passages):
    """The timed top 10 as the evaluation's QueryRun, for ir_scores."""
    from eval.runner import QueryRun

    return QueryRun(
        query_id, tuple(p.doc_id for p in passages), tuple(p.text for p in passages), None, None
    )


def scored_index(cut: Path, folder: Path) -> dict:
    """Hybrid nDCG@10 and Recall@10 of an existing evaluation index of the cut, as the
    evaluation ranks (100 documents per question, so a deeper candidate pool)."""
    from eval.datasets import load_dataset
    from eval.metrics import ir_scores
    from eval.prepare import doc_labels
    from eval.runner import labeled_queries, run_mode
    from index.newsindex import NewsIndex

    dataset = load_dataset(cut)
    with NewsIndex(folder) as index:
        labels = doc_labels(dataset, index, json.loads((folder / "eval_ids.json").read_text()))
        queries = labeled_queries(dataset, labels, None)
        runs = run_mode(index, queries, "hybrid")
    means, _ = ir_scores({q.query_id: labels[q.query_id] for q in queries}, runs, "hybrid")
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cut", type=Path)
    parser.add_argument("--txtai-python", default="/tmp/txtai-venv/bin/python")
    parser.add_argument("--index", type=Path, help="serve this evaluation index, not a new one")
    args = parser.parse_args()
    peak_before = matmul_peak()
    txtai = run_txtai(args.cut, args.txtai_python)
    print(json.dumps({"txtai": txtai}), file=sys.stderr, flush=True)
    if args.index is not None:
        served, means = time_queries(args.index, args.cut), scored_index(args.cut, args.index)
        newsdesk = {
            **served,
            "eval_ndcg@10": round(means["ndcg@10"], 3),
            "eval_recall@10": round(means["recall@10"], 3),
        }
        peaks = {"before_gflops": peak_before, "after_gflops": matmul_peak()}
        print(json.dumps({"txtai": txtai, "newsdesk": newsdesk, "matmul_peak": peaks}, indent=2))
        return
    with tempfile.TemporaryDirectory() as scratch:
        cache_root = Path(scratch)
        timings, means = build_newsdesk(args.cut, cache_root)
        index_dir = next(p for p in cache_root.iterdir() if p.is_dir())
        served = time_queries(index_dir, args.cut)
    whole = timings["whole_s"]
    newsdesk = {
        **timings,
        **served,
        "eval_ndcg@10": round(means["ndcg@10"], 3),
        "eval_recall@10": round(means["recall@10"], 3),
        "build_ms_per_article": round(1000 * whole / served["articles"], 1),
        "build_us_per_word_piece": round(1e6 * whole / served["word_pieces"], 1),
    }
    txtai["build_ms_per_article"] = round(1000 * txtai["build_seconds"] / txtai["documents"], 1)
    peaks = {"before_gflops": peak_before, "after_gflops": matmul_peak()}
    print(json.dumps({"txtai": txtai, "newsdesk": newsdesk, "matmul_peak": peaks}, indent=2))


if __name__ == "__main__":
    main()
