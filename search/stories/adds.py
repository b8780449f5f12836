"""What each report adds to its story: the sentence carrying the most information its
story's earlier reports did not have (novelty detection in the TDT sense: the idf of
the sentence's terms unseen so far, over the square root of its length, so that a long
sentence is not preferred for length alone)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from index.derived.generation import Generation
from index.documents import Document
from index.text.analyzer import analyze
from index.text.sentences import sentence_spans
from search.evidence import leans_on_previous
from search.types import Contribution

MIN_WORDS = 8
MAX_WORDS = 60
MAX_SENTENCES = 40


def contributions(
    documents: Sequence[Document], generation: Generation
) -> list[Contribution | None]:
    """For each document, in the given (story) order, its most novel sentence; None
    when it has no sentence of a readable length."""
    seen: set[str] = set()
    out: list[Contribution | None] = []
    for document in documents:
        candidates = _sentences(document)
        terms = {t for _, _, sentence_terms in candidates for t in sentence_terms}
        rarity = generation.rarity(sorted(terms))
        best, best_score = None, 0.0
        for (start, end), _, sentence_terms in candidates:
            fresh = set(sentence_terms) - seen
            score = sum(rarity[t] for t in fresh) / math.sqrt(len(sentence_terms))
            if score > best_score:
                best, best_score = (start, end), score
        if best is not None:
            start, end = best
            out.append(Contribution(document.text[start:end], start, end))
        else:
            out.append(None)
        seen |= set(analyze(document.title + "\n" + document.text))
    return out


def _sentences(document: Document) -> list[tuple[tuple[int, int], str, list[str]]]:
    """The document's first MAX_SENTENCES sentences that stand on their own."""
    found = []
    for start, end in sentence_spans(document.text)[:MAX_SENTENCES]:
        sentence = document.text[start:end]
        words = len(sentence.split())
        if MIN_WORDS <= words <= MAX_WORDS and not leans_on_previous(sentence):
            terms = analyze(sentence)
            if terms:
                found.append(((start, end), sentence, terms))
    return found
