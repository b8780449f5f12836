"""The bundled answer set, with each answer signal switched off in turn (run on demand).

    python benchmarks/answer_set.py [--index DIR]

Asks tests/data/answers/questions.jsonl of the bundled corpus (indexed into DIR, or a
temporary folder) with the default answerer, then without each signal of
search/answer.py, without the question's dates and without outlet spreading; prints
the share of answerable questions whose answer string is in the answer and the share
of unanswerable ones answered "nothing found" (docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from eval.answerset import load_answer_set, score_answer_set
from index.corpus import demo_corpus_dir
from search.answer import SIGNALS, AnswerConfig
from search.desk import Newsdesk

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "answers" / "questions.jsonl"


def run(index_dir: Path, label: str, off: str = "", dates: bool = True, spread: bool = True):
    config = AnswerConfig(signals=frozenset(SIGNALS) - {off})
    questions = load_answer_set(SET)
    with Newsdesk(index_dir, answering=config) as desk:
        if desk.count() == 0:
            desk.add([str(demo_corpus_dir())])
        started = time.perf_counter()
        result, _ = score_answer_set(
            questions,
            lambda q: desk.ask(q.question, as_of=q.as_of, question_dates=dates, diversify=spread),
        )
        seconds = time.perf_counter() - started
    hits = round(result.answered * result.answerable)
    refused = round(result.refused * result.unanswerable)
    print(f"| {label} | {result.answered:.3f} ({hits}/{result.answerable}) | "
          f"{result.refused:.3f} ({refused}/{result.unanswerable}) | "
          f"{seconds / len(questions) * 1000:.0f} ms | {' '.join(result.misses)} |",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index or Path(scratch)
        print("| answerer | answer in answer | nothing found (unanswerable) | per question "
              "| misses |")  # fmt: skip
        print("|---|---|---|---|---|")
        run(index_dir, "default")
        for signal in SIGNALS:
            run(index_dir, f"without {signal}", off=signal)
        run(index_dir, "without question dates", dates=False)
        run(index_dir, "without outlet spread", spread=False)


if __name__ == "__main__":
    main()
