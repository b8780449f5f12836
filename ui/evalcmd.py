"""`newsdesk eval`: its options and the run (kept apart from ui/cli.py, which holds
the everyday commands)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.errors import NewsdeskError


def eval_parser(sub) -> None:
    evaluate = sub.add_parser("eval", help="measure retrieval and answers on a labeled dataset")
    evaluate.add_argument("dataset", type=Path, metavar="DATASET_DIR|demo",
                          help="a dataset folder, or demo: 8 labeled questions over the "
                          "bundled corpus")  # fmt: skip
    evaluate.add_argument(
        "--modes",
        default="bm25,dense,hybrid",
        help="comma-separated: bm25, dense, hybrid (default fusion), rrf, weighted (chunk level)",
    )
    evaluate.add_argument("--k", type=int, default=10, help="cut-off k of the summary metrics")
    evaluate.add_argument(
        "--as-of", action="store_true",
        help="ask as of each query's date: later reports left out, recent ones favoured, "
        "the question's own dates applied",
    )  # fmt: skip
    evaluate.add_argument("--diversify", action="store_true",
                          help="spread the top results over outlets (as ask does)")  # fmt: skip
    evaluate.add_argument("--ignore-question-dates", action="store_true",
                          help="with --as-of, ignore the time the questions name")  # fmt: skip
    evaluate.add_argument("--recency-weight", type=float, default=None)
    evaluate.add_argument("--half-life", type=float, default=None, help="recency half-life, days")
    evaluate.add_argument(
        "--scorer", default=None, metavar="NAME",
        help="the answer scorer: a sentence-transformers CrossEncoder name or folder "
        "(default: the shipped ms-marco-MiniLM-L-12-v2)",
    )  # fmt: skip
    evaluate.add_argument(
        "--answer-policy", type=Path, default=None, metavar="JSON",
        help="a JSON object of answer policy fields (search/answering/policy.py)",
    )  # fmt: skip
    evaluate.add_argument(
        "--answer-threshold", type=float, default=None, metavar="P",
        help="the probability the lead span must reach to answer",
    )  # fmt: skip
    evaluate.add_argument("--out", type=Path, default=Path("eval-report"), metavar="DIR")
    evaluate.add_argument("--compare", type=Path, metavar="REPORT_JSON",
                          help="a saved report.json to compare against")  # fmt: skip
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
    from dataclasses import replace

    from eval.evaluate import EvalOptions, evaluate_dataset
    from eval.prepare import IndexParams
    from eval.report import markdown, write_report
    from index.derived.bm25 import BM25Params
    from index.text.chunking import ChunkingConfig
    from index.text.tokenizer import DEFAULT_MODEL
    from search.answering.policy import AnswerPolicy
    from search.recency import Recency
    from search.retriever import RetrievalConfig

    def pick(defaults, **overrides):
        return replace(defaults, **{k: v for k, v in overrides.items() if v is not None})

    params = IndexParams(
        model=args.model or DEFAULT_MODEL,
        chunking=pick(ChunkingConfig(), max_tokens=args.chunk_tokens,
                      overlap_tokens=args.overlap_tokens, header_tokens=args.header_tokens),
        bm25=pick(BM25Params(), k1=args.k1, b=args.b),
    )  # fmt: skip
    recency = pick(Recency(), weight=args.recency_weight, half_life_days=args.half_life)
    retrieval = pick(RetrievalConfig(), depth=args.depth, rrf_k=args.rrf_k,
                     dense_weight=args.dense_weight, recency=recency)  # fmt: skip
    answering = pick(_policy(args.answer_policy, AnswerPolicy), scorer=args.scorer,
                     threshold=args.answer_threshold)  # fmt: skip
    options = EvalOptions(
        modes=tuple(mode.strip() for mode in args.modes.split(",") if mode.strip()),
        params=params, retrieval=retrieval, as_of=args.as_of, answers=not args.no_answers,
        limit=args.limit, baseline_report=args.compare, progress=sys.stderr.isatty(), k=args.k,
        answering=answering, diversify=args.diversify,
        question_dates=not args.ignore_question_dates,
    )  # fmt: skip
    report = evaluate_dataset(args.dataset, options)
    paths = write_report(report, args.out)
    print(markdown(report))
    print("written: " + ", ".join(str(p) for p in paths.values()))
    return 0


def _policy(path: Path | None, policy_type):
    """The answer policy of a JSON file of its fields, or the default one."""
    import json
    from dataclasses import fields

    if path is None:
        return policy_type()
    try:
        given = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NewsdeskError(f"{path}: not a readable JSON answer policy: {error}") from None
    known = {f.name for f in fields(policy_type)}
    if not isinstance(given, dict) or set(given) - known:
        unknown = sorted(set(given) - known) if isinstance(given, dict) else ["(not an object)"]
        raise NewsdeskError(f"{path}: unknown answer policy fields: {', '.join(unknown)}")
    if "weights" in given:
        given["weights"] = tuple(given["weights"])
    try:
        return policy_type(**given)
    except (TypeError, ValueError) as error:
        raise NewsdeskError(f"{path}: {error}") from None
