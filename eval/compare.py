"""Comparing two runs on the same queries: a paired two-sided t-test on per-query
scores (as ranx's default "student" test) and the queries that changed most."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    metric: str
    baseline: str
    candidate: str
    baseline_mean: float
    candidate_mean: float
    p_value: float
    queries: int
    changed_most: tuple[tuple[str, float, float], ...]  # (query_id, baseline, candidate)

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def compare(
    metric: str,
    baseline_name: str,
    baseline: dict[str, float],
    candidate_name: str,
    candidate: dict[str, float],
    top: int = 5,
) -> Comparison:
    """Per-query scores by query id; only queries present in both runs count."""
    from scipy.stats import ttest_rel

    shared = sorted(set(baseline) & set(candidate))
    a = [baseline[q] for q in shared]
    b = [candidate[q] for q in shared]
    p_value = 1.0 if len(shared) < 2 or a == b else float(ttest_rel(b, a).pvalue)
    changed = [q for q in shared if candidate[q] != baseline[q]]
    deltas = sorted(changed, key=lambda q: (-abs(candidate[q] - baseline[q]), q))[:top]
    return Comparison(
        metric,
        baseline_name,
        candidate_name,
        sum(a) / len(a) if a else 0.0,
        sum(b) / len(b) if b else 0.0,
        p_value,
        len(shared),
        tuple((q, baseline[q], candidate[q]) for q in deltas),
    )
