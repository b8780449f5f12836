"""Running every labeled query in every mode, collecting what the metrics need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from eval.choices import choice_credit, choice_support
from eval.datasets import Dataset, Query
from index.newsindex import NewsIndex
from search.answer import Answerer
from search.answering.policy import AnswerPolicy
from search.plan import SearchPlan, make_plan
from search.retriever import RetrievalConfig, Retriever
from search.types import MODES, Mode, SearchRequest, end_of_day

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
    choice_credit: float | None = None


def _retriever(index: NewsIndex, mode: str, config: RetrievalConfig) -> tuple[Retriever, str]:
    if mode not in EVAL_MODES:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(EVAL_MODES)}")
    if mode == "weighted":
        return Retriever(index, replace(config, fusion="weighted", fuse_level="chunk")), "hybrid"
    if mode == "rrf":
        return Retriever(index, replace(config, fusion="rrf", fuse_level="chunk")), "hybrid"
    return Retriever(index, config), mode


def _plan(
    query: Query,
    as_of: bool,
    diversify: bool,
    question_dates: bool = True,
    mode: Mode = "hybrid",
) -> SearchPlan:
    """As of the query's date (reports after it left out, recent ones favoured, the
    question's own dates applied), or the question as written."""
    if as_of and query.date is not None:
        moment = end_of_day(query.date)
        request = SearchRequest(
            query.text,
            mode=mode,
            as_of=moment,
            question_dates=question_dates,
            diversify=diversify,
        )
        return make_plan(request)
    return SearchPlan(query.text, diversify=diversify, mode=mode)


def run_mode(
    index: NewsIndex,
    queries: Sequence[Query],
    mode: str,
    config: RetrievalConfig | None = None,
    as_of: bool = False,
    with_answers: bool = False,
    answering: AnswerPolicy | None = None,
    diversify: bool = False,
    question_dates: bool = True,
) -> list[QueryRun]:
    retriever, search_mode = _retriever(index, mode, config or RetrievalConfig())
    answerer = Answerer(retriever, policy=answering)
    return [
        _run(
            query,
            retriever,
            answerer,
            search_mode,
            _plan(query, as_of, diversify, question_dates, search_mode),
            with_answers,
        )
        for query in queries
    ]


def _run(query, retriever, answerer, search_mode, plan, with_answers) -> QueryRun:
    # One result per document, ranked by its best chunk; near-duplicates stay separate
    # documents here because the labels judge each one.
    ranking = retriever.rank_plan(plan, DOC_DEPTH)
    documents = retriever.passages(ranking, DOC_DEPTH, collapse=True, merge_near_duplicates=False)
    answer = answerer.ask(plan) if with_answers else None
    texts = tuple(p.text for p in documents[:10])
    answer_text = " ".join(s.text for s in answer.sentences) if answer else None
    phrase = answer.sentences[0].phrase if answer and answer.sentences else None
    credit = None
    if query.choices and query.gold_choices:
        support = choice_support(query.choices, texts, answer_text, phrase and phrase.text)
        credit = choice_credit(support, query.gold_choices)
    return QueryRun(
        query.query_id,
        tuple(p.doc_id for p in documents[:DOC_DEPTH]),
        texts,
        answer_text,
        answer.found if answer else None,
        credit,
    )


def labeled_queries(dataset: Dataset, labels: dict[str, dict[str, int]], limit: int | None):
    queries = [q for q in dataset.queries if q.query_id in labels]
    return queries[:limit] if limit else queries
