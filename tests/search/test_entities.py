"""Story names from the trained tagger: people, organisations and places, never dates,
sums or sentence-opening words."""

from __future__ import annotations

import pytest

from search.stories.entities import entity_names
from search.stories.profile import QUOTED, profile

pytestmark = pytest.mark.model

TEXT = (
    "Around noon on Monday, Nvidia chief executive Jensen Huang met officials in Beijing. "
    "Earlier, the Dutch court ruled that Wingtech Technology must cede control of Nexperia. "
    "Huang said the company expected US$2 billion in sales."
)


def test_the_tagger_finds_names_and_leaves_dates_and_sums():
    names = entity_names(TEXT)
    assert {"Nvidia", "Jensen Huang", "Beijing", "Nexperia"} <= set(names)
    assert not {"Monday", "Around", "Earlier", "US$2 billion"} & set(names)


def test_a_profile_counts_a_surname_as_the_full_name():
    keys = [key for key, _ in profile("d1", "Huang visits Beijing", TEXT).names]
    assert "jensen huang" in keys and "huang" not in keys
    assert "monday" not in keys and "around" not in keys


def test_a_company_suffix_drops_and_a_long_name_stays_beside_its_acronym():
    text = (
        "Huawei placed an order with Taiwan Semiconductor Manufacturing Company (TSMC), "
        "Moore reported. TSMC declined to comment. Huawei Technologies Co. said nothing."
    )
    keys = [key for key, _ in profile("d2", "Huawei order", text).names]
    assert "huawei" in keys and not any(k.startswith("huawei ") for k in keys)
    # Both forms stay: a report naming only one of them still shares it.
    assert "tsmc" in keys and "taiwan semiconductor manufacturing" in keys


def test_a_quoted_coined_name_is_a_name_and_a_quoted_word_or_a_speech_is_not():
    text = (
        "At the “two sessions” delegates met. Officials called the plan “good”. "
        "He said “we will abandon every illusion and prepare for a long struggle”."
    )
    names = dict(profile("d3", "Delegates meet", text).names)
    assert names.get(QUOTED + "two sessions") == "“two sessions”"
    assert not any("good" in key or "illusion" in key for key in names)
