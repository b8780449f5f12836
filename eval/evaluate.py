"""`newsdesk eval`: one command from a labeled dataset to a written report."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.compare import Comparison, compare
from eval.datasets import load_dataset
from eval.metrics import answer_scores, ir_scores
from eval.prepare import IndexParams, doc_labels, prepare_index
from eval.report import EvalReport, ModeResult
from eval.runner import labeled_queries, run_mode
from search.answering.policy import AnswerPolicy
from search.retriever import RetrievalConfig

COMPARE_METRIC = "ndcg@10"


@dataclass(frozen=True)
class EvalOptions:
    """How to evaluate: `modes` (eval.runner.EVAL_MODES), index and retrieval parameters,
    `as_of` (only documents published by a query's date), extractive `answers`, the
    first `limit` queries, a saved report to compare with, the index cache folder, and
    the cut-off `k` of the summary metrics."""

    modes: tuple[str, ...] = ("bm25", "dense", "hybrid")
    params: IndexParams = field(default_factory=IndexParams)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    as_of: bool = False
    answers: bool = True
    limit: int | None = None
    baseline_report: Path | None = None
    cache_root: Path | None = None
    progress: bool = False
    k: int = 10
    answering: AnswerPolicy = field(default_factory=AnswerPolicy)
    diversify: bool = False
    question_dates: bool = True


def evaluate_dataset(dataset_dir: str | Path, options: EvalOptions | None = None) -> EvalReport:
    options = options or EvalOptions()
    dataset = load_dataset(dataset_dir)
    params, retrieval, k = options.params, options.retrieval, options.k
    modes, as_of, limit = options.modes, options.as_of, options.limit
    started = time.perf_counter()
    index, ids = prepare_index(dataset, params, options.cache_root, options.progress)
    build_seconds = time.perf_counter() - started
    labels = doc_labels(dataset, index, ids)
    queries = labeled_queries(dataset, labels, limit)
    results = []
    for mode in modes:
        began = time.perf_counter()
        runs = run_mode(
            index,
            queries,
            mode,
            retrieval,
            as_of,
            options.answers,
            options.answering,
            options.diversify,
            options.question_dates,
        )
        query_labels = {q.query_id: labels[q.query_id] for q in queries}
        means, per_query = ir_scores(query_labels, runs, mode, k)
        ranked = {run.query_id: list(run.doc_ids) for run in runs}
        result = ModeResult(
            mode,
            means,
            per_query,
            answer_scores(queries, runs),
            time.perf_counter() - began,
            ranked,
        )
        results.append(result)
        print(
            f"newsdesk eval: {mode}: {len(runs)} queries in {result.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    embedder = index.embedder
    questions = {"backend": embedder.query_backend, "precision": embedder.question_precision}
    index.close()
    configuration = {
        "index": json.loads(params.fingerprint()),
        "questions": questions,
        "retrieval": asdict(retrieval),
        "answer": _answer_configuration(options.answering),
        "diversify": options.diversify,
        "question_dates": options.question_dates,
        "as_of": as_of,
        "k": k,
        "modes": list(modes),
        "limit": limit,
    }
    comparisons = _comparisons(results, options.baseline_report)
    return EvalReport(
        dataset.name,
        dataset.layout,
        len(queries),
        configuration,
        results,
        comparisons,
        round(build_seconds, 1),
    )


def _answer_configuration(policy: AnswerPolicy) -> dict:
    """The answer policy as run, its scorer named (the default resolved to its model)."""
    from index.derived.cross_encoder import DEFAULT_SCORER

    named = policy.scorer or f"cross-encoder/{DEFAULT_SCORER} (int8 onnx)"
    return {**asdict(policy), "scorer": named}


def _comparisons(results: list[ModeResult], baseline_report: Path | None) -> list[Comparison]:
    by_mode = {r.mode: r for r in results}
    candidate = by_mode.get("hybrid") or results[-1]
    out = []
    for other in results:
        if other is not candidate:
            out.append(_compare(other.mode, other.per_query, candidate.mode, candidate.per_query))
    if baseline_report is not None:
        saved = json.loads(Path(baseline_report).read_text())
        for mode, per_query in saved["per_query"].items():
            if mode in by_mode:
                out.append(_compare(f"saved {mode}", per_query, mode, by_mode[mode].per_query))
    return out


def _compare(base_name, base, cand_name, cand) -> Comparison:
    return compare(
        COMPARE_METRIC,
        base_name,
        {q: s[COMPARE_METRIC] for q, s in base.items()},
        cand_name,
        {q: s[COMPARE_METRIC] for q, s in cand.items()},
    )
