"""Running every labeled query in every mode, collecting what the metrics need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from eval.datasets import Dataset, Query
from index.searchindex import NewsIndex
from search.answer import Answerer
from search.retriever import RetrievalConfig, Retriever
from search.types import Filters

MODES = ("bm25", "dense", "hybrid", "weighted")
DOC_DEPTH = 100
CHUNKS_PER_QUERY = 400


@dataclass(frozen=True)
class QueryRun:
    """One query in one mode: documents in rank order (chunks collapsed to their
    document by best rank), the top passage texts, and the extractive answer."""

    query_id: str
    doc_ids: tuple[str, ...]
    passage_texts: tuple[str, ...]
    answer_text: str | None
    answer_found: bool | None


def _retriever(index: NewsIndex, mode: str, config: RetrievalConfig) -> tuple[Retriever, str]:
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    if mode == "weighted":
        return Retriever(index, replace(config, fusion="weighted")), "hybrid"
    return Retriever(index, config), mode


def _filters(query: Query, as_of: bool) -> Filters | None:
    if not as_of or query.date is None:
        return None
    return Filters(until=query.date + timedelta(days=1) - timedelta(microseconds=1))


def run_mode(
    index: NewsIndex,
    queries: Sequence[Query],
    mode: str,
    config: RetrievalConfig | None = None,
    as_of: bool = False,
    with_answers: bool = False,
) -> list[QueryRun]:
    retriever, search_mode = _retriever(index, mode, config or RetrievalConfig())
    answerer = Answerer(retriever)
    runs = []
    for query in queries:
        filters = _filters(query, as_of)
        chunks = retriever.search(query.text, CHUNKS_PER_QUERY, search_mode, filters, False)
        doc_ids: list[str] = []
        for passage in chunks:
            if passage.doc_id not in doc_ids:
                doc_ids.append(passage.doc_id)
        answer = answerer.ask(query.text, 5, search_mode, filters) if with_answers else None
        runs.append(
            QueryRun(
                query.query_id,
                tuple(doc_ids[:DOC_DEPTH]),
                tuple(p.text for p in chunks[:10]),
                " ".join(s.text for s in answer.sentences) if answer else None,
                answer.found if answer else None,
            )
        )
    return runs


def labeled_queries(dataset: Dataset, labels: dict[str, dict[str, int]], limit: int | None):
    queries = [q for q in dataset.queries if q.query_id in labels]
    return queries[:limit] if limit else queries
