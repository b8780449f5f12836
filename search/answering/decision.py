"""The decision: each span's probability of holding the answer (a logistic model over
its features, Platt-style calibration of the scorer's logit — Platt, "Probabilistic
Outputs for Support Vector Machines", 1999), "nothing found" when the best span falls
below the policy's threshold, and the spans an answer shows: the lead, then only
spans that score near it and add what it lacks (maximal marginal relevance, Carbonell
& Goldstein, SIGIR 1998)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search.answering.candidates import Candidate
from search.answering.features import SpanFeatures
from search.answering.policy import AnswerPolicy
from search.question import QuestionProfile


@dataclass(frozen=True)
class Judged:
    """A span, its features and its probability of holding the answer."""

    span: Candidate
    features: SpanFeatures
    probability: float


def probability(policy: AnswerPolicy, features: SpanFeatures) -> float:
    z = policy.intercept + sum(
        w * x for w, x in zip(policy.weights, features.vector(), strict=True)
    )
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def judge(
    policy: AnswerPolicy, spans: Sequence[Candidate], features: Sequence[SpanFeatures]
) -> list[Judged]:
    """The spans with their probabilities, best first by the scorer's logit (the model
    that read question and span together decides which span leads); ties by chunk and
    offset so the order is the same on every run."""
    judged = [
        Judged(span, feature, probability(policy, feature))
        for span, feature in zip(spans, features, strict=True)
    ]
    judged.sort(key=lambda j: (-j.features.logit, j.span.unit.passage.chunk_id, j.span.unit.start))
    return judged


def select(
    policy: AnswerPolicy,
    judged: Sequence[Judged],
    question: QuestionProfile,
    rarity: Mapping[str, float],
    latest: bool,
) -> list[Judged]:
    """The spans the answer shows, lead first; empty for "nothing found" (the best
    span's probability below the policy's threshold)."""
    if not judged or judged[0].probability < policy.threshold:
        return []
    lead = _newest(policy, judged) if latest else judged[0]
    chosen = [lead]
    total = sum(rarity.get(t, 0.0) for t in question.terms) or 1.0
    for candidate in judged:
        if len(chosen) == policy.max_spans:
            break
        if candidate is lead or candidate.probability < policy.threshold:
            continue
        if candidate.features.logit < lead.features.logit - policy.add_within:
            continue
        if any(_overlaps(candidate, c) or _repeats(policy, candidate, c) for c in chosen):
            continue
        if _adds(candidate, chosen, question, rarity, total, policy.adds_share):
            chosen.append(candidate)
    return chosen


def _newest(policy: AnswerPolicy, judged: Sequence[Judged]) -> Judged:
    """Among spans that pass and score near the best, the newest report's best."""
    best = max(j.features.logit for j in judged)
    near = [
        j
        for j in judged
        if j.probability >= policy.threshold and j.features.logit >= best - policy.latest_within
    ]
    dated = [j for j in near if j.span.unit.passage.published is not None]
    if not dated:
        return judged[0]
    newest = max(j.span.unit.passage.published for j in dated)
    return next(j for j in dated if j.span.unit.passage.published == newest)


def _overlaps(first: Judged, second: Judged) -> bool:
    a, b = first.span.unit, second.span.unit
    return a.passage.doc_id == b.passage.doc_id and a.start < b.end and b.start < a.end


def _repeats(policy: AnswerPolicy, first: Judged, second: Judged) -> bool:
    """Whether two spans say mostly the same words (Jaccard overlap of their terms)."""
    a, b = first.features.terms, second.features.terms
    return bool(a and b) and len(a & b) / len(a | b) > policy.redundancy


def _adds(candidate, chosen, question, rarity, total, share) -> bool:
    """Whether the span holds what the chosen ones lack: the kind asked for, or
    question terms worth at least `share` of the question's idf."""
    if candidate.features.kind_held and not any(c.features.kind_held for c in chosen):
        return True
    asked = set(question.terms)
    covered = set().union(*(asked & c.features.terms for c in chosen))
    new = (asked & candidate.features.terms) - covered
    return sum(rarity.get(t, 0.0) for t in new) / total >= share
