"""The answer phrase: the name, number, date or place in the lead span that answers
what the question asks for, and that the question does not already say — shown bold
so a reporter sees the fact at a glance.

Patterns over news prose (capitals for names, digits and currency for amounts, month
names for dates). spaCy's small English NER was measured as the alternative: its
import alone took 2.1 s of a cold `ask` (the target is 2 s in all) and it missed names
such as "He Lifeng" and "NT$3.3 billion" (docs/evaluation.md).
"""

from __future__ import annotations

import re

from index.text.analyzer import analyze
from search.evidence import Unit
from search.mentions import NAME, PLACE, full_name
from search.question import QuestionProfile
from search.types import Phrase

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# Dates, most specific first: a phrase of an earlier pattern wins over a later one.
_DATES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b{_MONTHS}\s+\d{{1,2}},?\s+(?:19|20)\d\d\b|\b\d{{1,2}}\s+{_MONTHS}\s+(?:19|20)\d\d\b",
        rf"\b{_MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTHS}(?!\w)",
        rf"\b{_MONTHS}\s+(?:19|20)\d\d\b|\b(?:early|mid|late)[- ](?:19|20)\d\d\b",
        r"\b(?:19|20)\d\d\b",
        r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    )
)
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
# Amounts, most telling first: money and shares before bare counts.
_QUANTITIES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"(?:[A-Z]{{1,3}}\$|[$€£¥]|RMB\s?)\s?\d[\d,.]*\d?{_SCALE}"
        rf"|\b\d[\d,.]*\d?{_SCALE}\s?(?:yuan|euros?|dollars|pounds|yen)\b",
        r"\b\d[\d,.]*\d?\s?(?:%|per ?cent\b|percent\b|percentage points?\b)",
        rf"\b\d[\d,.]*\d?{_SCALE}(?:[- ](?:year-old|hectares?|acres?|[a-z]+s)\b)?",
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?"
        r"|hundreds?|thousands?)\b(?:\s+[a-z]+s\b)?",
    )
)
# Words that title or describe a name rather than being part of it.
_TITLES = frozenset(
    "mr mrs ms dr us u.s. uk republican democratic democrat senator sen. representative rep."
    " president vice vice-president vice-premier premier minister prime secretary chairman"
    " chairwoman chair chief executive ceo spokesman spokeswoman spokesperson ambassador"
    " professor prof. governor mayor general director deputy treasury commerce foreign state"
    " chinese american british canadian dutch japanese taiwanese former acting incumbent"
    " following after before according however meanwhile but and the on in at officer u.s"
    " monday tuesday wednesday thursday friday saturday sunday january february march april"
    " june july august september october november december".split()
)
PHRASE_KINDS = frozenset({"person", "entity", "date", "place", "quantity"})


def answer_phrase(question: QuestionProfile, unit: Unit) -> Phrase | None:
    """The mention of the asked kind in the span that the question lacks, with document
    offsets (`document.text[start:end] == phrase.text`); None when the question asks
    for no such kind or the span holds none."""
    if question.kind not in PHRASE_KINDS:
        return None
    asked = set(question.terms)
    for start, end in _mentions(question.kind, unit.text, asked):
        text = unit.text[start:end]
        terms = analyze(text)
        if (terms and not set(terms) & asked) or (not terms and re.search(r"\d", text)):
            return Phrase(text, unit.start + start, unit.start + end)
    return None


def _mentions(kind: str, text: str, asked: set[str]) -> list[tuple[int, int]]:
    """Candidate (start, end) offsets of `kind` in `text`, the likeliest answer first."""
    if kind == "date":
        return [m.span() for pattern in _DATES for m in pattern.finditer(text)]
    if kind == "quantity":
        return [_trim(text, m.span()) for pattern in _QUANTITIES for m in pattern.finditer(text)]
    if kind == "place":
        return [_untitled(text, m.span(1), asked) for m in PLACE.finditer(text)]
    spans = [_untitled(text, m.span(), asked) for m in NAME.finditer(text)]
    if kind == "person":
        spans = [_last_words(text, s) for s in spans if full_name(text[s[0] : s[1]])]
    return [s for s in spans if s[1] > s[0]]


def _last_words(text: str, span: tuple[int, int], keep: int = 2) -> tuple[int, int]:
    """A person's name is the end of a longer capitalised run ("Security Officer Andy
    Purdy" → "Andy Purdy")."""
    words = list(re.finditer(r"\S+", text[span[0] : span[1]]))
    if len(words) <= keep + 1:
        return span
    return span[0] + words[-keep].start(), span[1]


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while end > start and text[end - 1] in ".,;: ":
        end -= 1
    return start, end


def _untitled(text: str, span: tuple[int, int], asked: set[str]) -> tuple[int, int]:
    """The span without the titles, descriptions and question words before a name
    ("Huawei Chief Security Officer Andy Purdy" → "Andy Purdy"), cut at a full stop
    inside it ("England. We"), without a possessive after it."""
    start, end = span
    stop = text.find(". ", start, end)
    start, end = _trim(text, (start, stop + 1 if stop != -1 else end))
    for word in re.finditer(r"\S+", text[start:end]):
        folded = word.group().casefold().rstrip(",")
        terms = set(analyze(folded))
        if folded not in _TITLES and not (terms and terms <= asked):
            start += word.start()
            break
    else:
        return start, start
    for suffix in ("’s", "'s"):
        if text[start:end].endswith(suffix):
            end -= len(suffix)
    return start, end
