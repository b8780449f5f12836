"""Outlet filters as a reporter types them."""

from __future__ import annotations

import pytest

from index.outlets import closest, name_matches, source_matches


@pytest.mark.parametrize(
    "wanted,outlet,matches",
    [
        ("caixin", "Caixin Global", True),
        ("CAIXIN GLOBAL", "Caixin Global", True),
        ("SCMP", "South China Morning Post", True),
        ("morning post", "South China Morning Post", True),
        ("global", "Caixin Global", True),
        ("cai", "Caixin Global", False),
        ("Post", "South China Morning Post", True),
        ("reuter", "Reuters", False),
        ("", "Reuters", False),
    ],
)
def test_any_part_of_the_name_on_word_boundaries_or_the_initials(wanted, outlet, matches):
    assert name_matches(wanted, outlet) is matches


def test_a_credited_outlet_matches_too():
    assert source_matches("Reuters", "Chinascope", ("Reuters",))
    assert not source_matches("Reuters", "Chinascope", ())


def test_the_nearest_names_are_suggested_for_a_misspelling():
    names = ["South China Morning Post", "Caixin Global", "Chinascope", "Reuters"]
    assert closest("Caixn", names) == ["Caixin Global"]
    assert closest("Chinascop", names)[0] == "Chinascope"
    assert closest("zzzz", names) == []
