"""Fault injection: `kill -9` real `newsdesk index` and `newsdesk remove` processes, and
segment merges, at random moments, then check that nothing committed was lost or
half-present.

    python benchmarks/bench_crash.py --iterations 100 [--work /tmp/nd-crash] [--seed 7]

Each iteration starts a writer on an existing index (a new batch of articles to index,
or a stored document to remove), kills it with SIGKILL after a random delay drawn
from the writer's measured run time, then opens the index afresh and checks: `info`,
`ask` and `docs` work, every document committed before is still there (but the one
being removed), the batch is all there or not at all, the store and the live
generation agree (index/integrity.py), and the next writer gets the lock at once.
Also: two writers started together, and a writer running while 8 readers ask in a
loop. Prints a Markdown report (docs/reliability.md)."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import integrity  # noqa: E402
from index.archive.store import DocumentStore  # noqa: E402
from index.corpus import demo_corpus_dir  # noqa: E402
from index.derived.lock import WriterLock  # noqa: E402
from search.desk import Newsdesk  # noqa: E402
from tests.index.ingest.hostile_cases import write_articles  # noqa: E402

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"


def batch(folder: Path, tag: str, count: int = 12) -> Path:
    return write_articles(folder, count, tag)


MERGE = "from index.derived.merging import merge_all; import sys; merge_all(sys.argv[1], 2)"


def newsdesk(index: Path, *args: str) -> subprocess.Popen:
    """A `newsdesk` command, or ("merge",): merging the index's segments two by two
    (index/derived/merging.py; the policy's run of ten made two so each has work)."""
    env = {**os.environ, "NEWSDESK_INDEX": str(index), "PYTHONPATH": str(ROOT)}
    command = ["-c", MERGE, str(index)] if args == ("merge",) else ["-m", "ui.cli", *args]
    return subprocess.Popen(
        [sys.executable, *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def doc_ids(index: Path) -> set[str]:
    with DocumentStore(index) as store:
        return {summary.doc_id for summary in store.summaries()}


def check(index: Path, before: set[str], removing: str | None, batch_ids: int) -> list[str]:
    """Problems after a crash; empty when the index is whole. Opens it afresh."""
    found: list[str] = []
    try:
        with WriterLock(index, 0):
            pass
    except Exception as error:  # a stale lock shows here
        found.append(f"lock: {error}")
    with Newsdesk(index) as desk:
        info = desk.info()
        answer = desk.ask(QUESTION)
        listed = desk.count()
    after = doc_ids(index)
    lost = (before - {removing}) - after
    if lost:
        found.append(f"lost {len(lost)} committed documents")
    new = after - before
    if new and len(new) != batch_ids:
        found.append(f"half a batch: {len(new)} of {batch_ids} documents")
    if info["documents"] != len(after) or listed != len(after):
        found.append(f"info says {info['documents']}, store holds {len(after)}")
    if not answer.passages:
        found.append("ask returned nothing")
    found.extend(integrity.problems(index))
    return found


def timed_run(index: Path, *args: str) -> float:
    started = time.monotonic()
    process = newsdesk(index, *args)
    _, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"writer failed: {err.decode()}")
    return time.monotonic() - started


def kill_loop(index: Path, work: Path, iterations: int, rng: random.Random) -> list[dict]:
    index_time = timed_run(index, "index", str(batch(work / "warm", "warm")))
    victim = sorted(doc_ids(index))[0]
    remove_time = timed_run(index, "remove", victim)
    for number in range(4):  # segments for the first merges
        timed_run(index, "index", str(batch(work / f"seg{number}", f"seg{number}")))
    merge_time = timed_run(index, "merge")
    print(
        f"full runs: index {index_time:.1f} s, remove {remove_time:.1f} s, "
        f"merge {merge_time:.1f} s",
        file=sys.stderr,
    )
    results = []
    for iteration in range(iterations):
        before = doc_ids(index)
        if iteration % 3 == 2:
            removing = rng.choice(sorted(before))
            args, size, full = ("remove", removing), 0, remove_time
        elif iteration % 3 == 1:
            removing = None
            args, size, full = ("merge",), 0, merge_time
        else:
            removing = None
            folder = batch(work / f"b{iteration}", f"i{iteration}x{rng.randrange(10**6)}")
            args, size, full = ("index", str(folder)), 12, index_time
        delay = rng.uniform(0.0, full * 1.1)
        process = newsdesk(index, *args)
        time.sleep(delay)
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        started = time.monotonic()
        problems = check(index, before, removing, size)
        recovery = time.monotonic() - started
        results.append(
            {
                "command": args[0],
                "delay": delay,
                "finished": finished,
                "problems": problems,
                "recovery": recovery,
            }
        )
        status = "ok" if not problems else "; ".join(problems)
        print(
            f"{iteration:3d} {args[0]:6} kill at {delay:5.2f}s recover {recovery:4.1f}s {status}",
            file=sys.stderr,
        )
    return results


def two_writers(index: Path, work: Path, trials: int) -> list[str]:
    failures = []
    for trial in range(trials):
        before = len(doc_ids(index))
        first = newsdesk(index, "index", str(batch(work / f"w{trial}a", f"w{trial}a")))
        second = newsdesk(index, "index", str(batch(work / f"w{trial}b", f"w{trial}b")))
        codes = (first.wait(), second.wait())
        after = len(doc_ids(index))
        if codes != (0, 0) or after != before + 24 or integrity.problems(index):
            failures.append(f"trial {trial}: exit {codes}, {after - before} of 24 stored")
    return failures


def readers_beside_writer(index: Path, work: Path, readers: int = 8) -> dict:
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []

    def loop() -> None:
        with Newsdesk(index) as desk:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    desk.ask(QUESTION)
                    latencies.append(time.monotonic() - started)
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=loop) for _ in range(readers)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    writer = newsdesk(index, "index", str(batch(work / "beside", "beside", 60)))
    code = writer.wait()
    stop.set()
    for thread in threads:
        thread.join()
    return {
        "writer_exit": code,
        "answers": len(latencies),
        "errors": errors,
        "p50": statistics.median(latencies),
        "max": max(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nd-crash"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    index = args.work / "index"
    timed_run(index, "index", str(demo_corpus_dir()))
    results = kill_loop(index, args.work, args.iterations, random.Random(args.seed))
    writers = two_writers(index, args.work, 5)
    beside = readers_beside_writer(index, args.work)
    report(results, writers, beside)


def report(results: list[dict], writers: list[str], beside: dict) -> None:
    print("| command | kills | killed before it finished | failures | recovery p50 / max (s) |")
    print("|---|---|---|---|---|")
    for command in ("index", "merge", "remove"):
        rows = [r for r in results if r["command"] == command]
        recovery = [r["recovery"] for r in rows]
        print(
            f"| {command} | {len(rows)} | {sum(not r['finished'] for r in rows)} | "
            f"{sum(bool(r['problems']) for r in rows)} | {statistics.median(recovery):.1f} / "
            f"{max(recovery):.1f} |"
        )
    for row in results:
        if row["problems"]:
            print(f"- {row['command']} killed at {row['delay']:.2f} s: {row['problems']}")
    print(f"\nTwo writers started together, 5 trials: {len(writers)} failures {writers}")
    print(
        f"8 readers asking in a loop beside a writer: writer exit {beside['writer_exit']}, "
        f"{beside['answers']} answers, {len(beside['errors'])} errors, "
        f"p50 {beside['p50'] * 1000:.0f} ms, max {beside['max'] * 1000:.0f} ms"
    )
    for error in beside["errors"][:5]:
        print(f"- {error}")


if __name__ == "__main__":
    main()
