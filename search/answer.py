"""Extractive answers: a few sentences from the top passages, each citing its span.

Sentences are scored for relevance to the question (cosine of sentence and question
embeddings, plus the share of question terms the sentence contains), then picked by
maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998) so that a second
sentence adds something the first did not say. Nothing is said that cannot be cited:
every answer sentence is a verbatim span of a document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.derived.embedding import Embedder
from index.text.analyzer import analyze
from index.text.sentences import sentence_spans
from search.retriever import Ranking, Retriever
from search.types import Answer, AnswerSentence, Citation, Filters, Passage

NOT_FOUND = "Nothing in the archive answers this question."


@dataclass(frozen=True)
class AnswerConfig:
    """`min_relevance`: the best sentence must reach it or the answer is "not found"
    (calibrated on the evaluation sets, docs/evaluation.md). `keep_within`: later
    sentences must score within this margin of the best one."""

    passages: int = 8
    max_sentences: int = 3
    min_relevance: float = 0.5
    keep_within: float = 0.2
    lexical_weight: float = 0.3
    mmr_lambda: float = 0.7
    min_words: int = 5


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    start: int
    end: int
    text: str
    relevance: float


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        embedder: Callable[[], Embedder],
        config: AnswerConfig | None = None,
    ) -> None:
        """`embedder` returns the sentence embedder when first needed (it loads lazily)."""
        self.retriever = retriever
        self._embedder = embedder
        self.config = config or AnswerConfig()

    def ask(
        self, question: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None
    ) -> Answer:
        if not question.strip():
            return Answer(question, False, (), (), (), "Ask a question.")
        limit = self.config.passages
        ranking = self.retriever.rank(question, max(k, limit * 4), mode, filters)
        passages = tuple(self.retriever.passages(ranking, max(k, 1)))
        candidates = self._candidates(question, self._pool(ranking))
        if not candidates or candidates[0].relevance < self.config.min_relevance:
            return Answer(question, False, (), (), passages, NOT_FOUND)
        chosen = self._select(candidates)
        citations = tuple(
            Citation(number, c.passage, c.start, c.end, c.text)
            for number, c in enumerate(chosen, start=1)
        )
        sentences = tuple(AnswerSentence(c.text, number) for number, c in enumerate(chosen, 1))
        return Answer(question, True, sentences, citations, passages)

    def _pool(self, ranking: Ranking) -> tuple[Passage, ...]:
        """The best chunks before collapsing, at most two per document: the sentence that
        answers may sit in a document's second-best chunk, and the pool should still
        span several documents."""
        limit = self.config.passages
        ranked = self.retriever.passages(ranking, limit * 4, collapse=False)
        per_document: dict[str, int] = {}
        pool = []
        for passage in ranked:
            if per_document.get(passage.doc_id, 0) < 2:
                per_document[passage.doc_id] = per_document.get(passage.doc_id, 0) + 1
                pool.append(passage)
            if len(pool) == limit:
                break
        return tuple(pool)

    def _candidates(self, question: str, passages: tuple[Passage, ...]) -> list[_Candidate]:
        spans = []
        seen: set[tuple[str, int]] = set()
        for passage in passages:
            for start, end in sentence_spans(passage.text):
                text = passage.text[start:end]
                key = (passage.doc_id, passage.start + start)
                if len(text.split()) >= self.config.min_words and key not in seen:
                    seen.add(key)
                    spans.append((passage, passage.start + start, passage.start + end, text))
        if not spans:
            return []
        cosines = self._embedder().similarities(question, [text for *_, text in spans])
        terms = set(analyze(question))
        candidates = []
        for (passage, start, end, text), cosine in zip(spans, cosines, strict=True):
            overlap = len(terms & set(analyze(text))) / len(terms) if terms else 0.0
            weight = self.config.lexical_weight
            relevance = (1 - weight) * cosine + weight * overlap
            candidates.append(_Candidate(passage, start, end, text, relevance))
        candidates.sort(key=lambda c: (-c.relevance, c.passage.chunk_id, c.start))
        return candidates

    def _select(self, candidates: list[_Candidate]) -> list[_Candidate]:
        floor = candidates[0].relevance - self.config.keep_within
        pool = [c for c in candidates if c.relevance >= floor][:20]
        similarity = self._embedder().pairwise([c.text for c in pool])
        chosen: list[int] = [0]
        lam = self.config.mmr_lambda
        while len(chosen) < min(self.config.max_sentences, len(pool)):
            best, best_value = None, None
            for i in range(len(pool)):
                if i in chosen:
                    continue
                redundancy = max(similarity[i][j] for j in chosen)
                if redundancy > 0.9:
                    continue
                value = lam * pool[i].relevance - (1 - lam) * redundancy
                if best_value is None or value > best_value:
                    best, best_value = i, value
            if best is None:
                break
            chosen.append(best)
        return [pool[i] for i in chosen]
