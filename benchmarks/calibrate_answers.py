"""Calibrate the "nothing found" threshold of extractive answers (run on demand).

    python benchmarks/calibrate_answers.py EVAL_DIR

Answerable: seeds-dev questions over the bundled corpus, and rgb-en-fact questions over
their own corpus whose gold answer appears in the top passages. Unanswerable: questions
of rtqa-2025 and rgb-en-fact asked of the bundled corpus (2019–2020 China tech news,
which holds none of their answers). The threshold on the best sentence's relevance
that maximises balanced accuracy is printed with both distributions.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from eval.datasets import load_dataset
from eval.prepare import IndexParams, prepare_index
from index.corpus import demo_corpus_dir
from index.ids import normalize_text
from search.answer import Answerer
from search.desk import Newsdesk
from search.retriever import Retriever


def best_relevance(answerer: Answerer, question: str) -> tuple[float, str]:
    chunks = answerer.retriever.search(question, answerer.config.passages, collapse=False)
    candidates = answerer._candidates(question, tuple(chunks))
    if not candidates:
        return 0.0, ""
    return candidates[0].relevance, " ".join(c.text for c in chunks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--per-set", type=int, default=100)
    args = parser.parse_args()
    positives, negatives = [], []
    with tempfile.TemporaryDirectory() as folder, Newsdesk(folder) as demo:
        demo.add([str(demo_corpus_dir())])
        for line in (args.eval_dir / "seeds-dev" / "questions.jsonl").read_text().splitlines():
            positives.append(best_relevance(demo.answerer, json.loads(line)["query"])[0])
        for name in ("rtqa-2025", "rgb-en-fact"):
            for query in load_dataset(args.eval_dir / name).queries[: args.per_set]:
                negatives.append(best_relevance(demo.answerer, query.text)[0])
    rgb = load_dataset(args.eval_dir / "rgb-en-fact")
    index, _ = prepare_index(rgb, IndexParams())
    answerer = Answerer(Retriever(index), lambda: index.embedder)
    for query in rgb.queries[: args.per_set]:
        score, text = best_relevance(answerer, query.text)
        if any(normalize_text(a) in normalize_text(text) for a in query.answers):
            positives.append(score)
    best = max(
        (t / 100 for t in range(10, 90)),
        key=lambda t: (sum(p >= t for p in positives) / len(positives)
                       + sum(n < t for n in negatives) / len(negatives)),
    )  # fmt: skip
    found = sum(p >= best for p in positives) / len(positives)
    rejected = sum(n < best for n in negatives) / len(negatives)
    print(json.dumps({
        "answerable": len(positives), "unanswerable": len(negatives),
        "threshold": best, "answerable_answered": round(found, 3),
        "unanswerable_refused": round(rejected, 3),
        "answerable_quantiles": [round(sorted(positives)[int(q * (len(positives) - 1))], 3)
                                 for q in (0.05, 0.25, 0.5)],
        "unanswerable_quantiles": [round(sorted(negatives)[int(q * (len(negatives) - 1))], 3)
                                   for q in (0.5, 0.75, 0.95)],
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
