"""The `newsdesk` command line's arguments: every command, its options and how each
value is checked (a bad one is a one-line usage error before anything loads)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from index.errors import one_line
from search.types import MODES
from ui.evalcmd import eval_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="Ask questions of a news archive; every answer cites."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="show what files, folders or URLs would ingest as")
    ingest.add_argument("targets", nargs="+", metavar="PATH|URL")
    _json_option(ingest)

    index = sub.add_parser("index", help="ingest files, folders or URLs into the index")
    index.add_argument("targets", nargs="+", metavar="PATH|URL")
    _common(index)
    index.add_argument(
        "--shards",
        type=_count_arg,
        default=None,
        metavar="N",
        help="with --ray: shards to write (default: one per node)",
    )

    docs = sub.add_parser("docs", help="list stored documents with their metadata")
    _common(docs)

    ask = sub.add_parser("ask", help="answer a question with cited sentences")
    ask.add_argument("question")
    ask.add_argument("-k", type=_k_arg, default=5, help="passages to return, 1-100 (default 5)")
    ask.add_argument(
        "--why", action="store_true", help="show why each passage ranked (fused score, BM25, dense)"
    )
    ask.add_argument("--since", type=_date_arg, help="published on or after DATE")
    ask.add_argument("--until", type=_date_arg, help="published on or before DATE")
    ask.add_argument("--source", action="append", default=[], help="outlet (repeatable)")
    ask.add_argument("--author", action="append", default=[], help="author (repeatable)")
    ask.add_argument("--mode", choices=MODES, default="hybrid")
    ask.add_argument(
        "--as-of",
        type=_date_arg,
        metavar="DATE",
        help="answer as of DATE: later reports left out, relative dates "
        "('last year') counted from it (default: now)",
    )
    ask.add_argument(
        "--ignore-question-dates",
        action="store_true",
        help="do not filter or order by the time the question names",
    )
    ask.add_argument(
        "--no-diversify", action="store_true", help="do not spread the top results over outlets"
    )
    _scorer_option(ask)
    _common(ask)

    related = sub.add_parser("related", help="related coverage of a document or a text")
    related.add_argument("target", nargs="?", metavar="DOC_ID|URL")
    related.add_argument("--text", help="find coverage related to this text instead")
    related.add_argument("-k", type=_k_arg, default=10, help="related documents (default 10)")
    _common(related)

    stories = sub.add_parser("stories", help="the archive's stories, newest activity first")
    stories.add_argument("--since", type=_date_arg, help="with a report on or after DATE")
    stories.add_argument("--until", type=_date_arg, help="with a report on or before DATE")
    stories.add_argument(
        "--source", action="append", default=[], help="with a report from this outlet (repeatable)"
    )
    stories.add_argument("--story", metavar="STORY_ID", help="open one story: all its reports")
    stories.add_argument(
        "--min-reports",
        type=_count_arg,
        default=2,
        metavar="N",
        help="at least N reports (default 2; 1: single reports too)",
    )
    stories.add_argument(
        "--limit", type=_count_arg, default=20, metavar="N", help="at most N stories (default 20)"
    )
    _common(stories)

    info = sub.add_parser("info", help="counts, model, sizes and build time of the index")
    _common(info)

    eval_parser(sub)

    serve = sub.add_parser("serve", help="open the web app (Gradio)")
    serve.add_argument("--index", type=Path, default=None, metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--model", default=None)
    _scorer_option(serve)
    _ray_option(serve)

    remove = sub.add_parser("remove", help="remove a document from every store")
    remove.add_argument("doc_id")
    _common(remove)
    return parser


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="DIR",
        help="index directory (default: $NEWSDESK_INDEX or ~/.newsdesk/index)",
    )
    parser.add_argument("--model", default=None, help="sentence-transformers model name or path")
    _ray_option(parser)
    _json_option(parser)


def _ray_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS",
        help="a Ray cluster's address, or 'local' to start Ray here: read, "
        "embed and write shards on it, serve them from its actors "
        "(needs pip install -e '.[ray]')",
    )


def _date_arg(text: str) -> datetime:
    from search.desk import Newsdesk

    value = Newsdesk.parse_date(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not a usable date: {one_line(text)!r} (try 2020-05-18)")
    return value


def _k_arg(text: str) -> int:
    from search.desk import MAX_K

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_K:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_K}, not {text!r}")
    return value


def _count_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _scorer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scorer",
        default=None,
        metavar="NAME",
        help="the model that picks answer sentences: a sentence-transformers "
        "CrossEncoder name or folder (default: ms-marco-MiniLM-L-12-v2, "
        "shipped as int8 ONNX)",
    )
