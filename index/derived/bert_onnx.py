"""A BERT sentence encoder on ONNX Runtime, for a question's path.

A question needs one forward pass over a few dozen word pieces. Importing torch and
sentence-transformers for it costs a cold `newsdesk ask` about 9 s, and on one thread
torch takes about 17 ms a question here; ONNX Runtime runs the same float32 graph
(bert_graph.py) in about 7 ms after a 0.2 s import, a plain numpy BERT in about 12 ms
(docs/benchmarks.md). In float32 the vectors equal sentence-transformers' to float
rounding (tests/index/derived/test_bert_onnx.py). The default is the int8 graph of
bert_int8.py, about 1.7x faster again, with cosine >= 0.99 to the float32 vectors.

Writing the graph imports `onnx` and reads the weights (about 2 s), so it is written
once per model into a cache folder (NEWSDESK_CACHE_DIR, else $XDG_CACHE_HOME/newsdesk,
else ~/.cache/newsdesk) and only loaded after that. A folder that cannot be written
means the graph is built in memory each time; a stored graph that does not load is
written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from index.derived.bert_graph import GRAPH_VERSION, WEIGHTS, build_graph
from index.derived.onnx_options import session_options

BATCH = 16
PRECISIONS = ("int8", "float32")


def check_precision(precision: str) -> None:
    """ValueError naming `precision` unless it is one the question graph comes in."""
    if precision not in PRECISIONS:
        raise ValueError(f"question precision {precision!r}: expected 'int8' or 'float32'")


def cache_folder() -> Path:
    """Where question graphs are kept: NEWSDESK_CACHE_DIR, else the user's cache."""
    if os.environ.get("NEWSDESK_CACHE_DIR"):
        return Path(os.environ["NEWSDESK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsdesk"


def graph_file(model_path: str, folder: Path, precision: str = "int8") -> Path:
    """The stored graph of the model's weights as they are now: named by a hash of the
    weights file's place, size and modification time, of the graph's layout and of the
    int8 recipe, so a changed model, layout or calibration gets a new graph, never a
    stale one."""
    weights = Path(model_path) / WEIGHTS
    stat = weights.stat()
    material = f"{GRAPH_VERSION}\0{weights.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    if precision == "int8":
        from index.derived.bert_int8 import recipe

        material += f"\0{recipe()}"
    digest = hashlib.sha1(material.encode()).hexdigest()[:20]
    return folder / f"bert-{'' if precision == 'float32' else precision + '-'}{digest}.onnx"


class OnnxBert:
    """Mean-pooled, L2-normalised BERT sentence vectors, (n, hidden) float32, on
    `threads` ONNX Runtime threads (one for a question, so it leaves a writer its core),
    computed in `precision` ("int8" or "float32")."""

    def __init__(
        self,
        model_path: str,
        max_tokens: int,
        threads: int = 1,
        folder: Path | None = None,
        precision: str = "int8",
    ) -> None:
        from tokenizers import Tokenizer

        check_precision(precision)
        self.precision = precision
        self._tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.no_padding()
        self._session = _session(
            model_path, threads, folder or cache_folder(), precision, self._graph
        )
        self.dims = int(self._session.get_outputs()[0].shape[1])

    def _graph(self, model_path: str) -> bytes:
        """The graph to store, written from the weights (and quantised for int8)."""
        graph = build_graph(model_path)
        if self.precision == "float32":
            return graph
        from index.derived.bert_int8 import calibration_texts, quantize

        texts = calibration_texts()
        return quantize(graph, [encoding.ids for encoding in self._tokenizer.encode_batch(texts)])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dims) float32, L2-normalised."""
        encodings = self._tokenizer.encode_batch(list(texts))
        vectors = np.zeros((len(texts), self.dims), dtype=np.float32)
        # In int8 each text runs alone: activations are scaled per tensor, so a batch-mate
        # would change a text's vector (cosine to float32 0.990 at worst batched, 0.996 alone).
        limit = 1 if self.precision == "int8" else BATCH
        for rows in _batches([len(encoding.ids) for encoding in encodings], limit):
            vectors[rows] = self._forward([encodings[i].ids for i in rows])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """(len(batch), dims) mean of the last hidden states over each text's pieces."""
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, pieces in enumerate(batch):
            ids[row, : len(pieces)] = pieces
            mask[row, : len(pieces)] = 1.0
        return self._session.run(["mean"], {"input_ids": ids, "attention_mask": mask})[0]


def _session(
    model_path: str, threads: int, folder: Path, precision: str, write: Callable[[str], bytes]
):
    """An inference session on the stored graph of `precision`, written by `write` first
    if need be."""
    import onnxruntime
    from onnxruntime.capi import onnxruntime_pybind11_state as failures

    options = session_options(threads)
    providers = ["CPUExecutionProvider"]
    # ONNX Runtime's fused SkipLayerNormalization made the int8 graph 13 % slower on one
    # thread than the plain Add and LayerNormalization it replaces (docs/benchmarks.md).
    disabled = ["SkipLayerNormFusion"] if precision == "int8" else []
    try:
        path = graph_file(model_path, folder, precision)
    except OSError:
        path = None
    stored = _verified(path, precision) if path is not None else None
    if stored is not None:
        try:
            return onnxruntime.InferenceSession(
                stored, options, providers=providers, disabled_optimizers=disabled
            )
        except (failures.InvalidProtobuf, failures.InvalidGraph, failures.Fail):
            pass  # a file that matches its checksum but will not load: written again
    graph = write(model_path)
    if path is not None:
        _store(graph, path, precision)
    return onnxruntime.InferenceSession(
        graph, options, providers=providers, disabled_optimizers=disabled
    )


def _checksum_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _verified(path: Path, precision: str) -> bytes | None:
    """The stored graph's bytes when its checksum file names this precision and their
    SHA-256; None for a missing, empty, damaged or swapped graph (it is written again)."""
    try:
        record = json.loads(_checksum_file(path).read_text(encoding="utf-8"))
        graph = path.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("precision") != precision:
        return None
    if not graph or record.get("sha256") != hashlib.sha256(graph).hexdigest():
        return None
    return graph


def _store(graph: bytes, path: Path, precision: str) -> None:
    """Write `graph` to `path`, then its checksum file (SHA-256 and precision), each
    through a temporary file, fsync and a rename, so that a reader never trusts half a
    graph; a folder that cannot be written is left alone."""
    record = json.dumps({"sha256": hashlib.sha256(graph).hexdigest(), "precision": precision})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, graph)
        _write_atomically(_checksum_file(path), record.encode())
    except OSError:
        pass


def _write_atomically(path: Path, data: bytes) -> None:
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as out:
            temporary = Path(out.name)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def _batches(lengths: Sequence[int], limit: int = BATCH) -> list[list[int]]:
    """Text indices, longest first, in batches of at most `limit` whose shortest text is
    at least 90 % of the longest: an answer's 35 sentences then carry 5 % padding, not
    the 55 % of fixed batches of 16."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        if batch and len(batch) < limit and lengths[index] >= 0.9 * lengths[batch[0]]:
            batch.append(index)
        else:
            batches.append([index])
    return batches
