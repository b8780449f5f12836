"""`newsdesk eval`: its options and the run (kept apart from ui/cli.py, which holds
the everyday commands)."""

from __future__ import annotations

import argparse
from pathlib import Path


def eval_parser(sub) -> None:
    evaluate = sub.add_parser("eval", help="measure retrieval and answers on a labeled dataset")
    evaluate.add_argument(
        "dataset",
        type=Path,
        metavar="DATASET_DIR|demo",
        help="a dataset folder, or demo: 8 labeled questions over the bundled corpus",
    )
    evaluate.add_argument(
        "--modes",
        default="bm25,dense,hybrid",
        help="comma-separated: bm25, dense, hybrid (default fusion), rrf, weighted (chunk level)",
    )
    evaluate.add_argument("--k", type=int, default=10, help="cut-off k of the summary metrics")
    evaluate.add_argument(
        "--as-of",
        action="store_true",
        help="ask as of each query's date: later reports left out, recent ones favoured, "
        "the question's own dates applied",
    )
    evaluate.add_argument(
        "--diversify", action="store_true", help="spread the top results over outlets (as ask does)"
    )
    evaluate.add_argument(
        "--ignore-question-dates",
        action="store_true",
        help="with --as-of, ignore the time the questions name",
    )
    evaluate.add_argument("--recency-weight", type=float, default=None)
    evaluate.add_argument("--half-life", type=float, default=None, help="recency half-life, days")
    evaluate.add_argument(
        "--scorer",
        default=None,
        metavar="NAME",
        help="the answer scorer: a sentence-transformers CrossEncoder name or folder "
        "(default: the shipped ms-marco-MiniLM-L-12-v2)",
    )
    evaluate.add_argument(
        "--answer-policy",
        type=Path,
        default=None,
        metavar="JSON",
        help="a JSON object of answer policy fields (search/answering/policy.py)",
    )
    evaluate.add_argument(
        "--answer-threshold",
        type=float,
        default=None,
        metavar="P",
        help="the probability the lead span must reach to answer",
    )
    evaluate.add_argument("--out", type=Path, default=Path("eval-report"), metavar="DIR")
    evaluate.add_argument(
        "--compare", type=Path, metavar="REPORT_JSON", help="a saved report.json to compare against"
    )
    evaluate.add_argument("--limit", type=int, help="evaluate only the first N labeled queries")
    evaluate.add_argument("--no-answers", action="store_true", help="skip extractive answers")
    evaluate.add_argument("--model", default=None)
    evaluate.add_argument("--chunk-tokens", type=int, default=None)
    evaluate.add_argument("--overlap-tokens", type=int, default=None)
    evaluate.add_argument("--header-tokens", type=int, default=None)
    evaluate.add_argument("--k1", type=float, default=None)
    evaluate.add_argument("--b", type=float, default=None)
    evaluate.add_argument("--depth", type=int, default=None, help="candidates per side")
    evaluate.add_argument("--rrf-k", type=int, default=None)
    evaluate.add_argument("--dense-weight", type=float, default=None)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.evaluate import evaluate_dataset
    from eval.report import markdown, write_report
    from eval.settings import eval_options

    report = evaluate_dataset(args.dataset, eval_options(vars(args)))
    paths = write_report(report, args.out)
    print(markdown(report))
    print("written: " + ", ".join(str(p) for p in paths.values()))
    return 0
