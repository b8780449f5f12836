"""The `newsdesk` command line. Heavy libraries load inside the commands that need them,
so `newsdesk --help` and argument errors answer at once."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
from pathlib import Path

from index.errors import NewsdeskError, NotFound, one_line, printable
from ui.cliargs import build_parser
from ui.evalcmd import cmd_eval


def default_index_dir() -> Path:
    return Path(os.environ.get("NEWSDESK_INDEX") or Path.home() / ".newsdesk" / "index")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "ingest": cmd_ingest,
        "index": cmd_index,
        "docs": cmd_docs,
        "ask": cmd_ask,
        "related": cmd_related,
        "stories": cmd_stories,
        "info": cmd_info,
        "remove": cmd_remove,
        "eval": cmd_eval,
        "serve": cmd_serve,
    }
    try:
        return handlers[args.command](args)
    except (NewsdeskError, ValueError) as error:
        return _fail(str(error))
    except sqlite3.Error as error:
        return _fail(f"index database: {error}")
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            return _closed_pipe()
        where = f"{error.filename}: " if error.filename else ""
        return _fail(f"{where}{error.strerror or error}")
    except KeyboardInterrupt:
        return _fail("interrupted; the index is as it was before this command", 130)


def _fail(message: str, status: int = 2) -> int:
    with contextlib.suppress(BrokenPipeError):
        print(f"newsdesk: {one_line(message)}", file=sys.stderr)
    return status


def _closed_pipe() -> int:
    """The reader of our output went away (`newsdesk ask … | head`): stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def _desk(args: argparse.Namespace, build_demo: bool = True):
    from search.desk import AnswerPolicy, Newsdesk, RayOptions

    index_dir = args.index or default_index_dir()
    fresh = not Newsdesk.exists(index_dir)
    options = RayOptions(shards=getattr(args, "shards", None))
    answering = AnswerPolicy(scorer=getattr(args, "scorer", None))
    desk = Newsdesk(
        index_dir,
        model=args.model,
        progress=sys.stderr.isatty(),
        ray=getattr(args, "ray", None),
        ray_options=options,
        answering=answering,
    )
    if build_demo and fresh:
        print(
            f"newsdesk: no index at {index_dir}; building it from the bundled demo corpus",
            file=sys.stderr,
        )
        report = desk.add([str(Newsdesk.demo_corpus())])
        for source in report.failed:
            print(f"newsdesk: {source.error}", file=sys.stderr)
    return desk


def cmd_ingest(args: argparse.Namespace) -> int:
    from search.desk import Newsdesk

    return _emit_report(args, Newsdesk.preview(args.targets))


def cmd_index(args: argparse.Namespace) -> int:
    with _desk(args, build_demo=False) as desk:
        return _emit_report(args, desk.add(args.targets))


def _emit_report(args: argparse.Namespace, report) -> int:
    """The ingest report, its error lines on stderr; status 1 when a source failed."""
    from ui.output import report_json, report_lines

    lines = report_lines(report)
    errors = [line for line in lines if line.startswith("error: ")]
    _emit(args, report_json(report), [line for line in lines if line not in errors], errors)
    return 1 if report.failed else 0


