"""Search latency of a sharded index on Ray beside the same corpus in one process.

    python benchmarks/bench_fanout.py CORPUS_PATH --shards 2 --questions 40

Builds the corpus twice (one process; `--ray local` with N shards), then asks the
same questions of both through `Newsdesk.search` (top 10, hybrid), after one warm-up
question each; prints p50/p95 per side and their difference, the cost of fanning out
to the shard actors and gathering their answers on one machine. Questions are the
titles of the corpus' first documents, so every one has a right answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from timing import percentiles


def timed(desk, questions: list[str]) -> list[float]:
    desk.search(questions[0], k=10)
    samples = []
    for question in questions:
        started = time.perf_counter()
        desk.search(question, k=10)
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    from index.shards.cluster import RayOptions
    from search.desk import Newsdesk

    with tempfile.TemporaryDirectory() as scratch:
        single = Newsdesk(Path(scratch) / "single")
        single.add([str(args.corpus)])
        titles = [d.title for d in single.index.store.documents() if d.title]
        questions = (titles * args.questions)[: args.questions]
        alone = timed(single, questions)
        single.close()
        options = RayOptions(shards=args.shards)
        sharded = Newsdesk(Path(scratch) / "sharded", ray="local", ray_options=options)
        sharded.add([str(args.corpus)])
        fanned = timed(sharded, questions)
        sharded.close()
    print(
        json.dumps(
            {
                "questions": len(questions),
                "shards": args.shards,
                "one_process": percentiles(alone),
                "ray": percentiles(fanned),
                "fan_out_p50_ms": round(statistics.median(fanned) - statistics.median(alone), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
