"""The app's named endpoints take lists where lists are meant: a bare string is a
one-line error, not a filter or a batch of single letters."""

from __future__ import annotations

import pytest

from ui.endpoints import parse_filters, string_list


def test_lists_of_strings_pass_and_none_is_empty():
    assert string_list(["Caixin Global", "Reuters"], "outlets") == ("Caixin Global", "Reuters")
    assert string_list(None, "outlets") == ()
    assert parse_filters("", "", ["Reuters"], None).sources == ("Reuters",)


@pytest.mark.parametrize("value", ["notalist", "http://example.com/feed", 5, ["ok", 3]])
def test_anything_else_is_refused_by_name(value):
    with pytest.raises(ValueError, match="outlets must be a list of strings"):
        parse_filters("", "", value, None)
    with pytest.raises(ValueError, match="urls must be a list of strings"):
        string_list(value, "urls")
