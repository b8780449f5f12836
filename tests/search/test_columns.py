"""Instalments of one outlet's column are told apart from one story."""

from __future__ import annotations

from search.stories.columns import column_marks, same_column


def test_two_instalments_of_a_column_share_its_mark_and_other_headlines_do_not():
    first = column_marks(
        "SCMP", "Secret nuclear testing claims, military AI race: 7 US-China relations reads"
    )
    second = column_marks("SCMP", "Beijing on Iran war, new AI arena: 7 US-China relations reads")
    assert same_column(first, second)
    other_outlet = column_marks(
        "Reuters", "Beijing on Iran war, new AI arena: 7 US-China relations reads"
    )
    assert not same_column(first, other_outlet)
    # One report published twice is not a column; no separator or no outlet, no mark.
    again = column_marks(
        "SCMP", "Secret nuclear testing claims, military AI race: 7 US-China relations reads"
    )
    assert not same_column(first, again)
    assert column_marks("SCMP", "Wingtech appeals the court ruling on Nexperia") == ()
    assert column_marks(None, "A: b c d: e f g") == ()
