"""The bundled answer set, each half apart (run on demand).

    python benchmarks/answer_set.py [--index DIR] [--scorer NAME]

Asks tests/data/answers/questions.jsonl of the bundled corpus (indexed into DIR, or a
temporary folder) with the default answer policy, and prints for the "tune" half (the
policy may be fitted on it) and the "test" half (never fitted on) the share of
answerable questions whose answer string is in the answer, the share of unanswerable
ones answered "nothing found", the time per question and the misses
(docs/evaluation.md). Then the same without the question's dates and without outlet
spreading.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from eval.answerset import SPLITS, load_answer_set, score_answer_set
from index.corpus import demo_corpus_dir
from search.desk import AnswerPolicy, Newsdesk

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "answers" / "questions.jsonl"


def run(desk: Newsdesk, label: str, split: str, dates: bool = True, spread: bool = True):
    questions = load_answer_set(SET, split)
    started = time.perf_counter()
    result, _ = score_answer_set(
        questions,
        lambda q: desk.ask(q.question, as_of=q.as_of, question_dates=dates, diversify=spread),
    )
    seconds = time.perf_counter() - started
    hits = round(result.answered * result.answerable)
    refused = round(result.refused * result.unanswerable)
    print(
        f"| {label} | {split} | {result.answered:.3f} ({hits}/{result.answerable}) | "
        f"{result.refused:.3f} ({refused}/{result.unanswerable}) | "
        f"{seconds / len(questions) * 1000:.0f} ms | {' '.join(result.misses)} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--scorer", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index or Path(scratch)
        with Newsdesk(index_dir, answering=AnswerPolicy(scorer=args.scorer)) as desk:
            if desk.count() == 0:
                desk.add([str(demo_corpus_dir())])
            desk.load_model()
            print(
                "| answerer | half | answer in answer | nothing found (unanswerable) "
                "| per question | misses |"
            )
            print("|---|---|---|---|---|---|")
            for split in SPLITS:
                run(desk, "default", split)
            for split in SPLITS:
                run(desk, "without question dates", split, dates=False)
                run(desk, "without outlet spread", split, spread=False)


if __name__ == "__main__":
    main()
