"""The interface of an answer scorer, as txtai's scorers and sentence-transformers'
`CrossEncoder.predict` have it: a question and texts in, one score per text out
(higher: the text answers the question better). A test passes a small fake; a user
names another cross-encoder (index/derived/cross_encoder.py)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class Scorer(Protocol):
    name: str

    def score(self, question: str, texts: Sequence[str]) -> Sequence[float]: ...


class LazyScorer:
    """A named cross-encoder loaded on the first question (the CLI starts without it),
    once, under a lock: the web app's threads share one model."""

    def __init__(self, name: str | None = None, threads: int = 1) -> None:
        from index.derived.cross_encoder import DEFAULT_SCORER

        self.name = name or DEFAULT_SCORER
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def load(self) -> None:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from index.derived.cross_encoder import load_cross_encoder

                    self._model = load_cross_encoder(self.name, self._threads)

    def score(self, question: str, texts: Sequence[str]) -> Sequence[float]:
        self.load()
        return self._model.score(question, texts)
