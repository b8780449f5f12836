"""Multiple-choice accuracy without a language model: the choice best supported by the
retrieved evidence — the extractive answer first, then the top passages by rank — is
the system's pick (RealTime QA, Kasai et al., NeurIPS 2023, scores systems the same
way on its four options)."""

from __future__ import annotations

from collections.abc import Sequence

from index.ids import normalize_text
from index.text.analyzer import analyze

PASSAGES = 10
ANSWER_WEIGHT = 2.0
# The answer phrase (the fact the answer marks) is the answerer's own pick of what
# answers; a choice it matches gets this much more. Set by hand, not tuned.
PHRASE_WEIGHT = 2.0


def choice_support(
    choices: Sequence[str],
    passage_texts: Sequence[str],
    answer_text: str | None,
    phrase: str | None = None,
) -> tuple[float, ...]:
    """Each choice's support: Σ over the top passages of 1/rank × match, plus
    ANSWER_WEIGHT × match in the extractive answer, plus PHRASE_WEIGHT × match with
    the answer phrase; match is 1 for the choice's text verbatim (whitespace- and
    case-normalised), else the share of its terms present."""
    texts = [normalize_text(t) for t in passage_texts[:PASSAGES]]
    terms = [set(analyze(t)) for t in passage_texts[:PASSAGES]]
    answer = normalize_text(answer_text or "")
    answer_terms = set(analyze(answer_text or ""))
    support = []
    for choice in choices:
        wanted, own = normalize_text(choice), set(analyze(choice))
        score = sum(
            _match(wanted, own, text, held) / rank
            for rank, (text, held) in enumerate(zip(texts, terms, strict=True), start=1)
        )
        if answer:
            score += ANSWER_WEIGHT * _match(wanted, own, answer, answer_terms)
        if phrase:
            score += PHRASE_WEIGHT * _phrase_match(wanted, own, phrase)
        support.append(score)
    return tuple(support)


def _phrase_match(wanted: str, own: set[str], phrase: str) -> float:
    """1 when the choice and the phrase hold each other (either way: "Netflix" and
    "Netflix Inc."), else the share of the choice's terms in the phrase."""
    said = normalize_text(phrase)
    if wanted and (wanted in said or said in wanted):
        return 1.0
    return _match(wanted, own, said, set(analyze(phrase)))


def _match(wanted: str, own: set[str], text: str, held: set[str]) -> float:
    if wanted and wanted in text:
        return 1.0
    return 0.5 * len(own & held) / len(own) if own else 0.0


def choice_credit(support: Sequence[float], gold: Sequence[int]) -> float:
    """1/m when the gold choice is among the m best supported, else 0 (a tie between
    all choices is a guess, and scores as one)."""
    if not support or not gold:
        return 0.0
    best = max(support)
    picks = [i for i, value in enumerate(support) if value == best]
    return sum(1 for i in picks if i in gold) / len(picks)
