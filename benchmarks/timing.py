"""What the benchmarks report of a list of latencies."""

from __future__ import annotations

import statistics


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """{"p50_ms", "p95_ms"} of latencies in milliseconds (p95: the sample at rank
    round(0.95 n), 1-based)."""
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
    }
