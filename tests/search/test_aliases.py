"""Name normalisation for stories, without the tagger: company suffixes, quoted coined
names, and one thing named once in what a reader sees."""

from __future__ import annotations

from search.stories.aliases import quoted_phrases, strip_suffix, without_spelled_out


def test_a_company_suffix_drops_but_a_name_of_suffix_words_stays():
    assert strip_suffix("huawei technologies co") == "huawei"
    assert strip_suffix("alibaba group holding ltd") == "alibaba"
    assert strip_suffix("group") == "group"


def test_quoted_phrases_are_short_and_never_an_apostrophe():
    text = (
        "China's annual 'two sessions' ended; the “unreliable entity list” grew, "
        'the "Made in China 2025" plan went on, it\'s "good", and he said “we will '
        "abandon every illusion and prepare for a long struggle”."
    )
    found = quoted_phrases(text, frozenset({"the", "a", "and", "for", "we", "will"}))
    assert found == ["two sessions", "unreliable entity list", "Made in China 2025"]


def test_a_long_form_beside_its_acronym_is_shown_once():
    assert without_spelled_out(["TSMC", "Arizona", "Taiwan Semiconductor Manufacturing"]) == [
        "TSMC",
        "Arizona",
    ]
    assert without_spelled_out(["Bank of China", "European Union", "EU"]) == [
        "Bank of China",
        "EU",
    ]
    assert without_spelled_out(["Nexperia", "Wingtech"]) == ["Nexperia", "Wingtech"]
