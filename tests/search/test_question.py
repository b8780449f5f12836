"""What a question asks for, and which sentences hold it."""

from __future__ import annotations

import pytest

from search.evidence import leans_on_previous
from search.mentions import holds
from search.question import profile, question_kind


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Who heads the China Semiconductor Industry Association?", "person"),
        ("Which senators warned about TikTok?", "person"),
        ("How much will TSMC's Arizona plant cost?", "quantity"),
        ("For how long are the pandas lent to Moscow?", "quantity"),
        ("What share of Canadians viewed China positively?", "quantity"),
        ("When will the US raise its tariffs?", "date"),
        ("In which city was Meng Wanzhou detained?", "place"),
        ("Why did the IEEE lift its ban?", "reason"),
        ("Did TSMC accept Huawei's order?", "polar"),
        ("Which chemical is the probe about?", "entity"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_constraints_are_the_names_and_numbers_asked_about():
    asked = profile("What did Huawei report as its 2025 revenue?")
    assert asked.constraints == (("huawei",), ("2025",))
    assert "revenu" in asked.focus and "much" not in asked.terms
    assert profile("Who is Meng Wanzhou?").constraints == (("meng", "wanzhou"),)


def test_sentences_hold_the_kind_asked_for_beyond_the_question():
    terms = set(profile("Who heads the China Semiconductor Industry Association?").terms)
    assert holds("person", "The association’s head is Zhou Zixue, chairman of SMIC.", terms)
    assert not holds("person", "The association has a new head.", terms)
    assert holds("quantity", "It plans a $12 billion plant.", set())
    assert holds("date", "The board aims to finish by Oct. 4.", set())
    assert holds("place", "Meng was detained in Vancouver.", {"meng"})


@pytest.mark.parametrize(
    "sentence,leans",
    [
        ("However, sources from Japan said TSMC has refused that order.", True),
        ("It’s a reversal of a ban enacted by the IEEE last week.", True),
        ("“We believe there has to be scrutiny,” he said.", True),
        ("No I can’t,” Huawei Chief Security Officer Andy Purdy said.", True),
        ("The association’s head is Zhou Zixue.", False),
        ("TSMC received a US$700 million emergency order from Huawei.", False),
    ],
)
def test_leaning_sentences(sentence, leans):
    assert leans_on_previous(sentence) is leans
