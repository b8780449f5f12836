"""Which words of a text a query matches, by the BM25 analyser's terms (so "tariffs"
matches "tariff"), for the interfaces to mark."""

from __future__ import annotations

import re

from index.text.analyzer import analyze

_WORD = re.compile(r"\w+(?:[’']\w+)?")


def matching_words(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` whose first term is one of the query's."""
    stems = set(analyze(query))
    if not stems:
        return []
    spans = []
    for match in _WORD.finditer(text):
        terms = analyze(match.group())
        if terms and terms[0] in stems:
            spans.append(match.span())
    return spans
