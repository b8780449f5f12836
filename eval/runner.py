"""Running every labeled query in every mode, collecting what the metrics need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from eval.datasets import Dataset, Query
from index.newsindex import NewsIndex
from search.answer import Answerer
from search.retriever import RetrievalConfig, Retriever
from search.types import MODES, Filters, end_of_day

# The search modes, and fusion of chunk rankings for comparison with the default.
EVAL_MODES = (*MODES, "rrf", "weighted")
DOC_DEPTH = 100


@dataclass(frozen=True)
class QueryRun:
    """One query in one mode: documents in rank order (chunks collapsed to their
    document by best rank), the texts of the top passages as a user sees them (each
    document's best chunk), and the extractive answer."""

    query_id: str
    doc_ids: tuple[str, ...]
    passage_texts: tuple[str, ...]
    answer_text: str | None
    answer_found: bool | None


def _retriever(index: NewsIndex, mode: str, config: RetrievalConfig) -> tuple[Retriever, str]:
    if mode not in EVAL_MODES:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(EVAL_MODES)}")
    if mode == "weighted":
        return Retriever(index, replace(config, fusion="weighted", fuse_level="chunk")), "hybrid"
    if mode == "rrf":
        return Retriever(index, replace(config, fusion="rrf", fuse_level="chunk")), "hybrid"
    return Retriever(index, config), mode


def _filters(query: Query, as_of: bool) -> Filters | None:
    if not as_of or query.date is None:
        return None
    return Filters(until=end_of_day(query.date))


def run_mode(
    index: NewsIndex,
    queries: Sequence[Query],
    mode: str,
    config: RetrievalConfig | None = None,
    as_of: bool = False,
    with_answers: bool = False,
) -> list[QueryRun]:
    retriever, search_mode = _retriever(index, mode, config or RetrievalConfig())
    answerer = Answerer(retriever, lambda: index.embedder)
    runs = []
    for query in queries:
        filters = _filters(query, as_of)
        # One result per document, ranked by its best chunk; near-duplicates stay separate
        # documents here because the labels judge each one.
        documents = retriever.search(
            query.text, DOC_DEPTH, search_mode, filters, collapse=True, merge_near_duplicates=False
        )
        doc_ids = [passage.doc_id for passage in documents]
        answer = answerer.ask(query.text, 5, search_mode, filters) if with_answers else None
        runs.append(
            QueryRun(
                query.query_id,
                tuple(doc_ids[:DOC_DEPTH]),
                tuple(p.text for p in documents[:10]),
                " ".join(s.text for s in answer.sentences) if answer else None,
                answer.found if answer else None,
            )
        )
    return runs


def labeled_queries(dataset: Dataset, labels: dict[str, dict[str, int]], limit: int | None):
    queries = [q for q in dataset.queries if q.query_id in labels]
    return queries[:limit] if limit else queries
