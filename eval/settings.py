"""The evaluation's settings from the command line's values: index parameters,
retrieval, recency and answer policy, each field left at its default unless given."""

from __future__ import annotations

import json
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from eval.evaluate import EvalOptions
from eval.prepare import IndexParams
from index.derived.bm25 import BM25Params
from index.errors import NewsdeskError
from index.text.chunking import ChunkingConfig
from index.text.tokenizer import DEFAULT_MODEL
from search.answering.policy import AnswerPolicy
from search.recency import Recency
from search.retriever import RetrievalConfig


def _pick(defaults, **overrides):
    return replace(defaults, **{k: v for k, v in overrides.items() if v is not None})


def eval_options(given: dict[str, Any]) -> EvalOptions:
    """`given`: the `newsdesk eval` arguments by name (None where not given)."""
    params = IndexParams(
        model=given["model"] or DEFAULT_MODEL,
        chunking=_pick(
            ChunkingConfig(),
            max_tokens=given["chunk_tokens"],
            overlap_tokens=given["overlap_tokens"],
            header_tokens=given["header_tokens"],
        ),
        bm25=_pick(BM25Params(), k1=given["k1"], b=given["b"]),
    )
    recency = _pick(Recency(), weight=given["recency_weight"], half_life_days=given["half_life"])
    retrieval = _pick(
        RetrievalConfig(),
        depth=given["depth"],
        rrf_k=given["rrf_k"],
        dense_weight=given["dense_weight"],
        recency=recency,
    )
    answering = _pick(
        answer_policy(given["answer_policy"]),
        scorer=given["scorer"],
        threshold=given["answer_threshold"],
    )
    return EvalOptions(
        modes=tuple(mode.strip() for mode in given["modes"].split(",") if mode.strip()),
        params=params,
        retrieval=retrieval,
        as_of=given["as_of"],
        answers=not given["no_answers"],
        limit=given["limit"],
        baseline_report=given["compare"],
        progress=sys.stderr.isatty(),
        k=given["k"],
        answering=answering,
        diversify=given["diversify"],
        question_dates=not given["ignore_question_dates"],
    )


def answer_policy(path: Path | None) -> AnswerPolicy:
    """The answer policy of a JSON file of its fields, or the default one."""
    if path is None:
        return AnswerPolicy()
    try:
        given = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NewsdeskError(f"{path}: not a readable JSON answer policy: {error}") from None
    known = {f.name for f in fields(AnswerPolicy)}
    if not isinstance(given, dict) or set(given) - known:
        unknown = sorted(set(given) - known) if isinstance(given, dict) else ["(not an object)"]
        raise NewsdeskError(f"{path}: unknown answer policy fields: {', '.join(unknown)}")
    if "weights" in given:
        given["weights"] = tuple(given["weights"])
    try:
        return AnswerPolicy(**given)
    except (TypeError, ValueError) as error:
        raise NewsdeskError(f"{path}: {error}") from None
