"""newsdesk and txtai on the same BEIR-layout cut, in one run.

    python ../shared/eval/cut.py ../shared/eval/rtqa-2025 /tmp/rtqa-cut 1000 120
    # first make txtai's environment as benchmarks/bench_txtai.py's docstring says
    python benchmarks/bench_side_by_side.py /tmp/rtqa-cut --txtai-python /tmp/txtai-venv/bin/python

txtai first (benchmarks/bench_txtai.py in its own environment: hybrid, defaults, same
all-MiniLM-L6-v2 weights), then newsdesk from an empty index and an empty embedding
cache: seconds until the cut is searchable by its words (the first progressive
generation), by every article's lead, and whole; query p50/p95 (`Newsdesk.search`, top
10, hybrid, one thread) over every query; `ask` p50/p95 over the first 40; nDCG@10 and
Recall@10 of the hybrid run (eval/evaluate.py). Prints one JSON object with both sides
and the build cost per article and per word piece, for docs/benchmarks.md.

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
    report = evaluate_dataset(cut, EvalOptions(modes=("hybrid",), answers=False,
                                               cache_root=cache_root))  # fmt: skip
    NewsIndex._announce = announce
    steps = [round(moment - started, 1) for moment, _, _ in live]
    timings = {
        "searchable_by_words_s": steps[0] if steps else report.index_build_seconds,
        "searchable_by_leads_s": steps[1] if len(steps) > 1 else report.index_build_seconds,
        "whole_s": report.index_build_seconds,
        "generations": len(steps),
    }
    return timings, report.modes[0].means


def time_queries(index_dir: Path, queries: list[str]) -> dict:
    from index.derived.embedding import limit_threads
    from search.desk import Newsdesk

    limit_threads(1)
    with Newsdesk(index_dir) as desk:
        desk.search(queries[0], k=10)
        searches = []
        for query in queries:
            began = time.perf_counter()
            desk.search(query, k=10)
            searches.append((time.perf_counter() - began) * 1000)
        asks = []
        for query in queries[:ASK_QUESTIONS]:
            began = time.perf_counter()
            desk.ask(query)
            asks.append((time.perf_counter() - began) * 1000)
        info = desk.info()
    return {"query": percentiles(searches), "ask": percentiles(asks),
            "articles": info["documents"], "chunks": info["chunks"],
            "word_pieces": info["tokens"]}  # fmt: skip


def scored_index(cut: Path, folder: Path) -> dict:
    """Hybrid nDCG@10 and Recall@10 of an existing evaluation index of the cut."""
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
    queries = [json.loads(line)["text"] for line in (args.cut / "queries.jsonl").open()]
    if args.index is not None:
        served, means = time_queries(args.index, queries), scored_index(args.cut, args.index)
        newsdesk = {**served, "ndcg@10": round(means["ndcg@10"], 3),
                    "recall@10": round(means["recall@10"], 3)}  # fmt: skip
        peaks = {"before_gflops": peak_before, "after_gflops": matmul_peak()}
        print(json.dumps({"txtai": txtai, "newsdesk": newsdesk, "matmul_peak": peaks}, indent=2))
        return
    with tempfile.TemporaryDirectory() as scratch:
        cache_root = Path(scratch)
        timings, means = build_newsdesk(args.cut, cache_root)
        index_dir = next(p for p in cache_root.iterdir() if p.is_dir())
        served = time_queries(index_dir, queries)
    whole = timings["whole_s"]
    newsdesk = {
        **timings,
        **served,
        "ndcg@10": round(means["ndcg@10"], 3),
        "recall@10": round(means["recall@10"], 3),
        "build_ms_per_article": round(1000 * whole / served["articles"], 1),
        "build_us_per_word_piece": round(1e6 * whole / served["word_pieces"], 1),
    }
    txtai["build_ms_per_article"] = round(1000 * txtai["build_seconds"] / txtai["documents"], 1)
    peaks = {"before_gflops": peak_before, "after_gflops": matmul_peak()}
    print(json.dumps({"txtai": txtai, "newsdesk": newsdesk, "matmul_peak": peaks}, indent=2))


if __name__ == "__main__":
    main()
