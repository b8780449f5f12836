"""Time in the ranking: reports from just before the "as of" moment count a little more
(news questions are mostly about the news of their day), and a question that asks for
the latest puts its relevant reports newest first.

The boost is an exponential decay of a report's age, added to the fused score
(Li & Croft, "Time-based language models", CIKM 2003, use the same exponential prior);
fused scores are min-max normalised, so the weight is a share of the top score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from index.documents import Dateline


@dataclass(frozen=True)
class Recency:
    """`weight`: the boost of a report published at the "as of" moment, halving every
    `half_life_days`; `latest_floor`: for "latest" questions, reports scoring at least
    this share of the best one, among the top `latest_pool`, are put newest first.
    Chosen on rtqa-2025 and the bundled answer set (docs/evaluation.md)."""

    weight: float = 0.2
    half_life_days: float = 7.0
    latest_floor: float = 0.45
    latest_pool: int = 10


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def recency_boost(
    fused: dict[int, float],
    doc_of: Callable[[int], str],
    datelines: Mapping[str, Dateline],
    as_of: datetime,
    recency: Recency,
) -> dict[int, float]:
    """Each row's score plus weight · 2^(−age / half-life), age in days before `as_of`
    (reports after it, and undated ones, get nothing)."""
    if recency.weight <= 0:
        return fused
    as_of = _utc(as_of)
    bonus: dict[str, float] = {}
    boosted = {}
    for row, score in fused.items():
        doc_id = doc_of(row)
        if doc_id not in bonus:
            bonus[doc_id] = _bonus(datelines.get(doc_id), as_of, recency)
        boosted[row] = score + bonus[doc_id]
    return boosted


def _bonus(dateline: Dateline | None, as_of: datetime, recency: Recency) -> float:
    published = dateline.published if dateline else None
    if published is None:
        return 0.0
    age = (as_of - _utc(published)).total_seconds() / 86_400
    return recency.weight * 0.5 ** (age / recency.half_life_days) if age >= 0 else 0.0


def newest_first(
    ordered: Sequence[int],
    fused: dict[int, float],
    doc_of: Callable[[int], str],
    datelines: Mapping[str, Dateline],
    recency: Recency,
) -> list[int]:
    """Rows with the relevant dated documents moved to the front, newest first; each
    document's rows keep their order, and the rest follow as ranked."""
    best: dict[str, float] = {}
    for row in ordered:
        best.setdefault(doc_of(row), fused[row])
    if not best:
        return list(ordered)
    top = max(best.values())
    floor = top * recency.latest_floor if top > 0 else top
    pool = list(best)[: recency.latest_pool]
    dated = [
        d
        for d in pool
        if best[d] >= floor and datelines.get(d) and datelines[d].published is not None
    ]
    dated.sort(key=lambda d: (-_utc(datelines[d].published).timestamp(), -best[d], d))
    place = {doc_id: index for index, doc_id in enumerate(dated)}
    front = [row for row in ordered if doc_of(row) in place]
    front.sort(key=lambda row: place[doc_of(row)])  # stable: chunk order within a document
    return front + [row for row in ordered if doc_of(row) not in place]
