"""Spreading the top results over outlets, so that a story covered by several shows
who covered it rather than seven reports from one outlet.

Greedy re-ranking in the manner of maximal marginal relevance (Carbonell & Goldstein,
SIGIR 1998) with the outlet as the only redundancy: each next document is the one
with the best score · decay^(documents already chosen from its outlet).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence

from index.documents import Dateline

SOURCE_DECAY = 0.8
# Only the head of the ranking is re-ordered; deeper results keep their rank order.
DIVERSIFY_DEPTH = 50


def by_source(
    ordered: Sequence[int],
    fused: dict[int, float],
    doc_of: Callable[[int], str],
    datelines: Mapping[str, Dateline],
    decay: float = SOURCE_DECAY,
) -> list[int]:
    """Rows re-ordered document by document; each document's rows stay together in
    their order at its first place. `datelines` holds (at least) the head's documents;
    an unattributed document is its own outlet."""
    rows_of: dict[str, list[int]] = {}
    for row in ordered:
        rows_of.setdefault(doc_of(row), []).append(row)
    documents = list(rows_of)
    head, tail = documents[:DIVERSIFY_DEPTH], documents[DIVERSIFY_DEPTH:]
    # Within one outlet every document carries the same decay, so the outlet's best
    # remaining document is its best-scored (earliest on ties): a heap holds each
    # outlet's best, and only the chosen outlet's next one is scored again (n log n,
    # where rescanning every remaining document was n²; the same order).
    score = [fused[rows_of[d][0]] for d in head]
    queues: dict[str, list[int]] = {}
    for place, d in enumerate(head):
        queues.setdefault(_outlet(datelines.get(d), d), []).append(place)
    for places in queues.values():
        places.sort(key=lambda place: (-score[place], place))
    heap = [
        (-_value(score[places[0]], decay, 0), places[0], outlet, 0)
        for outlet, places in queues.items()
    ]
    heapq.heapify(heap)
    chosen: list[str] = []
    while heap:
        _, place, outlet, shown = heapq.heappop(heap)
        chosen.append(head[place])
        following = queues[outlet][shown + 1 : shown + 2]
        if following:
            value = _value(score[following[0]], decay, shown + 1)
            heapq.heappush(heap, (-value, following[0], outlet, shown + 1))
    return [row for d in chosen + tail for row in rows_of[d]]


def _value(score: float, decay: float, already: int) -> float:
    return score * decay**already if score >= 0 else score / decay**already


def _outlet(dateline: Dateline | None, doc_id: str) -> str:
    source = dateline.source if dateline else None
    return source.casefold() if source else f"\0{doc_id}"
