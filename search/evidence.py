"""The spans an answer can cite: a passage's sentences, each joined to the sentence
before it when it leans on that one ("It's a reversal…", "However, …", "…, he said.").

A leaning sentence alone means nothing to a reader; with the sentence before it, it is
one contiguous span of the document, cited once. One whose sentence before it cannot be
found is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.text.sentences import sentence_spans
from search.types import Passage

# How far back in the document to look for the sentence a passage's first one leans on.
LOOK_BACK_CHARS = 800
MAX_JOINED = 3

_LEANS = re.compile(
    r"^[\"“‘'(]?\s*(?:it|its|it[’']s|this|that|these|those|they|their|them|he|she|his|her"
    r"|however|but|also|and|yet|still|meanwhile|instead|moreover|furthermore|besides"
    r"|in addition|additionally|then|thus|therefore|hence|such|so|nor|or|otherwise"
    r"|the (?:move|decision|deal|plan|company|firm|group|ministry|report|statement|letter"
    r"|pair|two|latter|former|same)|both|neither|another|others|there)\b",
    re.IGNORECASE,
)
# A quotation whose speaker comes only as a pronoun: "“…,” he said."
_PRONOUN_SPEAKER = re.compile(
    r"[”\"’],?\s+(?:he|she|they|it)\s+(?:said|says|added|told|wrote|noted|warned)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Unit:
    """A citable span `document.text[start:end] == text`, in `passage`'s document;
    `sentences` counts the sentences joined into it."""

    passage: Passage
    start: int
    end: int
    text: str
    sentences: int


def leans_on_previous(sentence: str) -> bool:
    """Whether `sentence` needs the one before it: it opens with a pronoun or a
    connective, gives its speaker as a pronoun, opens in lower case, or closes a
    quotation it did not open (the breaker splits "…talk to us? No I can't," he said)."""
    return bool(
        _LEANS.search(sentence)
        or _PRONOUN_SPEAKER.search(sentence)
        or sentence[:1].islower()
        or _closes_unopened_quote(sentence)
    )


def _closes_unopened_quote(sentence: str) -> bool:
    closing, opening = sentence.find("”"), sentence.find("“")
    return closing != -1 and (opening == -1 or closing < opening)


def passage_units(
    passage: Passage, document_text: str, min_words: int, join: bool = True
) -> list[Unit]:
    """Every sentence of `passage` long enough to answer, as a self-standing unit
    (`join=False`: each sentence alone, leaning or not — for the ablation)."""
    spans = [(passage.start + s, passage.start + e) for s, e in sentence_spans(passage.text)]
    earlier = _sentence_before(document_text, passage.start)
    units = []
    for index, (start, end) in enumerate(spans):
        if len(document_text[start:end].split()) < min_words:
            continue
        first = _standalone_start(document_text, spans, index, earlier) if join else start
        if first is not None:
            joined = (
                1
                + sum(1 for s, _ in spans[:index] if s >= first)
                + (earlier is not None and first == earlier[0])
            )
            # A span reaching back before the chunk cites the chunk widened to hold it.
            cited = passage
            if first < passage.start:
                cited = replace(passage, start=first, text=document_text[first : passage.end])
            units.append(Unit(cited, first, end, document_text[first:end], joined))
    return units


def _standalone_start(document_text, spans, index, earlier) -> int | None:
    """Where the unit ending with sentence `index` must start to stand alone: that
    sentence's start, or an earlier sentence's; None when no start within MAX_JOINED
    sentences (or within the passage and the one sentence before it) stands alone."""
    cursor, head = index, spans[index]
    for _ in range(MAX_JOINED):
        if not leans_on_previous(document_text[head[0] : head[1]]):
            return head[0]
        if cursor > 0:
            cursor -= 1
            head = spans[cursor]
        elif cursor == 0 and earlier is not None:
            cursor = -1
            head = earlier
        else:
            return None
    return None


def _sentence_before(document_text: str, offset: int) -> tuple[int, int] | None:
    """The document's sentence ending before `offset`, as document offsets."""
    if offset <= 0:
        return None
    window_start = max(0, offset - LOOK_BACK_CHARS)
    spans = sentence_spans(document_text[window_start:offset])
    if not spans or (window_start > 0 and len(spans) < 2):
        return None
    start, end = spans[-1]
    return window_start + start, window_start + end
