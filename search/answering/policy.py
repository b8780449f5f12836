"""Every number that decides what an answer shows, in one record, each with where its
value comes from. The decision's coefficients are fitted by
`benchmarks/fit_answer_policy.py` (docs/evaluation.md, "A learned answer"); a user or
`newsdesk eval` can pass another policy."""

from __future__ import annotations

from dataclasses import dataclass

from search.answering.features import FEATURES


@dataclass(frozen=True)
class AnswerPolicy:
    # The scorer (index/derived/cross_encoder.py); None is the shipped INT8
    # ms-marco-MiniLM-L-12-v2. The coefficients below are fitted to its logits: another
    # scorer wants its own fit (benchmarks/fit_answer_policy.py --scorer).
    scorer: str | None = None
    # Chunks whose sentences are scored, at most `per_document` of one document: 6
    # chunks are ~36 spans, ~400 ms of the scorer on one thread (docs/benchmarks.md);
    # their spans hold the answer for 80 % of the rtqa cut's tuning questions, the top
    # 10 passages for 77 % (docs/evaluation.md). Set by hand from those two figures.
    chunks: int = 6
    per_document: int = 2
    # A span of fewer words cannot answer ("Read more."), and a feed teaser of fewer
    # than `teaser_words` cut off by an ellipsis says nothing yet (seen in the SCMP feed).
    min_words: int = 5
    teaser_words: int = 12
    # Logistic decision P(the archive answers | lead span) = σ(intercept + weights ·
    # features), features in search/answering/features.py FEATURES order: fitted
    # 2026-12-07 by benchmarks/fit_answer_policy.py on 120 rtqa-2025 tuning questions,
    # the 30 + 11 of our set's tuning half and 161 cross-archive questions
    # (docs/evaluation.md, "A learned answer").
    intercept: float = -2.0905
    weights: tuple[float, ...] = (0.3645, 1.7847, -0.1555, 0.3066, 0.2861)
    # The lead must reach this probability, else "nothing found": the lowest threshold
    # refusing the most of our tuning half's unanswerable questions (10 of 11) while
    # refusing at most 10 % of its answerable ones (1 of 30), same fit.
    threshold: float = 0.5892
    # At most this many spans; a further one only within `add_within` logits of the
    # lead, adding what the chosen ones lack (the kind asked, or question terms worth
    # `adds_share` of its idf), and not repeating them (term overlap > `redundancy`):
    # `add_within` and `adds_share` chosen on the tuning halves from a 4 × 3 grid (same
    # fit); `redundancy` 0.6 and `max_spans` 3 set by hand, not tuned.
    max_spans: int = 3
    add_within: float = 2.0
    adds_share: float = 0.1
    redundancy: float = 0.6
    # "Latest" questions: among spans that pass the threshold and score within this of
    # the best, the newest report leads (set by hand: a logit gap of 3 is about the
    # spread of answering spans in one question; not tuned, too few latest questions).
    latest_within: float = 3.0

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"the answer policy needs {len(FEATURES)} weights: {FEATURES}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"the answer threshold {self.threshold} is not a probability")
