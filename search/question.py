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
            r"|sum|value|size|cost|total|figure)\b"
            r"|what (?:will|would|did|does|do) .* (?:cost|be worth)\b)",
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
    )
)
# A name: a capitalised word (or an all-caps acronym, or one with digits) that does not
# open the question; a number: digits.
_NAME = re.compile(r"(?<![\w’'])(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|\d[\d,.]*\w*)")
# Where a question word can stand inside a sentence rather than open it.
_INNER = re.compile(r"\b(?:how|what|which|who|whom|whose|when|where|why)\b")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z“\"])")
# Words that open a question without naming anything (not part of a key name).
_QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how did does do is are was were has have will"
    " around about approximately roughly according after before during since as in on at for"
    " from by with following".split()
)


# Words that shape a question rather than say what it is about.
_FORM_WORDS = frozenset(
    analyze(
        "much many long old large big name names called call happen happened latest "
        "recent recently newest news according"
    )
)


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
    """The kind its asking sentence opens with, else the kind of a question word
    inside it ("…, meaning how many more weeks…", "Around what percentage…")."""
    folded = " ".join(asking_sentence(question).casefold().replace("’", "'").split())
    for kind, pattern in _RULES:
        if pattern.search(folded):
            return kind
    for match in _INNER.finditer(folded):
        for kind, pattern in _RULES:
            if kind != "polar" and pattern.search(folded[match.start() :]):
                return kind
    return "other"


def asking_sentence(question: str) -> str:
    """The sentence that asks: a quiz-style question often sets the scene first
    ("Biden gave his farewell address on Wednesday. Where did he speak?")."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
    if len(sentences) < 2:
        return question
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences)[-1]


def profile(question: str) -> QuestionProfile:
    """The question's terms are all of it; its kind and key names are those of its
    asking sentence (a scene-setting sentence before it is context, not constraint)."""
    terms = tuple(t for t in dict.fromkeys(analyze(question)) if t not in _FORM_WORDS)
    constraints: list[tuple[str, ...]] = []
    named: set[str] = set()
    asking = asking_sentence(question)
    for match in _NAME.finditer(asking):
        words = match.group().split()
        if match.start() == _first_word_start(asking) and words[0].casefold() in _QUESTION_WORDS:
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