def cmd_docs(args: argparse.Namespace) -> int:
    from ui.output import document_json, document_line

    with _desk(args) as desk:
        documents = list(desk.documents())
        records = []
        for document in documents if args.json else ():
            record = document_json(document)
            record["chunks"] = desk.chunk_count(document.doc_id)
            record["near_duplicates"] = [
                {"doc_id": other, "similarity": score}
                for other, score in desk.near_duplicates(document.doc_id)
            ]
            records.append(record)
        lines = [document_line(d) for d in documents]
        _emit(args, records, [*lines, f"{len(documents)} documents in {desk.store_path}"])
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from search.types import Filters
    from ui.render import answer_json, answer_lines

    filters = Filters.between(args.since, args.until, tuple(args.source), tuple(args.author))
    _limit_threads()
    with _desk(args) as desk:
        answer = desk.ask(
            args.question,
            k=args.k,
            mode=args.mode,
            filters=filters,
            as_of=args.as_of,
            question_dates=not args.ignore_question_dates,
            diversify=not args.no_diversify,
        )
    _emit(
        args,
        answer_json(answer),
        answer_lines(answer, bold=sys.stdout.isatty(), why_ranked=args.why),
    )
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from search.desk import Newsdesk
    from ui.render import stories_json, story_lines

    if (args.target is None) == (args.text is None):
        raise NewsdeskError("give either a DOC_ID or URL, or --text")
    _limit_threads()
    with _desk(args) as desk:
        if args.text is not None:
            stories = desk.related(text=args.text, k=args.k)
        elif Newsdesk.is_url(args.target):
            stories = desk.related(url=args.target, k=args.k)
        else:
            stories = desk.related(doc_id=args.target, k=args.k)
    _emit(args, stories_json(stories), story_lines(stories))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from search.desk import Newsdesk
    from search.types import Filters
    from ui.render import stories_json, story_lines

    filters = Filters.between(args.since, args.until, tuple(args.source))
    Newsdesk.one_thread_per_question(search_only=True)
    with _desk(args) as desk:
        if args.story:
            stories = [desk.story(args.story)]
        else:
            stories = desk.stories(filters, min_reports=args.min_reports, limit=args.limit)
    empty = "No stories of that size in the archive" + (
        " for these filters." if filters.active else "."
    )
    _emit(args, stories_json(stories), story_lines(stories, empty))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with _desk(args) as desk:
        info = desk.info()
    _emit(args, info, info_lines(info))
    return 0


def info_lines(info: dict[str, object]) -> list[str]:
    """`info` for a person: what the archive holds, then how it is built."""
    model = info["model"]
    pending = int(info.get("pending_chunks") or 0)
    lines = [
        f"{info['documents']:,} documents, {info['chunks']:,} passages, "
        f"{info['tokens']:,} word pieces, in {info['index']}",
        f"search by meaning: {model['name']} ({model['dims']} dimensions); "
        + (f"{pending:,} passages not yet embedded" if pending else "every passage embedded"),
        f"last built {info['built_at']} in {float(info['build_seconds']):.1f} s; "
        f"{int(info['bytes_on_disk']) / 1e6:.1f} MB on disk",
        f"served by {info['served_by']}"
        + (f" ({info['shards']} shards)" if int(info.get("shards") or 1) > 1 else "")
        + (f", from {info['segments']} segments" if int(info.get("segments") or 0) > 1 else ""),
    ]
    return lines


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    index_dir = args.index or default_index_dir()
    print(
        f"newsdesk: starting the web app for {index_dir} on http://{args.host}:{args.port} "
        "(the page shows the rest of the start)",
        file=sys.stderr,
    )
    serve(index_dir, args.host, args.port, args.model, ray=args.ray, scorer=args.scorer)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _desk(args, build_demo=False) as desk:
        removed = desk.delete(args.doc_id)
    if not removed:
        raise NotFound(f"no stored document with id {args.doc_id}")
    _emit(args, {"removed": args.doc_id}, [f"removed {args.doc_id}"])
    return 0


def _limit_threads() -> None:
    """A question's path runs on one thread (NEWSDESK_QUERY_THREADS to change it), so
    a writer beside it on the same cores does not make it wait (docs/benchmarks.md)."""
    from search.desk import Newsdesk

    Newsdesk.one_thread_per_question()


def _emit(
    args: argparse.Namespace, payload: object, lines: list[str], errors: list[str] = ()
) -> None:
    """JSON or text on stdout; `errors` (text mode) go to stderr. Text lines are shown
    with control characters escaped, so a title cannot drive the terminal."""
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(printable(line) for line in lines))
    for line in errors if not getattr(args, "json", False) else ():
        print(one_line(line), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
