"""Does a sentence hold the kind of thing a question asks for — a name, a date, a place,
a quantity, a reason — beyond what the question itself says?

Patterns, not a trained tagger: news prose marks these reliably (capitals for names,
digits and currency signs for amounts, month names for dates), and a tagger model
would be a download the offline install cannot make (docs/evaluation.md measures what
this check adds to the answers).
"""

from __future__ import annotations

import re

from index.text.analyzer import analyze
from search.question import Kind

_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\s+(?:{_MONTHS})\b|(?:{_MONTHS})\.?\s+(?:19|20)\d\d\b"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|(?:19|20)\d\d\b"
    r"|(?:yesterday|today|tomorrow|last (?:week|month|year)|next (?:week|month|year)"
    r"|this (?:week|month|year)|(?:early|mid|late)-?(?:\w+ )?(?:19|20)\d\d)\b)"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?"
    r"|thousands?|millions?|billions?|trillions?|half|a third|a quarter|double|triple"
)
_QUANTITY = re.compile(
    r"(?:[$€£¥]|US\$|NT\$|HK\$|S\$|RMB\s?)\s?\d|\d[\d,.]*\s?(?:%|per ?cent|percent)"
    rf"|\b\d[\d,.]*\b|\b(?:{_NUMBER_WORDS})\b",
    re.IGNORECASE,
)
NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'.&-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'.&-]*)*")
PLACE = re.compile(
    r"\b(?:in|at|from|to|near|of|across|outside|inside)\s+((?:the\s+)?[A-Z][\w’'.-]*"
    r"(?:\s+[A-Z][\w’'.-]*)*)"
)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result|in order to|so that|reason|caused by|"
    r"led to|amid|after|since|citing|to comply|to protect|could be that|aims? to|"
    r"intended|driven by|in response to|thanks to)\b",
    re.IGNORECASE,
)


def holds(kind: Kind, sentence: str, question_terms: set[str]) -> bool:
    """Whether `sentence` holds a `kind` the question does not already state."""
    if kind == "quantity":
        return _new(_QUANTITY, sentence, question_terms)
    if kind == "date":
        return _new(_DATE, sentence, question_terms)
    if kind == "person":
        return _new(NAME, sentence, question_terms, skip_first=True, full=full_name)
    if kind == "entity":
        return _new(NAME, sentence, question_terms, skip_first=True)
    if kind == "place":
        return any(_is_new(match.group(1), question_terms) for match in PLACE.finditer(sentence))
    if kind == "reason":
        return bool(_REASON.search(sentence))
    return False


def _new(pattern, sentence, question_terms, skip_first=False, full=None) -> bool:
    for match in pattern.finditer(sentence):
        if skip_first and match.start() == _opening(sentence) and " " not in match.group():
            continue  # a capital that only opens the sentence
        if full is not None and not full(match.group()):
            continue
        if _is_new(match.group(), question_terms):
            return True
    return False


def full_name(text: str) -> bool:
    """Two capitalised words ("Zhou Zixue", "China Mobile") or an acronym ("IEEE"): a
    lone capitalised word is as often an adjective ("Chinese") as a name."""
    words = text.split()
    return len(words) >= 2 or (len(text) >= 2 and text.replace(".", "").isupper())


def _is_new(text: str, question_terms: set[str]) -> bool:
    terms = analyze(text)
    if not terms:
        return bool(re.search(r"\d", text))
    return any(term not in question_terms for term in terms)


def _opening(sentence: str) -> int:
    match = re.search(r"\w", sentence)
    return match.start() if match else 0
