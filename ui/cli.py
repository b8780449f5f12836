"""The `newsdesk` command line. Heavy libraries load inside the commands that need them."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from index.errors import NewsdeskError


def default_index_dir() -> Path:
    return Path(os.environ.get("NEWSDESK_INDEX") or Path.home() / ".newsdesk" / "index")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk", description="Ask questions of a news archive; every answer cites."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="show what files, folders or URLs would ingest as")
    ingest.add_argument("targets", nargs="+", metavar="PATH|URL")
    ingest.add_argument("--json", action="store_true", help="machine-readable output")

    index = sub.add_parser("index", help="ingest files, folders or URLs into the index")
    index.add_argument("targets", nargs="+", metavar="PATH|URL")
    _index_option(index)
    index.add_argument("--json", action="store_true", help="machine-readable output")

    docs = sub.add_parser("docs", help="list stored documents with their metadata")
    _index_option(docs)
    docs.add_argument("--json", action="store_true", help="JSON with metadata and text")
    return parser


def _index_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        metavar="DIR",
        help="index directory (default: $NEWSDESK_INDEX or ~/.newsdesk/index)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"ingest": cmd_ingest, "index": cmd_index, "docs": cmd_docs}
    try:
        return handlers[args.command](args)
    except NewsdeskError as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsdesk: interrupted; the index is as it was before this command", file=sys.stderr)
        return 130


def cmd_ingest(args: argparse.Namespace) -> int:
    from index.ingest import IngestReport, load_sources
    from ui.output import report_json, report_lines

    report = IngestReport(tuple(load_sources(args.targets)))
    _emit(args, report_json(report), report_lines(report))
    return 1 if report.failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    from ui.output import report_json, report_lines

    report = _index_targets(args.index or default_index_dir(), args.targets)
    _emit(args, report_json(report), report_lines(report))
    return 1 if report.failed else 0


def cmd_docs(args: argparse.Namespace) -> int:
    from ui.output import document_json, document_line

    store = _open_store(args.index or default_index_dir(), build_demo=True)
    with store:
        documents = list(store.documents())
        if args.json:
            records = []
            for document in documents:
                record = document_json(document)
                record["chunks"] = len(store.chunks(document.doc_id))
                record["near_duplicates"] = [
                    {"doc_id": other, "similarity": score}
                    for other, score in store.near_duplicates(document.doc_id)
                ]
                records.append(record)
            json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            for document in documents:
                print(document_line(document))
            print(f"{len(documents)} documents in {store.path}")
    return 0


def _index_targets(index_dir: Path, targets: list[str]):
    from index.chunking import Chunker
    from index.ingest import ingest
    from index.store import DocumentStore
    from index.tokenizer import WordPieceTokenizer

    with DocumentStore(index_dir) as store:
        return ingest(targets, store, Chunker(WordPieceTokenizer()))


def _open_store(index_dir: Path, build_demo: bool):
    from index.corpus import demo_corpus_dir
    from index.store import DB_NAME, DocumentStore

    if build_demo and not (index_dir / DB_NAME).exists():
        print(
            f"newsdesk: no index at {index_dir}; building it from the bundled demo corpus",
            file=sys.stderr,
        )
        report = _index_targets(index_dir, [str(demo_corpus_dir())])
        for source in report.failed:
            print(f"newsdesk: {source.error}", file=sys.stderr)
    return DocumentStore(index_dir)


def _emit(args: argparse.Namespace, payload: object, lines: list[str]) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
