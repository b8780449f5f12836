"""Cold start of `newsdesk ask`: a new process per question, on an existing index.

    python benchmarks/bench_cold.py [--index DIR] [--runs 5]

Runs the README's question `--runs` times per query backend (NEWSDESK_QUERY_BACKEND:
"auto", the ONNX Runtime encoder, and "torch", sentence-transformers), each a fresh
`newsdesk ask` process after one unmeasured run (so the files are in the page cache),
and prints wall time (min, median, max) and peak RSS, and whether both backends
printed the same answer.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "What did China's commerce ministry say about the new US restrictions on Huawei?"


def run(index: Path, backend: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in KiB, stdout) of one `newsdesk ask` process."""
    env = {**os.environ, "NEWSDESK_QUERY_BACKEND": backend, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "ui.cli", "ask", "--index", str(index), QUESTION]
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        # wait4 gives this child's own peak RSS.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"newsdesk ask failed ({backend}): exit {child.returncode}")
        out.seek(0)
        return seconds, usage.ru_maxrss, out.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("~/.newsdesk/index").expanduser())
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results, answers = {}, {}
    for backend in ("auto", "torch"):
        run(args.index, backend)
        samples = [run(args.index, backend) for _ in range(args.runs)]
        seconds = sorted(s for s, _, _ in samples)
        answers[backend] = samples[0][2]
        results[backend] = {
            "min_s": round(seconds[0], 2),
            "median_s": round(statistics.median(seconds), 2),
            "max_s": round(seconds[-1], 2),
            "peak_rss_mb": round(max(r for _, r, _ in samples) / 1024),
        }
    results["same_answer"] = answers["auto"] == answers["torch"]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
