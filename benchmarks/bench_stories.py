"""Stories: grouping quality and time (run on demand; figures in docs/benchmarks.md and
docs/evaluation.md).

    python benchmarks/bench_stories.py [--rtqa-index DIR] [--rtqa ../shared/eval/rtqa-2025]
                                       [--names tagger|pattern]

1. The bundled corpus, indexed afresh into a temporary folder: B-cubed and pairwise
   scores of the archive's stories against tests/data/stories/demo_stories.json, the
   share of related-coverage reasons made only of generic words, and how many
   documents have nothing closely related.
2. With `--rtqa-index` (an index of rtqa-2025, e.g. the one `newsdesk eval` caches
   under ~/.newsdesk/eval-cache/), copied to a temporary folder so the cache is not
   touched: the time of the first `stories` (every report profiled and assigned), of
   a warm `newsdesk stories` command end to end, and of an incremental refresh after
   50 reports are made new to the book; and, as a grouping measure not tuned on,
   B-cubed and pairwise scores against "documents relevant to the same quiz question"
   (rtqa's qrels; documents relevant to several questions are left out).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.stories import common_words, generic_reason_share, load_story_labels, score_grouping
from index.corpus import demo_corpus_dir
from search.desk import Newsdesk

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories" / "demo_stories.json"


def grouping(desk: Newsdesk) -> dict[str, str]:
    return desk.story_of_each()


def demo(folder: Path) -> None:
    with Newsdesk(folder / "demo") as desk:
        desk.add([str(demo_corpus_dir())])
        scores = score_grouping(grouping(desk), load_story_labels(LABELS))
        stories, empty = [], 0
        for summary in desk.summaries():
            found = desk.related(doc_id=summary.doc_id)
            empty += not found
            stories += found
        words = common_words(d.title + "\n" + d.text for d in desk.documents())
        share = generic_reason_share(stories, words)
    items = sum(len(s.items) for s in stories)
    print(f"demo: {scores}")
    print(
        f"demo related coverage: {items} items over 81 subjects, generic-only reasons "
        f"{share:.3f}, nothing closely related for {empty} of 81"
    )


def rtqa_labels(desk: Newsdesk, dataset: Path) -> dict[str, str]:
    by_external = {d.external_id: d.doc_id for d in desk.documents() if d.external_id}
    questions: dict[str, set[str]] = {}
    lines = (dataset / "qrels" / "test.tsv").read_text().splitlines()[1:]
    for line in lines:
        query, corpus_id, score = line.split("\t")
        if int(score) > 0 and corpus_id in by_external:
            questions.setdefault(by_external[corpus_id], set()).add(query)
    return {doc: next(iter(qs)) for doc, qs in questions.items() if len(qs) == 1}


def rtqa(index: Path, dataset: Path, folder: Path) -> None:
    copy = folder / "rtqa"
    shutil.copytree(index, copy, ignore=shutil.ignore_patterns("stories.sqlite*"))
    with Newsdesk(copy) as desk:
        started = time.perf_counter()
        stories = desk.stories(limit=20)
        first = time.perf_counter() - started
        all_stories = desk.stories(limit=None)
        sizes = [s.reports for s in all_stories]
        print(
            f"rtqa: {desk.count()} documents; first stories (book built): {first:.1f} s; "
            f"{len(all_stories)} stories of 2+ reports, largest {max(sizes)}, "
            f"{sum(sizes)} reports in them; top: {stories[0].label!r}"
        )
        labels = rtqa_labels(desk, dataset)
        print(
            f"rtqa same-question proxy ({len(labels)} documents): "
            f"{score_grouping(grouping(desk), labels)}"
        )
    newest = [
        row[0]
        for row in sqlite3.connect(copy / "stories.sqlite").execute(
            "SELECT doc_id FROM reports ORDER BY published DESC LIMIT 50"
        )
    ]
    with sqlite3.connect(copy / "stories.sqlite") as db:
        db.executemany("DELETE FROM reports WHERE doc_id = ?", [(d,) for d in newest])
    with Newsdesk(copy) as desk:
        started = time.perf_counter()
        update = desk.book.refresh()
        print(
            f"rtqa incremental: {update.added} new reports profiled and assigned in "
            f"{time.perf_counter() - started:.2f} s (book loaded from disk first)"
        )
    env = {**os.environ, "NEWSDESK_INDEX": str(copy)}
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ui.cli", "stories"], env=env, check=True, capture_output=True
        )
        runs.append(time.perf_counter() - started)
    print(f"rtqa `newsdesk stories` end to end, warm: {', '.join(f'{r:.1f}' for r in runs)} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rtqa-index", type=Path)
    parser.add_argument("--rtqa", type=Path, default=Path("../shared/eval/rtqa-2025"))
    parser.add_argument(
        "--names",
        choices=("tagger", "pattern"),
        default="tagger",
        help="story names by the trained tagger (default) or, for "
        "comparison, by the capitalised-word patterns it replaced",
    )
    args = parser.parse_args()
    if args.names == "pattern":
        import search.stories.profile as profiles

        profiles._name_counts = profiles._pattern_name_counts
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        demo(Path(scratch))
        if args.rtqa_index:
            rtqa(args.rtqa_index, args.rtqa, Path(scratch))


if __name__ == "__main__":
    main()
