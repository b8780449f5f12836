"""The bundled answer set (tests/data/answers): every answer is exact, stands alone and
carries its date; unanswerable questions say nothing was found; the answer policy's
floors hold on the half it was never fitted on; and the cases reporters reported answer
as they need (issues 11 and 29)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from eval.answerset import contains_answer, load_answer_set, score_answer_set
from search.evidence import leans_on_previous

pytestmark = pytest.mark.model

SET = Path(__file__).resolve().parent.parent / "data" / "answers" / "questions.jsonl"


@pytest.fixture(scope="module")
def answered(demo_desk):
    questions = load_answer_set(SET)
    result, answers = score_answer_set(
        questions, lambda q: demo_desk.ask(q.question, as_of=q.as_of)
    )
    return questions, result, answers


def test_the_set_is_what_the_docs_describe(answered):
    questions, _, _ = answered
    kinds = {q.kind for q in questions if q.answerable}
    test = [q for q in questions if q.split == "test"]
    assert sum(q.answerable for q in test) >= 40 and sum(not q.answerable for q in test) >= 8
    assert {q.split for q in questions} == {"tune", "test"}
    assert {"who", "what", "how much", "when", "where", "why", "latest"} <= kinds


def test_the_half_never_tuned_on_is_answered_and_refused_as_documented(answered):
    questions, _, answers = answered
    test = [q for q in questions if q.split == "test"]
    answerable = [q for q in test if q.answerable]
    hits = [q.question_id for q in answerable if contains_answer(answers[q.question_id], q.answers)]
    refused = [q.question_id for q in test if not q.answerable and not answers[q.question_id].found]
    # docs/evaluation.md records the figures (43/45 and 7/9); the floors are the targets.
    assert len(hits) / len(answerable) >= 0.85, sorted(
        set(q.question_id for q in answerable) - set(hits)
    )
    assert len(refused) >= 7, refused


def test_every_cited_span_is_exact_and_stands_alone(answered, demo_desk):
    _, _, answers = answered
    for answer in answers.values():
        for sentence, citation in zip(answer.sentences, answer.citations, strict=True):
            document = demo_desk.document(citation.passage.doc_id)
            assert document.text[citation.start : citation.end] == citation.text == sentence.text
            passage = citation.passage
            assert document.text[passage.start : passage.end] == passage.text
            assert passage.start <= citation.start < citation.end <= passage.end
            assert not leans_on_previous(citation.text), citation.text
            assert sentence.published == passage.published


def _ask(desk, question: str, **options):
    return desk.ask(question, **options)


def test_the_deciding_sentence_leads(demo_desk):
    cases = {
        "Did TSMC accept Huawei's emergency chip order?": "refused",
        "How much will TSMC's Arizona plant cost?": "$12 billion",
        "Who heads the China Semiconductor Industry Association?": "Zhou Zixue",
    }
    for question, expected in cases.items():
        answer = _ask(demo_desk, question)
        assert answer.found and expected in answer.sentences[0].text, (question, answer)


def test_a_tempting_question_the_archive_cannot_answer_finds_nothing(demo_desk):
    answer = _ask(demo_desk, "What did Huawei report as its 2025 revenue?")
    assert not answer.found and answer.passages  # the nearest misses are still shown


def test_no_answer_sentence_leans_on_one_left_out(demo_desk):
    question = "What did China's commerce ministry say about the new US restrictions on Huawei?"
    answer = _ask(demo_desk, question)
    assert contains_answer(answer, ("all necessary measures",))
    assert not any(s.text.startswith("It’s") for s in answer.sentences)


def test_latest_puts_the_newest_report_first(demo_desk):
    as_of = datetime(2026, 4, 30, tzinfo=UTC)
    answer = _ask(demo_desk, "latest on Nexperia", as_of=as_of)
    assert answer.timeframe is not None and answer.timeframe.latest
    assert answer.passages[0].published.date().isoformat() == "2026-03-21"
    assert answer.sentences[0].published.date().isoformat() == "2026-03-21"
    asml = demo_desk.search("most recent report on ASML", k=5, as_of=as_of)
    dates = [p.published.date().isoformat() for p in asml if "ASML" in p.title]
    assert dates.index("2026-04-16") < dates.index("2026-01-29")


def test_a_time_the_question_names_filters_and_can_be_switched_off(demo_desk):
    question = "What did Huawei say about US restrictions in 2019?"
    answer = _ask(demo_desk, question)
    frame = answer.timeframe
    assert frame is not None and frame.phrase == "in 2019"
    assert all(frame.since <= p.published <= frame.until for p in answer.passages)
    ignored = _ask(demo_desk, question, question_dates=False)
    assert ignored.timeframe is None
    assert any(p.published.year == 2020 for p in ignored.passages if p.published)


def test_results_show_the_range_of_outlets_unless_switched_off(demo_desk):
    query = "US export controls on chips to China"
    spread = demo_desk.search(query, k=10)
    plain = demo_desk.search(query, k=10, diversify=False)
    assert {p.doc_id for p in spread} != {p.doc_id for p in plain} or spread != plain

    def most_from_one(passages):
        counts: dict[str, int] = {}
        for p in passages:
            counts[p.source or p.doc_id] = counts.get(p.source or p.doc_id, 0) + 1
        return max(counts.values())

    assert most_from_one(spread) < most_from_one(plain)
    # The demo archive has three outlets (and one report that names none): plain
    # results may already show each; spread ones must not show fewer.
    assert len({p.source for p in spread}) >= len({p.source for p in plain})


def test_an_answer_mixing_dates_says_so_oldest_first(answered):
    _, _, answers = answered
    mixed = [
        a
        for a in answers.values()
        if len({s.published.date() for s in a.sentences if s.published}) > 1
    ]
    for answer in mixed:
        assert answer.dates_note.startswith("From reports of ")
        days = sorted({s.published.date() for s in answer.sentences if s.published})
        assert answer.dates_note.index(str(days[0].year)) <= answer.dates_note.rindex(
            str(days[-1].year)
        )
