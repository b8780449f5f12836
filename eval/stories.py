"""How well the archive's stories match a labeled grouping, and whether related
coverage explains itself.

B-cubed precision and recall (Bagga & Baldwin, "Entity-based cross-document
coreferencing using the vector space model", 1998; Amigó et al. 2009 on why it suits
clustering): for each document, the share of its predicted story that shares its
labeled story, and the share of its labeled story found in its predicted story,
averaged over documents. Pairwise precision and recall count same-story pairs; unlike
B-cubed they give an all-singletons grouping zero recall.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.text.analyzer import STOP_WORDS
from search.stories.profile import GENERIC
from search.types import Story

_TERM_SPLIT = re.compile(r"\s+—\s+")


@dataclass(frozen=True)
class GroupingScores:
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pair_precision: float
    pair_recall: float
    documents: int
    stories: int
    multi_report_stories: int


def load_story_labels(path: Path) -> dict[str, str]:
    """doc_id → labeled story, from a file {"stories": [{"story", "doc_ids"}]}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    for story in data["stories"]:
        for doc_id in story["doc_ids"]:
            if doc_id in labels:
                raise ValueError(f"{path}: {doc_id} is labeled twice")
            labels[doc_id] = story["story"]
    return labels


def score_grouping(predicted: dict[str, str], labeled: dict[str, str]) -> GroupingScores:
    """Scores over the documents both groupings hold."""
    shared = sorted(set(predicted) & set(labeled))
    if not shared:
        raise ValueError("the predicted and labeled groupings share no document")
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for doc_id in shared:
        by_pred.setdefault(predicted[doc_id], set()).add(doc_id)
        by_gold.setdefault(labeled[doc_id], set()).add(doc_id)
    precision = recall = 0.0
    for doc_id in shared:
        mine, truth = by_pred[predicted[doc_id]], by_gold[labeled[doc_id]]
        overlap = len(mine & truth)
        precision += overlap / len(mine)
        recall += overlap / len(truth)
    precision, recall = precision / len(shared), recall / len(shared)
    pairs_pred, pairs_gold = _pairs(by_pred.values()), _pairs(by_gold.values())
    both = len(pairs_pred & pairs_gold)
    return GroupingScores(
        bcubed_precision=round(precision, 4),
        bcubed_recall=round(recall, 4),
        bcubed_f1=round(2 * precision * recall / (precision + recall), 4),
        pair_precision=round(both / len(pairs_pred), 4) if pairs_pred else 1.0,
        pair_recall=round(both / len(pairs_gold), 4) if pairs_gold else 1.0,
        documents=len(shared),
        stories=len(by_pred),
        multi_report_stories=sum(1 for members in by_pred.values() if len(members) > 1),
    )


def _pairs(groups) -> set[tuple[str, str]]:
    return {(a, b) for members in groups for a in members for b in members if a < b}


def reason_terms(reason: str) -> list[str]:
    """The named terms of a reason ("Nexperia, Wingtech — 3 days apart" → the two)."""
    what = _TERM_SPLIT.split(reason)[0]
    return [term.strip() for term in what.split(",") if term.strip()]


def is_generic_term(term: str, common_words: set[str]) -> bool:
    """A term made only of stop words, office/calendar words or the archive's most
    common words."""
    words = [w.casefold().strip("’'") for w in term.split()]
    return all(w in STOP_WORDS or w in GENERIC or w in common_words for w in words)


def generic_reason_share(stories: list[Story], common_words: set[str]) -> float:
    """The share of items whose reason names nothing but generic terms (goal: 0)."""
    items = [item for story in stories for item in story.items]
    if not items:
        return 0.0
    generic = sum(
        1
        for item in items
        if (terms := reason_terms(item.reason))
        and all(is_generic_term(t, common_words) for t in terms)
        and not item.reason.startswith(
            ("same story", "close in content", "The only report", "the report you picked")
        )
    )
    return generic / len(items)


def common_words(texts, share: float = 0.2) -> set[str]:
    """Words (case-folded) in more than `share` of the texts."""
    counts: Counter[str] = Counter()
    total = 0
    for text in texts:
        total += 1
        counts.update({w.casefold() for w in re.findall(r"[\w’'-]+", text)})
    return {word for word, count in counts.items() if count > share * total}
