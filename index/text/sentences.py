"""Sentence spans with exact character offsets.

Paragraph breaks (newlines) are hard boundaries; inside a paragraph, sentences come
from Bling Fire's sentence breaker (Microsoft, a finite-state model that knows
abbreviations such as "U.S." and "Sept."), which is ~20x faster than rule-based
Python splitters on news text — it matters when indexing tens of megabytes.
"""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"[^\n]+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets into `text` of each sentence, in order, whitespace-trimmed.

    Every span satisfies `text[start:end] == text[start:end].strip()` and is non-empty;
    spans do not overlap and never cross a newline.
    """
    import blingfire

    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        chunk = paragraph.group()
        if not chunk.strip():
            continue
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk)
        cursor = 0
        for start, end in offsets:
            start, end = max(start, cursor), min(end, len(chunk))
            start, end = _trim(chunk, start, end)
            if start < end:
                spans.append((paragraph.start() + start, paragraph.start() + end))
                cursor = end
        if not offsets:
            start, end = _trim(chunk, 0, len(chunk))
            spans.append((paragraph.start() + start, paragraph.start() + end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
