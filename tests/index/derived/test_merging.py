"""The merge policy: which adjacent segments are merged next (index/derived/merging.py)."""

from __future__ import annotations

from index.derived.manifest import SegmentEntry
from index.derived.merging import MERGE_FACTOR, choose


def segments(*rows: int, deleted: dict[int, int] | None = None) -> list[SegmentEntry]:
    deleted = deleted or {}
    return [SegmentEntry(f"s{n}", r, deleted.get(n, 0)) for n, r in enumerate(rows)]


def test_ten_small_segments_after_a_large_one_are_merged():
    entries = segments(500_000, *[40] * MERGE_FACTOR)
    assert choose(entries) == range(1, 1 + MERGE_FACTOR)
    assert choose(segments(500_000, *[40] * (MERGE_FACTOR - 1))) is None, "nine wait"


def test_a_mostly_deleted_segment_is_written_again_alone():
    entries = segments(500_000, 30_000, 40, deleted={1: 12_000})
    assert choose(entries) == range(1, 2)


def test_the_segment_count_stays_bounded_whatever_the_sizes():
    # Alternating tiers never make ten adjacent of one tier.
    entries = segments(*[40, 5_000] * (MERGE_FACTOR + 1))
    chosen = choose(entries)
    assert chosen is not None and len(chosen) == MERGE_FACTOR
    assert sum(e.rows for e in entries[chosen.start : chosen.stop]) == min(
        sum(e.rows for e in entries[s : s + MERGE_FACTOR])
        for s in range(len(entries) - MERGE_FACTOR + 1)
    )


def test_a_segment_waiting_for_vectors_is_not_merged():
    entries = segments(500_000, *[40] * MERGE_FACTOR)
    entries[3] = SegmentEntry(entries[3].name, 40, 0, pending=40)
    assert choose(entries) is None, "its fill would rewrite the merged segment's vectors"
