"""Evaluation reports: a markdown table, a JSON file with every figure and the exact
configuration, a per-query JSONL file, and recall@k curves as a PNG."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from eval.compare import Comparison
from eval.metrics import CURVE_KS


def table_metrics(k: int) -> tuple[str, ...]:
    names = (f"ndcg@{k}", f"mrr@{k}", f"recall@{k}", "recall@100", "hit_rate@5")
    return tuple(dict.fromkeys(names))


ANSWER_METRICS = (
    "answer_in_top1",
    "answer_in_top5",
    "answer_in_top10",
    "answer_in_extract",
    "nothing_found_rate",
)


@dataclass(frozen=True)
class ModeResult:
    mode: str
    means: dict[str, float]
    per_query: dict[str, dict[str, float]]
    answers: dict[str, float]
    seconds: float
    ranked: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class EvalReport:
    dataset: str
    layout: str
    queries: int
    configuration: dict
    modes: list[ModeResult]
    comparisons: list[Comparison]
    index_build_seconds: float | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    machine: str = field(
        default_factory=lambda: (
            f"{platform.machine()}, {_cpus()} cores, Python {platform.python_version()}"
        )
    )


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _questions(configuration: dict) -> str:
    """How questions were embedded, when the report says (older reports do not)."""
    questions = configuration.get("questions")
    if not questions:
        return ""
    return f", questions embedded by {questions['backend']} in {questions['precision']}"


def markdown(report: EvalReport) -> str:
    metrics = table_metrics(report.configuration.get("k", 10))
    lines = [
        f"# Evaluation: {report.dataset}",
        "",
        f"{report.queries} labeled queries ({report.layout} layout); {report.created_at}; "
        f"{report.machine}; model {report.configuration['index']['model']}"
        f"{_questions(report.configuration)}.",
        "",
        "| mode | " + " | ".join(metrics) + " | seconds |",
        "|---" * (len(metrics) + 2) + "|",
    ]
    for result in report.modes:
        cells = " | ".join(f"{result.means[m]:.3f}" for m in metrics)
        lines.append(f"| {result.mode} | {cells} | {result.seconds:.1f} |")
    if any(result.answers for result in report.modes):
        lines += [
            "",
            "| mode | " + " | ".join(ANSWER_METRICS) + " |",
            "|---" * (len(ANSWER_METRICS) + 1) + "|",
        ]
        for result in report.modes:
            cells = " | ".join(
                f"{result.answers[m]:.3f}" if m in result.answers else "–" for m in ANSWER_METRICS
            )
            lines.append(f"| {result.mode} | {cells} |")
    if report.comparisons:
        lines += [
            "",
            "| comparison (paired t-test) | baseline | candidate | p | significant |",
            "|---|---|---|---|---|",
        ]
        for c in report.comparisons:
            lines.append(
                f"| {c.metric}: {c.candidate} vs {c.baseline} | {c.baseline_mean:.3f} | "
                f"{c.candidate_mean:.3f} | {c.p_value:.2g} | {'yes' if c.significant else 'no'} |"
            )
        for c in report.comparisons:
            changed = ", ".join(f"{q} ({a:.2f}→{b:.2f})" for q, a, b in c.changed_most)
            lines.append(f"\nChanged most, {c.candidate} vs {c.baseline}: {changed}")
    return "\n".join(lines) + "\n"


def write_report(report: EvalReport, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "markdown": out / "report.md",
        "json": out / "report.json",
        "per_query": out / "per_query.jsonl",
        "plot": out / "recall_curves.png",
    }
    paths["markdown"].write_text(markdown(report))
    payload = {
        "dataset": report.dataset,
        "layout": report.layout,
        "queries": report.queries,
        "created_at": report.created_at,
        "machine": report.machine,
        "configuration": report.configuration,
        "index_build_seconds": report.index_build_seconds,
        "modes": {
            r.mode: {"metrics": r.means, "answers": r.answers, "seconds": r.seconds}
            for r in report.modes
        },
        "per_query": {r.mode: r.per_query for r in report.modes},
        "comparisons": [asdict(c) for c in report.comparisons],
    }
    paths["json"].write_text(json.dumps(payload, indent=2))
    with open(paths["per_query"], "w") as handle:
        for result in report.modes:
            for query_id, scores in result.per_query.items():
                row = {
                    "mode": result.mode,
                    "query_id": query_id,
                    **scores,
                    "ranked": result.ranked.get(query_id, [])[:10],
                }
                handle.write(json.dumps(row) + "\n")
    _plot(report, paths["plot"])
    return paths


def _plot(report: EvalReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=110)
    for result in report.modes:
        axes.plot(
            CURVE_KS, [result.means[f"recall@{k}"] for k in CURVE_KS], marker="o", label=result.mode
        )
    axes.set_xscale("log")
    axes.set_xticks(CURVE_KS, [str(k) for k in CURVE_KS])
    axes.set_xlabel("k (documents)")
    axes.set_ylabel("Recall@k")
    axes.set_ylim(0, 1)
    axes.grid(alpha=0.3)
    axes.set_title(f"{report.dataset}: recall@k by mode ({report.queries} queries)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
