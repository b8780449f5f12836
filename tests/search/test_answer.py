"""Cited answers: right evidence for questions over the bundled corpus, exact citation
spans, and a plain "nothing found" when the archive does not answer."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

# Our own questions over the bundled corpus, each with a phrase that the answer must cite.
QUESTIONS = [
    (
        "What did China's commerce ministry say about the new US restrictions on Huawei?",
        "all necessary measures",
    ),
    ("Where did TSMC announce it would build a new 5nm chip factory?", "Arizona"),
    ("How many Canadians viewed China positively in the Angus Reid poll?", "14 percent"),
    ("Who was nominated as the sole candidate to lead the IMF?", "Georgieva"),
    ("How large was the emergency order Huawei placed with TSMC?", "US$700 million"),
    ("Which country replaced China as the largest holder of US Treasury debt?", "Japan"),
]
UNANSWERABLE = [
    "What is the best recipe for sourdough bread?",
    "Who won the 2018 Winter Olympics figure skating gold?",
    "How did the Delaware legislature vote on medical aid in dying?",
]


@pytest.mark.parametrize("question,evidence", QUESTIONS)
def test_answer_cites_the_sentence_with_the_evidence(demo_desk, question, evidence):
    answer = demo_desk.ask(question)
    assert answer.found, answer.message
    assert any(evidence in citation.text for citation in answer.citations)


@pytest.mark.parametrize("question", [q for q, _ in QUESTIONS] + UNANSWERABLE)
def test_every_answer_sentence_is_an_exact_cited_span(demo_desk, question):
    answer = demo_desk.ask(question)
    numbers = [c.number for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [s.citation for s in answer.sentences] == numbers
    for sentence, citation in zip(answer.sentences, answer.citations, strict=True):
        document = demo_desk.document(citation.passage.doc_id)
        assert document.text[citation.start : citation.end] == citation.text == sentence.text
        passage = citation.passage
        assert document.text[passage.start : passage.end] == passage.text
        assert passage.start <= citation.start < citation.end <= passage.end
    assert len({s.text for s in answer.sentences}) == len(answer.sentences)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_nothing_found_is_said_plainly(demo_desk, question):
    answer = demo_desk.ask(question)
    assert not answer.found
    assert answer.sentences == () and answer.citations == ()
    assert answer.message == "Nothing in the archive answers this question."


def test_empty_question_asks_for_one(demo_desk):
    answer = demo_desk.ask("   ")
    assert not answer.found and answer.message == "Ask a question."
