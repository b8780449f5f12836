"""Spreading the top results over outlets, so that a story covered by several shows
who covered it rather than seven reports from one outlet.

Greedy re-ranking in the manner of maximal marginal relevance (Carbonell & Goldstein,
SIGIR 1998) with the outlet as the only redundancy: each next document is the one
with the best score · decay^(documents already chosen from its outlet).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.documents import DocumentSummary

SOURCE_DECAY = 0.8
# Only the head of the ranking is re-ordered; deeper results keep their rank order.
DIVERSIFY_DEPTH = 50


def by_source(
    ordered: Sequence[int],
    fused: dict[int, float],
    doc_of: Callable[[int], str],
    summaries: dict[str, DocumentSummary],
    decay: float = SOURCE_DECAY,
) -> list[int]:
    """Rows re-ordered document by document; each document's rows stay together in
    their order at its first place. Undated, unattributed documents are each their own
    outlet."""
    rows_of: dict[str, list[int]] = {}
    for row in ordered:
        rows_of.setdefault(doc_of(row), []).append(row)
    documents = list(rows_of)
    head, tail = documents[:DIVERSIFY_DEPTH], documents[DIVERSIFY_DEPTH:]
    score = {d: fused[rows_of[d][0]] for d in head}
    outlet = {d: _outlet(summaries.get(d), d) for d in head}
    position = {d: place for place, d in enumerate(head)}
    chosen: list[str] = []
    shown: dict[str, int] = {}
    remaining = list(head)
    while remaining:
        best = max(remaining, key=lambda d: (_value(score[d], decay, shown.get(outlet[d], 0)),
                                             -position[d]))  # fmt: skip
        remaining.remove(best)
        chosen.append(best)
        shown[outlet[best]] = shown.get(outlet[best], 0) + 1
    return [row for d in chosen + tail for row in rows_of[d]]


def _value(score: float, decay: float, already: int) -> float:
    return score * decay**already if score >= 0 else score / decay**already


def _outlet(summary: DocumentSummary | None, doc_id: str) -> str:
    source = summary.source if summary else None
    return source.casefold() if source else f"\0{doc_id}"
