"""A labeled answer set over a corpus newsdesk ingests itself: questions with short
verbatim answers, and questions the corpus cannot answer (`answers` empty), each
optionally asked as of a date. Scored on answers, not on document ids, so it survives
re-ingesting the corpus.

File: JSON lines of {"id", "kind", "question", "answers": [...], "as_of"?, "split"?}.
`split` is "tune" for the questions the answer policy may be fitted on and "test"
(the default) for the ones it must never see (docs/evaluation.md reports both).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from eval.datasets import DatasetError
from index.dates import parse_date
from index.ids import normalize_text
from search.types import Answer


@dataclass(frozen=True)
class AnswerQuestion:
    question_id: str
    kind: str
    question: str
    answers: tuple[str, ...]
    as_of: datetime | None = None
    split: str = "test"

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class AnswerSetResult:
    """`answered`: share of answerable questions whose answer string is in the answer;
    `refused`: share of unanswerable ones answered "nothing found"; `misses`: the ids
    of the questions that failed either."""

    answerable: int
    unanswerable: int
    answered: float
    refused: float
    misses: tuple[str, ...]


SPLITS = ("tune", "test")


def load_answer_set(path: str | Path, split: str | None = None) -> list[AnswerQuestion]:
    """The questions of the file, or of one `split` of it."""
    path = Path(path)
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(
                AnswerQuestion(
                    str(record["id"]),
                    str(record.get("kind", "")),
                    str(record["question"]),
                    tuple(record.get("answers") or ()),
                    parse_date(record.get("as_of")),
                    _split(record.get("split", "test")),
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise DatasetError(f"{path}:{number}: {error}") from None
    return [q for q in questions if split is None or q.split == split]


def _split(value: object) -> str:
    if value not in SPLITS:
        raise ValueError(f"split {value!r} is not one of {', '.join(SPLITS)}")
    return str(value)


def contains_answer(answer: Answer, expected: tuple[str, ...]) -> bool:
    said = normalize_text(" ".join(s.text for s in answer.sentences))
    return any(normalize_text(text) in said for text in expected)


def score_answer_set(
    questions: list[AnswerQuestion], ask: Callable[[AnswerQuestion], Answer]
) -> tuple[AnswerSetResult, dict[str, Answer]]:
    """Each question asked once through `ask`; the rates and every answer by id."""
    answers = {q.question_id: ask(q) for q in questions}
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    hits = [q for q in answerable if contains_answer(answers[q.question_id], q.answers)]
    refused = [q for q in unanswerable if not answers[q.question_id].found]
    misses = [q.question_id for q in answerable if q not in hits]
    misses += [q.question_id for q in unanswerable if q not in refused]
    result = AnswerSetResult(
        len(answerable),
        len(unanswerable),
        len(hits) / len(answerable) if answerable else 0.0,
        len(refused) / len(unanswerable) if unanswerable else 0.0,
        tuple(misses),
    )
    return result, answers
