"""The answer phrase: the fact in the lead span the question asks for, with exact
document offsets (fast: patterns only)."""

from __future__ import annotations

import pytest

from search.answering.phrase import answer_phrase
from search.evidence import Unit
from search.question import profile
from tests.search.answering.test_decision import _span

CASES = [
    (
        "Who chairs the House Foreign Affairs Committee?",
        "The action has put Representative Brian Mast, the Republican chair of the House "
        "Foreign Affairs Committee, on a collision course.",
        "Brian Mast",
    ),
    (
        "Which Chinese vice-premier did Scott Bessent meet in Davos?",
        "US Treasury Secretary Scott Bessent said on Tuesday that he met with Chinese "
        "Vice-Premier He Lifeng a day earlier.",
        "He Lifeng",
    ),
    (
        "When will the US raise its tariffs on Chinese semiconductors?",
        "On Tuesday, the trade office said it would raise the tariffs on June 23, 2027.",
        "June 23, 2027",
    ),
    (
        "What will Nvidia's headquarters in Taiwan cost?",
        "Taiwan has cleared Nvidia to set up a NT$3.3 billion (US$105 million) headquarters.",
        "NT$3.3 billion",
    ),
    (
        "How old is the Bulgarian economist nominated to lead the IMF?",
        "Georgieva, a 66-year-old Bulgarian economist, has served at the World Bank.",
        "66-year-old",
    ),
    (
        "Where did Jensen Huang celebrate Lunar New Year?",
        "Jensen Huang marked the coming Lunar New Year with employees in Shanghai on Saturday.",
        "Shanghai",
    ),
]


@pytest.mark.parametrize("question,sentence,expected", CASES)
def test_the_phrase_is_the_fact_asked_for_at_exact_offsets(question, sentence, expected):
    document = "Earlier text. " + sentence
    start = document.index(sentence)
    span = _span(sentence, "d", start=start)
    phrase = answer_phrase(profile(question), span.unit)
    assert phrase is not None and phrase.text == expected
    assert document[phrase.start : phrase.end] == expected
    assert start <= phrase.start < phrase.end <= start + len(sentence)


def test_no_phrase_for_why_and_yes_no_questions_or_when_the_span_has_none():
    unit: Unit = _span("The company refused the order because of the rules.", "d").unit
    assert answer_phrase(profile("Why did TSMC refuse the order?"), unit) is None
    assert answer_phrase(profile("Did TSMC take the order?"), unit) is None
    assert answer_phrase(profile("How much did the order cost?"), unit) is None
