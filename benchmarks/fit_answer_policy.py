"""Fit the answer decision (search/answering/policy.py) on tuning questions only, and
report it on questions it never saw (run on demand; docs/evaluation.md).

    python benchmarks/fit_answer_policy.py --rtqa DATASET_DIR [--demo-index DIR]
        [--scorer NAME] [--refuse-at-most 0.08] [--out fit.json]

Tuning questions: every other labeled rtqa-2025 question (positions 0, 2, 4, … in
queries.jsonl order), asked as of its quiz date; the "tune" half of our answer set
(tests/data/answers) over the bundled corpus; and, as questions the archive cannot
answer, the rtqa tuning questions asked of the bundled corpus and our tuning questions
asked of the rtqa corpus. Every candidate span is scored once; the logistic model is
fitted on the spans (label: the span holds a gold answer string), the threshold is
the highest that refuses at most `--refuse-at-most` of the answerable tuning
questions. The test halves (odd rtqa positions, our "test" split) are then scored
with the fitted policy by the same judge and select the answerer runs.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from eval.answerset import load_answer_set
from eval.datasets import load_dataset
from eval.prepare import IndexParams, prepare_index
from index.corpus import demo_corpus_dir
from index.ids import normalize_text
from index.newsindex import NewsIndex
from search.answering.decision import judge, select
from search.answering.features import FEATURES
from search.answering.policy import AnswerPolicy
from search.answering.scorer import LazyScorer
from search.plan import make_plan
from search.retriever import Retriever
from search.types import SearchRequest, end_of_day

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "answers" / "questions.jsonl"


@dataclass(frozen=True)
class Asked:
    """One question asked of one archive: its candidate spans' features and labels,
    whether it counts as answerable there, and what a policy needs to re-select."""

    name: str
    answerable: bool
    spans: list  # Candidate
    features: list  # SpanFeatures
    labels: list[bool]
    question: object  # QuestionProfile
    rarity: dict
    latest: bool


def ask_all(index: NewsIndex, scorer, items, name: str, policy: AnswerPolicy) -> list[Asked]:
    """items: (text, answers, as_of, question_dates)."""
    from search.answering.candidates import candidates
    from search.answering.features import span_features
    from search.question import profile

    retriever = Retriever(index)
    out = []
    for text, answers, as_of, question_dates in items:
        plan = make_plan(SearchRequest(text, as_of=as_of, question_dates=question_dates))
        ranking = retriever.rank_plan(plan, policy.chunks * 4)
        question = profile(plan.query)
        spans = candidates(
            retriever,
            ranking,
            policy.chunks,
            policy.per_document,
            policy.min_words,
            policy.teaser_words,
        )
        if not spans or not question.terms:
            out.append(Asked(name, bool(answers), [], [], [], question, {}, plan.latest))
            continue
        logits = scorer.score(plan.query, [s.scored_text for s in spans])
        rarity = ranking.generation.rarity(question.terms)
        features = span_features(question, rarity, spans, logits)
        wanted = [normalize_text(a) for a in answers if a.strip()]
        labels = [any(w in normalize_text(s.unit.text) for w in wanted) for s in spans]
        out.append(
            Asked(name, bool(answers), spans, features, labels, question, rarity, plan.latest)
        )
    return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0, steps: int = 100
):
    """Weighted, L2-regularised logistic regression by Newton's method (IRLS); the
    intercept is not penalised. x: (n, d) float64, y and weight: (n,); returns
    (intercept, weights (d,))."""
    n, d = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    beta = np.zeros(d + 1)
    penalty = np.eye(d + 1) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -60, 60)))
        gradient = design.T @ (weight * (p - y)) + penalty @ beta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(beta[0]), beta[1:]


def lead_vector(asked: Asked) -> tuple[float, ...] | None:
    if not asked.spans:
        return None
    best = max(range(len(asked.spans)), key=lambda i: asked.features[i].logit)
    return asked.features[best].vector()


def fit_decision(base: AnswerPolicy, tune: dict[str, list[Asked]], tempting: float):
    """The policy with the decision's coefficients fitted on the tuning questions."""
    x, y, weight = [], [], []
    for name, group in tune.items():
        for asked in group:
            vector = lead_vector(asked)
            if vector is not None:
                x.append(vector)
                y.append(float(asked.answerable))
                own_negative = name == "own" and not asked.answerable
                weight.append(tempting if own_negative else 1.0)
    intercept, weights = fit_logistic(np.array(x), np.array(y), np.array(weight))
    return replace(
        base, intercept=round(intercept, 4), weights=tuple(round(float(w), 4) for w in weights)
    )


def choose_threshold(policy: AnswerPolicy, own: list[Asked], refuse_at_most: float):
    """The lowest threshold that refuses the most unanswerable questions while refusing
    at most `refuse_at_most` of the answerable ones."""
    leads = {id(a): lead_probability(policy, a) for a in own}
    answerable = [leads[id(a)] for a in own if a.answerable]
    unanswerable = [leads[id(a)] for a in own if not a.answerable]
    best = (-1, 0.0)
    for candidate in sorted({round(p, 4) for p in leads.values()}):
        refused = sum(p < candidate for p in answerable) / len(answerable)
        caught = sum(p < candidate for p in unanswerable)
        if refused <= refuse_at_most and caught > best[0]:
            best = (caught, candidate)
    return replace(policy, threshold=round(max(0.0, best[1] - 1e-4), 4))


