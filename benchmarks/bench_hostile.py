"""Every class of bad input, timed, with what it gets (run on demand; the same classes
are checked by tests/index/test_hostile_input.py and tests/ui/test_cli_errors.py).

    python benchmarks/bench_hostile.py [--work /tmp/nd-hostile]

Files go through `newsdesk index` semantics: each class is ingested in one batch
beside a good article into an existing index, and the table says what the class got,
how long it took, and whether the good article and the documents stored before were
kept. Queries go to the Python API over the same index. A full disk is a 3 MiB tmpfs
(needs root; skipped otherwise). Prints Markdown."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.corpus import demo_corpus_dir  # noqa: E402
from search.desk import Newsdesk  # noqa: E402
from search.types import Filters  # noqa: E402
from tests.index.ingest.hostile_cases import CASES, GOOD_ARTICLE  # noqa: E402


def file_rows(desk: Newsdesk, work: Path) -> list[str]:
    rows = []
    for number, case in enumerate(CASES):
        folder = work / f"case-{number}"
        folder.mkdir(parents=True)
        path = case.build(folder)
        good = folder / "good.txt"
        good.write_text(GOOD_ARTICLE.replace("ferry", f"ferry {number}"))
        before = desk.count()
        started = time.monotonic()
        if case.name == "huge-feed":
            # Parsed only: storing 100,000 real items is an ordinary (long) ingest.
            report = Newsdesk.preview([str(path)])
            desk.add([str(good)])
        else:
            report = desk.add([str(path), str(good)])
        seconds = time.monotonic() - started
        source = report.sources[0]
        stored = desk.count() - before
        if source.error:
            got = source.error.split(": ", 1)[1]
        else:
            got = f"{len(source.documents)} documents"
            if source.problems:
                got += f"; skipped: {source.problems[0]}"
        kept = "yes" if stored >= 1 else "NO"
        rows.append(f"| {case.what} | {got[:160]} | {seconds:.1f} | {kept} |")
    return rows


def query_rows(desk: Newsdesk) -> list[str]:
    cases = [
        ("empty question", lambda: desk.ask("")),
        ("100 kB question", lambda: desk.ask("x" * 100_000)),
        ("only punctuation", lambda: desk.ask("?!?... ;;")),
        ("emoji, RTL, CJK", lambda: desk.ask("🚢 هواوي 华为 芯片")),
        ("lone surrogate", lambda: desk.ask("\udced Huawei")),
        ("k = 0", lambda: desk.ask("Huawei", k=0)),
        ("k = -1", lambda: desk.ask("Huawei", k=-1)),
        ("k = 1,000,000", lambda: desk.ask("Huawei", k=1_000_000)),
        (
            "inverted date range",
            lambda: desk.ask(
                "Huawei", filters=Filters.between(*_dates("2021-01-01", "2020-01-01"))
            ),
        ),
        (
            "until 9999-12-31",
            lambda: desk.ask(
                "Huawei", filters=Filters.between(*_dates("2020-01-01", "9999-12-31"))
            ),
        ),
        ("outlet filter `%`", lambda: desk.ask("Huawei", filters=Filters(sources=("%",)))),
        ("author filter `_`", lambda: desk.ask("Huawei", filters=Filters(authors=("_",)))),
    ]
    rows = []
    for what, call in cases:
        started = time.monotonic()
        try:
            answer = call()
            got = f"answered: found={answer.found}, {len(answer.passages)} passages"
        except ValueError as error:
            got = f"error: {error}"
        rows.append(f"| {what} | {got} | {time.monotonic() - started:.2f} |")
    return rows


def _dates(since: str, until: str):
    from index.dates import parse_date

    return parse_date(since, plausible=False), parse_date(until, plausible=False)


def disk_full_row(work: Path) -> str:
    mount = work / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount)]).returncode:
        return "| full disk | skipped: cannot mount a tmpfs here | | |"
    try:
        command = [
            sys.executable,
            "-m",
            "ui.cli",
            "index",
            "--index",
            str(mount / "ix"),
            str(demo_corpus_dir()),
        ]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        last = (result.stderr.strip().splitlines() or ["(nothing)"])[-1]
        traceback = "Traceback" in result.stderr
        return f"| full disk (3 MiB) | exit {result.returncode}: {last[:150]} | {traceback} |"
    finally:
        subprocess.run(["umount", str(mount)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/nd-hostile"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    desk = Newsdesk(args.work / "index")
    desk.add([str(demo_corpus_dir())])
    print("| input | what it gets | seconds | good file beside it stored |")
    print("|---|---|---|---|")
    print("\n".join(file_rows(desk, args.work)))
    print(f"\nDocuments stored before the cases: 81; after: {desk.count()}\n")
    print("| query | what it gets | seconds |")
    print("|---|---|---|")
    print("\n".join(query_rows(desk)))
    print()
    print(disk_full_row(args.work))
    desk.close()


if __name__ == "__main__":
    main()
