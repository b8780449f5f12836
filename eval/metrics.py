"""Metrics: document-level IR measures from ranx (Bassani, ECIR 2022), answer-in-top-k
passages (top-k accuracy, Karpukhin et al., "Dense Passage Retrieval", EMNLP 2020),
answer-in-the-extractive-answer, and the "nothing found" rate."""

from __future__ import annotations

from collections.abc import Sequence

from eval.datasets import Query
from eval.runner import QueryRun
from index.ids import normalize_text

IR_METRICS = (
    "ndcg@10",
    "mrr@10",
    "recall@10",
    "recall@100",
    "hit_rate@1",
    "hit_rate@5",
    "hit_rate@10",
)
CURVE_KS = (1, 2, 3, 5, 10, 20, 30, 50, 100)
TOP_K_ACCURACY = (1, 5, 10)


def _ranx(labels: dict[str, dict[str, int]], runs: Sequence[QueryRun], name: str):
    from ranx import Qrels, Run

    qrels = Qrels({qid: judged for qid, judged in labels.items() if judged})
    scored = {}
    for run in runs:
        depth = len(run.doc_ids)
        scored[run.query_id] = {doc: float(depth - i) for i, doc in enumerate(run.doc_ids)}
        if not scored[run.query_id]:
            scored[run.query_id] = {"__none__": 0.0}
    return qrels, Run(scored, name=name)


def metric_names(k: int) -> list[str]:
    """The fixed metrics, the recall curve, and nDCG, MRR, recall and hit rate at k."""
    names = list(IR_METRICS) + [f"recall@{c}" for c in CURVE_KS]
    names += [f"ndcg@{k}", f"mrr@{k}", f"recall@{k}", f"hit_rate@{k}"]
    return list(dict.fromkeys(names))


def ir_scores(
    labels: dict[str, dict[str, int]], runs: Sequence[QueryRun], name: str, k: int = 10
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(mean per metric, per-query per metric) for the IR metrics and recall curve."""
    import warnings

    from ranx import evaluate

    qrels, run = _ranx(labels, runs, name)
    metrics = metric_names(k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per_query = {m: evaluate(qrels, run, m, return_mean=False) for m in metrics}
    ids = list(run.keys())
    means = {m: float(values.mean()) for m, values in per_query.items()}
    by_query = {qid: {m: float(per_query[m][i]) for m in metrics} for i, qid in enumerate(ids)}
    return means, by_query


def _contains_answer(text: str, answers: Sequence[str]) -> bool:
    folded = normalize_text(text)
    return any(normalize_text(answer) in folded for answer in answers if answer.strip())


def answer_scores(queries: Sequence[Query], runs: Sequence[QueryRun]) -> dict[str, float]:
    """Shares of queries (with answers) whose answer string appears in the top-k passages
    or in the extractive answer, and the share answered "nothing found"."""
    answers = {q.query_id: q.answers for q in queries if q.answers}
    scored = [run for run in runs if run.query_id in answers]
    if not scored:
        return {}
    out = {}
    for k in TOP_K_ACCURACY:
        hits = sum(
            _contains_answer(" ".join(r.passage_texts[:k]), answers[r.query_id]) for r in scored
        )
        out[f"answer_in_top{k}"] = hits / len(scored)
    with_answer = [r for r in scored if r.answer_found is not None]
    if with_answer:
        out["answer_in_extract"] = sum(
            bool(r.answer_text) and _contains_answer(r.answer_text, answers[r.query_id])
            for r in with_answer
        ) / len(with_answer)
        out["nothing_found_rate"] = sum(not r.answer_found for r in with_answer) / len(with_answer)
    credited = [r.choice_credit for r in runs if r.choice_credit is not None]
    if credited:
        out["mc_accuracy"] = sum(credited) / len(credited)
    return out
