"""Text safe to store and to process: lone surrogates replaced, control characters
dropped. Used on every page read (index/ingest) and on every question (search/desk.py)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` without C0 control characters other than tab and newlines."""
    return _CONTROL.sub("", text)


def clean_string(value: str) -> str:
    """Text safe to store: lone surrogates (from JSON escapes such as "\\ud83d") become
    U+FFFD while valid escaped pairs join into their character; C0 controls other than
    tab and newlines are dropped."""
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return strip_controls(value)
