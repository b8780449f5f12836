"""Multiple-choice credit from retrieved evidence."""

from __future__ import annotations

from eval.choices import choice_credit, choice_support

CHOICES = ["It was passed", "It was vetoed by the governor", "It was postponed", "Approved"]


def test_the_choice_in_the_answer_and_top_passage_wins():
    passages = ["The bill was vetoed by the governor on Friday.", "Lawmakers had passed it."]
    support = choice_support(CHOICES, passages, "It was vetoed by the governor.")
    assert max(range(4), key=support.__getitem__) == 1
    assert choice_credit(support, [1]) == 1.0


def test_a_tie_is_a_guess_and_scores_as_one():
    support = choice_support(CHOICES, ["Nothing relevant here."], None)
    assert choice_credit(support, [1]) == 0.25
    assert choice_credit(support, []) == 0.0


def test_the_answer_phrase_decides_between_choices_the_passages_tie_on():
    choices = ("Japan", "Cuba")
    passages = ["Cuba and Japan were both named in the list."]
    plain = choice_support(choices, passages, None)
    assert plain[0] == plain[1]
    marked = choice_support(choices, passages, None, "Cuba")
    assert choice_credit(marked, [1]) == 1.0