def choose_adding(policy: AnswerPolicy, tune: list[Asked]) -> AnswerPolicy:
    """`add_within` and `adds_share` from a small grid, by answer-in-extract on the
    answerable tuning questions; ties go to the fewer sentences shown."""
    scored = []
    for within in (0.0, 1.0, 2.0, 3.0):
        for share in (0.1, 0.2, 0.35):
            trial = replace(policy, add_within=within, adds_share=share)
            hits = [outcome(trial, a) for a in tune if a.answerable]
            scored.append((sum(h for _, h in hits), -within, -share, trial))
    return max(scored, key=lambda row: row[:3])[3]


def outcome(policy: AnswerPolicy, asked: Asked) -> tuple[bool, bool]:
    """(answered, the shown spans hold a gold answer) under `policy`."""
    if not asked.spans:
        return False, False
    judged = judge(policy, asked.spans, asked.features)
    chosen = select(policy, judged, asked.question, asked.rarity, asked.latest)
    label = {id(s): lab for s, lab in zip(asked.spans, asked.labels, strict=True)}
    return bool(chosen), any(label[id(j.span)] for j in chosen)


def lead_probability(policy: AnswerPolicy, asked: Asked) -> float:
    if not asked.spans:
        return 0.0
    return judge(policy, asked.spans, asked.features)[0].probability


def summary(policy: AnswerPolicy, group: list[Asked]) -> dict:
    answerable = [a for a in group if a.answerable]
    unanswerable = [a for a in group if not a.answerable]
    results = [outcome(policy, a) for a in answerable]
    refused = [not outcome(policy, a)[0] for a in unanswerable]
    return {
        "answerable": len(answerable),
        "answer_in_extract": _share([hit for _, hit in results]),
        "nothing_found_answerable": _share([not answered for answered, _ in results]),
        "unanswerable": len(unanswerable),
        "unanswerable_refused": _share(refused),
    }


def _share(flags) -> float | None:
    flags = list(flags)
    return round(sum(flags) / len(flags), 3) if flags else None


def _rtqa_items(queries) -> list:
    """rtqa questions as asked by `ask_all`: as of each quiz date, its own dates ignored."""
    return [(q.text, q.answers, end_of_day(q.date) if q.date else None, False) for q in queries]


def _own_items(questions) -> list:
    return [(q.question, q.answers, q.as_of, True) for q in questions]


def _asked(rtqa_index, demo, scorer, base, rtqa_questions, own_questions, cross: bool):
    """Each group of questions asked of its archive (and, with `cross`, of the other
    archive as unanswerable)."""
    groups = {
        "rtqa": ask_all(rtqa_index, scorer, _rtqa_items(rtqa_questions), "rtqa", base),
        "own": ask_all(demo, scorer, _own_items(own_questions), "own", base),
    }
    if cross:
        groups["rtqa-on-demo"] = [
            replace(a, answerable=False)
            for a in ask_all(demo, scorer, _rtqa_items(rtqa_questions), "x", base)
        ]
        groups["own-on-rtqa"] = [
            replace(a, answerable=False)
            for a in ask_all(rtqa_index, scorer, _own_items(own_questions), "x", base)
        ]
    return groups


def _fit(base: AnswerPolicy, tune: dict, args) -> AnswerPolicy:
    fitted = fit_decision(base, tune, args.tempting_weight)
    fitted = choose_threshold(fitted, tune["own"], args.refuse_at_most)
    return choose_adding(fitted, tune["rtqa"] + tune["own"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtqa", type=Path, required=True)
    parser.add_argument("--demo-index", type=Path, default=None)
    parser.add_argument("--scorer", default=None)
    parser.add_argument("--refuse-at-most", type=float, default=0.10)
    parser.add_argument("--tempting-weight", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("answer-policy-fit.json"))
    args = parser.parse_args()
    base = AnswerPolicy(scorer=args.scorer)
    scorer = LazyScorer(args.scorer)
    dataset = load_dataset(args.rtqa)
    rtqa_index, _ = prepare_index(dataset, IndexParams())
    labeled = [q for q in dataset.queries if q.answers]
    with tempfile.TemporaryDirectory() as scratch:
        demo = NewsIndex(args.demo_index or Path(scratch))
        if demo.store.count() == 0:
            demo.add([str(demo_corpus_dir())])
        tune = _asked(
            rtqa_index, demo, scorer, base, labeled[0::2], load_answer_set(SET, "tune"), cross=True
        )
        fitted = _fit(base, tune, args)
        test = _asked(
            rtqa_index, demo, scorer, base, labeled[1::2], load_answer_set(SET, "test"), cross=False
        )
        demo.close()
    rtqa_index.close()
    report = {
        "features": FEATURES,
        "questions": sum(len(g) for g in tune.values()),
        "policy": asdict(fitted),
    }
    for name, groups in (("tune", tune), ("test", test)):
        report[name] = {group: summary(fitted, asked) for group, asked in groups.items()}
        report[f"{name}_before"] = {group: summary(base, asked) for group, asked in groups.items()}
    args.out.write_text(json.dumps(report, indent=1, default=list))
    print(json.dumps(report, indent=1, default=list))


if __name__ == "__main__":
    main()
