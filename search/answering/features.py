"""What the answer decision reads of a scored span besides the scorer's logit: how
well retrieval agrees, how much of the question's key names and numbers stand around
the span, how much of what the question asks of them the span says, and whether it
holds the kind of thing asked — features of a learned decision, never gates (Ittycheriah
et al., TREC 2001, and Tellex et al., SIGIR 2003, use the same cues as hard-set
weights; here a logistic model fitted on labeled questions weighs them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.text.analyzer import analyze
from search.answering.candidates import Candidate
from search.mentions import holds
from search.question import QuestionProfile

# What the decision reads, in its weights' order. A span's margin over the best other
# span and its document's retrieval rank were fitted too and dropped: both took
# negative weights that punished a lone, clearly answering span (docs/evaluation.md).
FEATURES = ("logit", "constraint", "focus", "kind_held", "kind_missing")
# Around a span, what still counts as its context for the key names (characters): the
# sentence before often names who the span's "he" is.
CONTEXT_BEFORE, CONTEXT_AFTER = 300, 150
# A name matches its adjective ("Morocco", "Moroccan") by its first letters.
PREFIX = 4
# Names news writes in more than one way (analyzed terms), both ways: a government by
# its capital ("Beijing said" for China).
_SAME = (
    ("us", "america", "american", "washington"),
    ("uk", "britain", "british", "london"),
    ("china", "beij"),
    ("japan", "tokyo"),
    ("russia", "moscow"),
    ("taiwan", "taipei"),
    ("eu", "brussel"),
    ("canada", "ottawa"),
    ("netherland", "dutch", "hagu"),
)
# "United States" in a question is the "US" of a text, but not every "state" is the US.
ALIASES = {term: frozenset(group) - {term} for group in _SAME for term in group} | {
    "unit": frozenset({"us"}),
    "state": frozenset({"us"}),
}


@dataclass(frozen=True)
class SpanFeatures:
    """`logit`: the scorer's; `constraint`/`focus`: idf shares in [0, 1];
    `kind_held`/`kind_missing`: the question asks for a kind and the span holds one
    it does not state / holds none; `terms`: the span's analyzed terms (selection
    compares spans by them)."""

    logit: float
    constraint: float
    focus: float
    kind_held: float
    kind_missing: float
    terms: frozenset[str] = frozenset()

    def vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in FEATURES)


def span_features(
    question: QuestionProfile,
    rarity: Mapping[str, float],
    spans: Sequence[Candidate],
    logits: Sequence[float],
) -> list[SpanFeatures]:
    """One feature record per span, in the spans' order."""
    asked = set(question.terms)
    typed = question.kind not in ("other", "polar")
    out = []
    for span, logit in zip(spans, logits, strict=True):
        terms = frozenset(analyze(span.unit.text))
        kind = typed and holds(question.kind, span.unit.text, asked)
        out.append(
            SpanFeatures(
                logit,
                constraint_share(question, rarity, span, terms),
                focus_share(question, rarity, terms),
                float(kind),
                float(typed and not kind),
                terms,
            )
        )
    return out


def constraint_share(question: QuestionProfile, rarity, span: Candidate, terms) -> float:
    """The idf share of the question's names and numbers found around the span (its
    text, the passage text just before and after it), its headline, or the report's
    outlet, year and month ("What did the Post report in March…"); 1.0 for a question
    without any. A name counts when half its words are ("Meng" for
    "Meng Wanzhou", not "Health" for "World Health Organization")."""
    if not question.constraints:
        return 1.0
    unit = span.unit
    passage = unit.passage
    low = max(0, unit.start - passage.start - CONTEXT_BEFORE)
    high = unit.end - passage.start + CONTEXT_AFTER
    context = set(terms) | set(analyze(passage.text[low:high]))
    context |= _report_terms(passage.title, passage.source, passage.published)
    prefixes = {t[:PREFIX] for t in context if len(t) > PREFIX}
    weights = [max(rarity.get(t, 0.0) for t in name) for name in question.constraints]
    found = sum(
        weight
        for name, weight in zip(question.constraints, weights, strict=True)
        if 2 * sum(_present(t, context, prefixes) for t in name) >= len(name)
    )
    return found / (sum(weights) or 1.0)


@lru_cache(maxsize=256)
def _report_terms(title: str | None, source: str | None, published) -> frozenset[str]:
    """The report's headline, outlet (with its initials: "SCMP"), year and month, as
    terms; the same for every span of a report, so worked out once."""
    found = set(analyze(title or "")) | set(analyze(source or ""))
    initials = "".join(word[0] for word in (source or "").split() if word[:1].isalpha())
    if len(initials) >= 2:
        found.add(initials.casefold())
    if published is not None:
        found.add(str(published.year))
        found |= set(analyze(f"{published:%B}"))
    return frozenset(found)


def focus_share(question: QuestionProfile, rarity, terms) -> float:
    """The idf share of what the question asks of its names ("head", "cost") that the
    span says, a word matching its derivations by prefix; 1.0 when it asks nothing
    beyond its names."""
    if not question.focus:
        return 1.0
    prefixes = {t[:PREFIX] for t in terms if len(t) > PREFIX}
    weight = sum(rarity.get(t, 0.0) for t in question.focus) or 1.0
    held = sum(rarity.get(t, 0.0) for t in question.focus if _present(t, terms, prefixes))
    return held / weight


def _present(term: str, context: set[str], prefixes: set[str]) -> bool:
    if term in context or ALIASES.get(term, frozenset()) & context:
        return True
    return len(term) > PREFIX and term[:PREFIX] in prefixes
