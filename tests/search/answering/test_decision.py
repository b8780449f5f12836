"""The answer's decision and selection, without a model: a policy with plain weights
over hand-made spans (fast; the real scorer is tested in test_answering.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from index.documents import DocumentSummary
from index.text.analyzer import analyze
from search.answering.candidates import Candidate
from search.answering.decision import judge, probability, select
from search.answering.features import SpanFeatures
from search.answering.policy import AnswerPolicy
from search.evidence import Unit
from search.question import profile
from search.types import Passage, Scores

# Only the logit counts: P = σ(logit − 2), so a span answers above logit 2.
LOGIT_ONLY = AnswerPolicy(intercept=-2.0, weights=(1.0, 0, 0, 0, 0), threshold=0.5)


def _span(text: str, doc: str, published: str = "2026-01-01", start: int = 0) -> Candidate:
    summary = DocumentSummary(
        doc,
        f"Headline {doc}",
        "Outlet",
        (),
        datetime.fromisoformat(published).replace(tzinfo=UTC),
        None,
    )
    passage = Passage(1, f"{doc}-0", summary, text, start, start + len(text), Scores(1.0))
    return Candidate(Unit(passage, start, start + len(text), text, 1), text)


def _features(span: Candidate, logit: float, kind_held: bool = False) -> SpanFeatures:
    terms = frozenset(analyze(span.unit.text))
    return SpanFeatures(logit, 1.0, 1.0, float(kind_held), float(not kind_held), terms)


def _choose(spans, features, question="Who leads the company?", latest=False, policy=None):
    policy = policy or LOGIT_ONLY
    asked = profile(question)
    rarity = {t: 1.0 for t in asked.terms}
    return select(policy, judge(policy, spans, features), asked, rarity, latest)


def test_the_scorers_best_span_leads_whatever_words_it_shares_with_the_question():
    spans = [_span("The company named a chief.", "a"), _span("Zhou Zixue took over.", "b")]
    chosen = _choose(spans, [_features(spans[0], 3.0), _features(spans[1], 9.0)])
    assert chosen[0].span.unit.text == "Zhou Zixue took over."


def test_nothing_found_when_the_best_span_is_below_the_threshold():
    spans = [_span("Nothing to see.", "a"), _span("Still nothing.", "b")]
    assert _choose(spans, [_features(spans[0], 1.0), _features(spans[1], 1.5)]) == []
    below, at = _features(spans[1], 1.5), _features(spans[1], 2.0)
    assert probability(LOGIT_ONLY, below) < 0.5 <= probability(LOGIT_ONLY, at)


def test_a_second_span_joins_only_when_it_is_close_and_adds_the_kind_asked():
    lead = _span("The company said its leadership would change soon.", "a")
    adds = _span("Wang Lei, a former banker, becomes chief executive.", "b")
    far = _span("Li Na was named chair of the board last year.", "c")
    features = [_features(lead, 8.0), _features(adds, 7.0, True), _features(far, 3.0, True)]
    chosen = _choose([lead, adds, far], features)
    assert [c.span.unit.text for c in chosen] == [lead.unit.text, adds.unit.text]


def test_a_span_saying_the_same_again_is_not_added():
    first = _span("Wang Lei becomes chief executive of the company.", "a")
    again = _span("Wang Lei becomes chief executive of the company, 2 people said.", "b")
    # Held alone, `again` adds the kind the lead lacks: only its repeating words keep it out.
    chosen = _choose([first, again], [_features(first, 8.0), _features(again, 7.9, True)])
    assert len(chosen) == 1


def test_latest_questions_lead_with_the_newest_report_among_near_best_spans():
    old = _span("Nexperia and Wingtech met in court.", "old", "2026-01-15")
    new = _span("Nexperia and Wingtech agreed an interim deal.", "new", "2026-04-20")
    features = [_features(old, 8.0), _features(new, 6.5)]
    chosen = _choose([old, new], features, "latest on Nexperia?", True)
    assert chosen[0].span.unit.passage.doc_id == "new"
    plain = _choose([old, new], features, "latest on Nexperia?", False)
    assert plain[0].span.unit.passage.doc_id == "old"


def test_ties_are_broken_the_same_way_every_time():
    spans = [_span("Same score here.", "b"), _span("Same score there.", "a")]
    features = [_features(span, 5.0) for span in spans]
    orders = {
        tuple(j.span.unit.passage.doc_id for j in judge(LOGIT_ONLY, spans, features))
        for _ in range(5)
    }
    assert orders == {("a", "b")}
