"""Recency, newest-first and outlet spreading on small rankings."""

from __future__ import annotations

from datetime import UTC, datetime

from index.documents import Dateline
from search.diversity import by_source
from search.recency import Recency, newest_first, recency_boost

AS_OF = datetime(2026, 4, 30, tzinfo=UTC)


def _dateline(source: str | None, day: str | None) -> Dateline:
    published = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else None
    return Dateline(source, published)


DATELINES = {
    "a": _dateline("SCMP", "2026-03-08"),
    "b": _dateline("SCMP", "2026-01-15"),
    "c": _dateline("SCMP", "2026-03-21"),
    "d": _dateline("Caixin", "2019-06-03"),
    "e": _dateline(None, None),
}
DOC_OF = {0: "a", 1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}.__getitem__
FUSED = {0: 0.9, 1: 0.85, 2: 0.7, 3: 0.5, 4: 0.45, 5: 0.1}
ORDERED = [0, 1, 2, 3, 4, 5]


def test_recency_boost_decays_with_age_and_skips_later_and_undated_reports():
    boosted = recency_boost(FUSED, DOC_OF, DATELINES, AS_OF, Recency(weight=0.1, half_life_days=14))
    gain = {row: boosted[row] - FUSED[row] for row in FUSED}
    assert gain[3] > gain[0] > gain[2] > gain[4] >= 0
    assert gain[5] == 0
    later = recency_boost(FUSED, DOC_OF, DATELINES, datetime(2026, 1, 1, tzinfo=UTC), Recency())
    assert later[3] == FUSED[3]  # published after the as-of date: no boost


def test_newest_first_moves_relevant_reports_only_and_keeps_chunk_order():
    ordered = newest_first(ORDERED, FUSED, DOC_OF, DATELINES, Recency(latest_floor=0.5))
    assert ordered == [3, 0, 1, 2, 4, 5]  # d (0.45) is under half of the best score


def test_outlet_spread_lets_other_outlets_up_without_losing_any_result():
    ordered = by_source(ORDERED, FUSED, DOC_OF, DATELINES, decay=0.5)
    assert sorted(ordered) == ORDERED
    docs = list(dict.fromkeys(DOC_OF(row) for row in ordered))
    assert docs[:2] == ["a", "d"] and ordered[:2] == [0, 1]
    unchanged = by_source(ORDERED, FUSED, DOC_OF, DATELINES, decay=1.0)
    assert unchanged == ORDERED
