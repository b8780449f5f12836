"""Story names from the trained tagger: people, organisations and places, never dates,
sums or sentence-opening words."""

from __future__ import annotations

from search.stories.entities import entity_names
from search.stories.profile import profile

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
