"""Embedding throughput against this CPU's limit for all-MiniLM-L6-v2.

    python benchmarks/bench_embed.py ../shared/eval/rtqa-2025 --chunks 1024

The limit: FLOPs per word piece of the model (from its config: the dense layers'
2·(4d² + 2·d·ff) per layer plus attention's 4·L·d at the batch's length) times this
CPU's measured peak matrix-multiply rate (torch.mm, 2 threads, 2048²) in float32 and,
where native, bfloat16. Chunks are windows of up to 200 word pieces from the corpus'
articles (the chunker's window size, without its sentence fitting), encoded through
the index's Embedder. Each variant reports word pieces/s and, against the float32
batch-64 vectors, the lowest cosine and the mean top-10 overlap over 100 of the
chunks used as queries. Prints one JSON line per measure.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

WINDOW = 200


def windows(corpus: Path, count: int, tokenizer) -> list[str]:
    """Up to `count` texts of at most 200 word pieces, article by article."""
    out: list[str] = []
    with corpus.open() as handle:
        for line in handle:
            text = json.loads(line)["text"]
            offsets = tokenizer.offsets(text)
            for first in range(0, len(offsets.starts), WINDOW):
                last = min(first + WINDOW, len(offsets.starts)) - 1
                out.append(text[offsets.starts[first] : offsets.ends[last]])
                if len(out) == count:
                    return out
    return out


def peak_gflops(dtype) -> float:
    import torch

    a = torch.randn(2048, 2048).to(dtype)
    b = torch.randn(2048, 2048).to(dtype)
    torch.mm(a, b)
    started, rounds = time.perf_counter(), 10
    for _ in range(rounds):
        torch.mm(a, b)
    return rounds * 2 * 2048**3 / (time.perf_counter() - started) / 1e9


def flops_per_piece(model_path: str, mean_length: float) -> float:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(model_path)
    d, ff, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    return layers * (2 * (4 * d * d + 2 * d * ff) + 4 * mean_length * d)


def overlap(vectors: np.ndarray, reference: np.ndarray) -> float:
    """Mean top-10 overlap of 100 chunks used as queries, vectors vs reference."""
    queries = range(0, len(vectors), max(1, len(vectors) // 100))
    mine = np.argsort(-(vectors @ vectors[list(queries)].T), axis=0)[:10].T
    theirs = np.argsort(-(reference @ reference[list(queries)].T), axis=0)[:10].T
    return float(np.mean([len(set(m) & set(t)) / 10 for m, t in zip(mine, theirs, strict=True)]))


def run(embedder, texts: list[str], batch_size: int) -> tuple[float, np.ndarray]:
    """Seconds and (len(texts), dims) float32 vectors through the index's own Embedder."""
    embedder.batch_size = batch_size
    started = time.perf_counter()
    vectors = embedder.encode(texts)
    return time.perf_counter() - started, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--chunks", type=int, default=1024)
    args = parser.parse_args()
    import torch

    from index.derived.embedding import Embedder, bf16_supported
    from index.text.tokenizer import WordPieceTokenizer, resolve_model

    torch.set_num_threads(2)
    tokenizer = WordPieceTokenizer()
    texts = windows(args.dataset / "corpus.jsonl", args.chunks, tokenizer)
    pieces = sum(tokenizer.count(t) + 2 for t in texts)
    embedder = Embedder(dtype="float32")
    per_piece = flops_per_piece(resolve_model(None), pieces / len(texts))
    peaks = {"float32": peak_gflops(torch.float32)}
    if bf16_supported():
        peaks["bfloat16"] = peak_gflops(torch.bfloat16)
    for dtype, peak in peaks.items():
        print(
            json.dumps(
                {
                    "peak_gflops": round(peak, 1),
                    "dtype": dtype,
                    "mflops_per_piece": round(per_piece / 1e6, 2),
                    "limit_pieces_per_s": round(peak * 1e9 / per_piece),
                }
            )
        )
    run(embedder, texts[:64], 64)  # warm-up
    _, reference = run(embedder, texts, 64)
    for dtype in peaks:
        if dtype == "bfloat16":
            embedder = Embedder(dtype="bfloat16")
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for batch_size in (16, 64, 256):
                seconds, vectors = run(embedder, texts, batch_size)
                print(
                    json.dumps(
                        {
                            "dtype": dtype,
                            "threads": threads,
                            "batch_size": batch_size,
                            "chunks": len(texts),
                            "word_pieces": pieces,
                            "pieces_per_s": round(pieces / seconds),
                            "percent_of_limit": round(
                                100 * pieces / seconds * per_piece / (peaks[dtype] * 1e9), 1
                            ),
                            "min_cosine_to_f32": round(
                                float(np.min(np.sum(vectors * reference, 1))), 5
                            ),
                            "top10_overlap": round(overlap(vectors, reference), 4),
                        }
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
