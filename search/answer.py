"""Extractive answers: the span that answers the question first, then only what adds
to it, each a verbatim span citing its document; "nothing found" when no span is
likely enough to answer.

One structure (search/answering/): candidate spans of the best chunks → a learned
scorer reads each with the question (a cross-encoder, `Scorer`) → a fitted logistic
decision turns its logit and a few retrieval and question features into the
probability that the span answers → selection (lead, further spans that add, the
newest report for "latest" questions) → the answer phrase in the lead.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.answering.candidates import candidates
from search.answering.decision import Judged, judge, select
from search.answering.features import span_features
from search.answering.phrase import answer_phrase
from search.answering.policy import AnswerPolicy
from search.answering.scorer import LazyScorer, Scorer
from search.plan import SearchPlan
from search.question import QuestionProfile, profile
from search.retriever import Ranking, Retriever
from search.types import Answer, AnswerSentence, Citation

NOT_FOUND = "Nothing in the archive answers this question."


@dataclass(frozen=True)
class Judgement:
    """Every candidate span of one question, judged, most probable first, and what the
    answer chose of them."""

    question: QuestionProfile
    judged: tuple[Judged, ...]
    chosen: tuple[Judged, ...]


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        scorer: Scorer | None = None,
        policy: AnswerPolicy | None = None,
    ) -> None:
        """`scorer`: the model that reads (question, span) pairs; by default the
        policy's named cross-encoder, loaded on the first question."""
        self.retriever = retriever
        self.policy = policy or AnswerPolicy()
        self.scorer = scorer or LazyScorer(self.policy.scorer)

    def ask(self, plan: SearchPlan) -> Answer:
        """The answer to the plan's question (search/plan.py: its query, k, mode,
        filters, time and outlet handling) and its top k passages."""
        question, k = plan.asked, plan.k
        if not question.strip():
            return Answer(question, False, (), (), (), "Ask a question.")
        ranking = self.retriever.rank_plan(plan, max(k, self.policy.chunks * 4))
        passages = tuple(self.retriever.passages(ranking, max(k, 1)))
        judgement = self.judgement(plan, ranking)
        if not judgement.chosen:
            return Answer(question, False, (), (), passages, NOT_FOUND, plan.timeframe)
        citations = []
        for number, judged in enumerate(judgement.chosen, start=1):
            unit = judged.span.unit
            phrase = answer_phrase(judgement.question, unit) if number == 1 else None
            citations.append(
                Citation(
                    number,
                    unit.passage,
                    unit.start,
                    unit.end,
                    unit.text,
                    phrase,
                    round(judged.probability, 4),
                )
            )
        sentences = tuple(
            AnswerSentence(
                c.text, c.number, c.passage.published, c.passage.source, c.phrase, c.start
            )
            for c in citations
        )
        return Answer(question, True, sentences, tuple(citations), passages, "", plan.timeframe)

    def judgement(self, plan: SearchPlan, ranking: Ranking) -> Judgement:
        """Every candidate span of the ranking scored and judged, and the chosen ones."""
        question = profile(plan.query)
        policy = self.policy
        spans = candidates(
            self.retriever,
            ranking,
            policy.chunks,
            policy.per_document,
            policy.min_words,
            policy.teaser_words,
        )
        if not spans or not question.terms:
            return Judgement(question, (), ())
        logits = self.scorer.score(plan.query, [s.scored_text for s in spans])
        rarity = ranking.generation.rarity(question.terms)
        judged = judge(policy, spans, span_features(question, rarity, spans, logits))
        chosen = select(policy, judged, question, rarity, plan.latest)
        return Judgement(question, tuple(judged), tuple(chosen))
