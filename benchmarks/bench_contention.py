"""`ask` latency with and without a writer indexing beside it, at 1 and 2 torch threads
per question (run on demand, never as a test).

    python benchmarks/bench_contention.py [--questions 40] [--work /tmp/nd-contention]

The reader is the bundled corpus' index, asked in this process; the writer is a real
`newsdesk index` process embedding the rtqa-2025 corpus into an index of its own, so
it keeps both cores busy for the whole measurement. Prints a Markdown table."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_load import QUESTIONS  # noqa: E402
from index.corpus import demo_corpus_dir  # noqa: E402
from index.derived.embedding import limit_threads  # noqa: E402
from search.desk import Newsdesk  # noqa: E402

WRITER_CORPUS = ROOT.parent / "shared" / "eval" / "rtqa-2025" / "corpus.jsonl"


def measure(desk: Newsdesk, count: int) -> tuple[float, float]:
    latencies = []
    for number in range(count):
        started = time.perf_counter()
        desk.ask(QUESTIONS[number % len(QUESTIONS)] + f" ({number})")
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    return statistics.median(latencies) * 1000, latencies[int(0.95 * (len(latencies) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nd-contention"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    desk = Newsdesk(args.work / "reader")
    desk.add([str(demo_corpus_dir())])
    desk.ask("warm up")
    rows = []
    for threads in (2, 1):
        limit_threads(threads)
        quiet = measure(desk, args.questions)
        env = {
            **os.environ,
            "NEWSDESK_INDEX": str(args.work / f"writer-{threads}"),
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "ui.cli", "index", str(WRITER_CORPUS)]
        writer = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(20)  # past model loading: the writer is embedding
        busy = measure(desk, args.questions)
        still_running = writer.poll() is None
        writer.kill()
        writer.wait()
        rows.append((threads, quiet, busy, still_running))
    print(
        "| torch threads per question | ask p50 / p95, quiet (ms) | "
        "ask p50 / p95, writer beside (ms) |"
    )
    print("|---|---|---|")
    for threads, quiet, busy, running in rows:
        note = "" if running else " (writer had finished)"
        print(
            f"| {threads} | {quiet[0]:.0f} / {quiet[1]:.0f} | {busy[0]:.0f} / {busy[1]:.0f}{note} |"
        )
    desk.close()


if __name__ == "__main__":
    main()
