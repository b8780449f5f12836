"""Filters on the bundled corpus: outlets by part of the name, initials or credit, and
a filter that matches nothing says so with the nearest names."""

from __future__ import annotations

import pytest

from index.errors import NoMatch
from search.types import Filters

pytestmark = pytest.mark.model

QUESTION = "What did China say about US chip export curbs?"


@pytest.mark.parametrize(
    "outlet,expected",
    [
        ("caixin", "Caixin Global"),
        ("SCMP", "South China Morning Post"),
        ("chinascope", "Chinascope"),
    ],
)
def test_an_outlet_filter_matches_by_part_of_the_name_or_initials(demo_desk, outlet, expected):
    passages = demo_desk.search(QUESTION, k=5, filters=Filters(sources=(outlet,)))
    assert passages and {p.document.source for p in passages} == {expected}


def test_a_brief_is_found_by_the_outlet_it_credits(demo_desk):
    passages = demo_desk.search(
        "Huawei emergency order TSMC", k=5, filters=Filters(sources=("Moore",))
    )
    assert [(p.document.source, p.document.credits) for p in passages] == [
        ("Chinascope", ("Moore",))
    ]


def test_stories_filter_by_a_short_form(demo_desk):
    assert demo_desk.stories(Filters(sources=("scmp",)))


@pytest.mark.parametrize(
    "filters,message",
    [
        (
            Filters(sources=("Caixn",)),
            "no outlet in the archive matches 'Caixn' (closest: Caixin Global)",
        ),
        (
            Filters(authors=("Xiaofie Xu",)),
            "no author in the archive matches 'Xiaofie Xu' (closest: Xiaofei Xu",
        ),
        # A publisher is no author: before, the check passed and nothing was found.
        (Filters(authors=("Caixin Global",)), "no author in the archive matches 'Caixin Global'"),
    ],
)
def test_a_filter_that_matches_nothing_says_so_with_the_closest_names(demo_desk, filters, message):
    for call in (
        lambda: demo_desk.ask(QUESTION, filters=filters),
        lambda: demo_desk.search(QUESTION, filters=filters),
        lambda: demo_desk.stories(filters),
    ):
        with pytest.raises(NoMatch) as raised:
            call()
        assert str(raised.value).startswith(message)
