"""What a question asks for: the kind of thing that answers it (a person or body, a
date, a place, a quantity, a reason, yes or no), its terms, and its key constraint —
the names and numbers an answer has to be about.

The kind follows the question word, as in the answer-type taxonomies of open-domain QA
(Li & Roth, "Learning Question Classifiers", COLING 2002), reduced to the types a
sentence can be checked for without a trained tagger (search/mentions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.text.analyzer import analyze

Kind = Literal["person", "entity", "date", "place", "quantity", "reason", "polar", "other"]

_PEOPLE = (
    r"person|people|official|executive|chief|head|leader|senators?|spokes(?:man|woman|person)"
    r"|lawmakers?|minister|ministers|president|professor|scientists?|analysts?|ambassador"
    r"|economist|founder|chair(?:man|woman)?|company|companies|firm|firms|group|bank"
    r"|organi[sz]ation|agency|ministry|body|court|party|outlet|newspaper|university"
    r"|country|countries|nation|government|vice-premier|premier|secretary|representative"
)
_PLACES = r"city|cities|port|province|state|region|town|place|venue|site|capital"
_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "quantity",
            r"^(?:(?:for )?how (?:much|many|large|big|old|long|high|far|often|fast)\b"
            r"|what (?:\w+ )?(?:share|percentage|proportion|rate|amount|number|price"
            r"|sum|value|size|cost|total|figure)\b)",
        ),
        (
            "date",
            r"^(?:when\b|by when\b|what (?:year|date|day|month|time)\b"
            r"|(?:by|in|on|since) what (?:year|date|day|month)\b|which (?:year|date|day|month)\b)",
        ),
        (
            "place",
            rf"^(?:where\b|(?:in|to|from|at) (?:which|what) (?:{_PLACES}|country)\b"
            rf"|(?:which|what) (?:{_PLACES})\b)",
        ),
        ("reason", r"^(?:why\b|what (?:caused|led to|prompted|drove)\b|for what reason\b)"),
        ("person", rf"^(?:who\b|whom\b|whose\b|(?:which|what) (?:\w+ )?(?:{_PEOPLE})\b)"),
        (
            "polar",
            r"^(?:did|does|do|is|are|was|were|has|have|had|will|would|can|could"
            r"|should|may|might)\b",
        ),
        (
            "entity",
            r"^(?:which\b|what (?:is|are|was|were) (?:the )?names?\b"
            r"|what \w+ (?:did|does|do|is|are|was|were|has|have)\b|what is .* called\b)",
        ),
    )  # fmt: skip
)
# A name: a capitalised word (or an all-caps acronym, or one with digits) that does not
# open the question; a number: digits.
_NAME = re.compile(r"(?<![\w’'])(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|\d[\d,.]*\w*)")
_QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how did does do is are".split()
)


# Words that shape a question rather than say what it is about.
_FORM_WORDS = frozenset(
    analyze("much many long old large big name names called call happen happened latest "
            "recent recently newest news according")
)  # fmt: skip


@dataclass(frozen=True)
class QuestionProfile:
    """`terms`: the question's BM25 terms, each once, in order, without the words that
    only shape the question ("how much", "called"); `constraints`: its names and
    numbers (the entity, number or year asked about), each the terms of one name
    ("Meng Wanzhou" → ("meng", "wanzhou")); `focus`: the rest of its terms (what is
    asked of them: "head", "cost", "revenue")."""

    text: str
    kind: Kind
    terms: tuple[str, ...]
    constraints: tuple[tuple[str, ...], ...]
    focus: tuple[str, ...] = ()


def question_kind(question: str) -> Kind:
    folded = " ".join(question.casefold().replace("’", "'").split())
    for kind, pattern in _RULES:
        if pattern.search(folded):
            return kind
    return "other"


def profile(question: str) -> QuestionProfile:
    terms = tuple(t for t in dict.fromkeys(analyze(question)) if t not in _FORM_WORDS)
    constraints: list[tuple[str, ...]] = []
    named: set[str] = set()
    for match in _NAME.finditer(question):
        words = match.group().split()
        if match.start() == _first_word_start(question) and words[0].casefold() in _QUESTION_WORDS:
            words = words[1:]
        name = tuple(t for t in analyze(" ".join(words)) if t in terms and t not in named)
        if name:
            constraints.append(name)
            named.update(name)
    focus = tuple(t for t in terms if t not in named)
    return QuestionProfile(question, question_kind(question), terms, tuple(constraints), focus)


def _first_word_start(text: str) -> int:
    match = re.search(r"\w", text)
    return match.start() if match else 0
