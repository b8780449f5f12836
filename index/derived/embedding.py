"""Sentence-transformers embeddings, cached by content and model.

Vectors are (n, d) float32, L2-normalised, so inner product is cosine similarity.
Documents embed in float32 unless NEWSDESK_EMBED_DTYPE=bfloat16 asks for bfloat16 on a
CPU with native support (AVX512-BF16 or AMX): about 2.5x the float32 throughput there,
with cosine 0.9999 to the float32 vectors, but a bfloat16 vector depends on the batch it
was computed in, so an incremental add, a rebuild and a sharded build could order
near-tied passages differently. Float32 keeps them identical, so it is the default.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.text.tokenizer import DEFAULT_MODEL, resolve_model

CACHE_NAME = "embedding_cache.sqlite"
BLOCK = 256
QUERY_CACHE = 64

# A bar on stderr (True), nothing (False), or a callable told (done, total) chunks.
Progress = bool | Callable[[int, int], None]


@dataclass(frozen=True)
class ModelInfo:
    """What the index manifest records about the model, and checks on load."""

    name: str
    dims: int
    dtype: str
    revision: str


def bf16_supported() -> bool:
    """True on CPUs with native bfloat16 (AVX512-BF16 or AMX), read from /proc/cpuinfo
    so that deciding costs no torch import."""
    info = Path("/proc/cpuinfo")
    flags = set(info.read_text().split()) if info.exists() else set()
    return "avx512f" in flags and bool(flags & {"avx512_bf16", "amx_bf16"})


def query_threads() -> int:
    """Threads for a question's path: NEWSDESK_QUERY_THREADS, default 1."""
    import os

    try:
        return max(1, int(os.environ.get("NEWSDESK_QUERY_THREADS") or 1))
    except ValueError:
        return 1


def limit_search_threads(threads: int) -> None:
    """FAISS alone on `threads` threads, for a command that never embeds (`stories`);
    FAISS is not imported for this (an exact index never needs it)."""
    from index.derived.vectors import set_search_threads

    set_search_threads(threads)


# The thread count a process asked for, applied to torch when (if ever) it loads.
_THREADS: list[int] = []


def limit_threads(threads: int) -> None:
    """Run numpy's BLAS, FAISS and torch on `threads` threads in this process: one for
    a question's path, so that it does not fight a writer for the two cores. Torch is
    not imported for this; it takes the count when a document embedder loads it."""
    import sys

    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")
    limit_search_threads(threads)
    _THREADS[:] = [threads]
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


class Embedder:
    """The sentence embedder of one model. Documents go through sentence-transformers
    (torch, batched, float32 or opt-in bfloat16); questions
    through `OnnxBert` when the model qualifies (`query_backend="auto"`), which spares
    a reader the seconds of importing torch and runs a question about twice as fast on
    one thread; `"torch"` sends them the documents' way. On ONNX Runtime they run in
    int8 (bert_int8.py: 1.7x faster, cosine >= 0.99 to float32) unless
    `question_precision` is "float32"."""

    def __init__(
        self,
        model: str | None = None,
        dtype: str = "auto",
        batch_size: int = 16,
        query_backend: str | None = None,
        question_precision: str | None = None,
    ) -> None:
        """`query_backend`: "auto" (ONNX Runtime when the model qualifies) or "torch";
        by default NEWSDESK_QUERY_BACKEND, else "auto". `question_precision`: "int8" or
        "float32" for the ONNX Runtime path; by default NEWSDESK_QUESTION_PRECISION,
        else "int8"."""
        import os

        from index.derived import bert_graph
        from index.derived.bert_onnx import check_precision

        query_backend = query_backend or os.environ.get("NEWSDESK_QUERY_BACKEND") or "auto"
        if query_backend not in ("auto", "torch"):
            raise ValueError(f"query backend {query_backend!r}: expected 'auto' or 'torch'")
        precision = question_precision or os.environ.get("NEWSDESK_QUESTION_PRECISION") or "int8"
        check_precision(precision)
        self.name = model or DEFAULT_MODEL
        self._path = resolve_model(model)
        if dtype == "auto":
            wanted = os.environ.get("NEWSDESK_EMBED_DTYPE", "float32")
            dtype = "bfloat16" if wanted == "bfloat16" and bf16_supported() else "float32"
        self.dtype = dtype
        self.batch_size = batch_size
        self._model = None
        self._light = None
        self._use_light = query_backend == "auto" and bert_graph.supports(self._path)
        self.question_precision = precision if self._use_light else self.dtype
        if self._use_light:
            self.dims = bert_graph.hidden_size(self._path)
        else:
            self.dims = int(self._documents_model().get_embedding_dimension())
        self.info = ModelInfo(self.name, self.dims, dtype, _revision(self._path))
        self._queries: dict[str, np.ndarray] = {}

    @property
    def query_backend(self) -> str:
        """ "onnx" or "torch": what embeds questions."""
        return "onnx" if self._use_light else "torch"

    def _documents_model(self):
        if self._model is None:
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()
            if _THREADS:
                torch.set_num_threads(_THREADS[0])
            kwargs = {"torch_dtype": torch.bfloat16} if self.dtype == "bfloat16" else {}
            torch.manual_seed(0)
            self._model = SentenceTransformer(self._path, device="cpu", model_kwargs=kwargs)
        return self._model

    def _questions_model(self):
        if not self._use_light:
            return None
        if self._light is None:
            from index.derived.bert_onnx import OnnxBert
            from index.text.tokenizer import model_max_tokens

            threads = _THREADS[0] if _THREADS else query_threads()
            self._light = OnnxBert(
                self._path, model_max_tokens(self._path), threads, precision=self.question_precision
            )
        return self._light

    def load_for_questions(self) -> None:
        """Load what a question needs now, so the first one does not wait for it."""
        if self._questions_model() is None:
            self._documents_model()

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """(len(texts), dims) float32, L2-normalised, by sentence-transformers."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        vectors = self._documents_model().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return _normalised(np.asarray(vectors, dtype=np.float32))

    def encode_questions(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dims) float32, L2-normalised: the questions' path."""
        light = self._questions_model()
        if light is None or not texts:
            return self.encode(texts)
        return _normalised(light.encode(texts))

    def encode_query(self, text: str) -> np.ndarray:
        """(dims,) float32, L2-normalised; the last few questions are remembered, so the
        ranking sides (chunks, documents, shards) embed a question once between them."""
        cached = self._queries.get(text)
        if cached is None:
            cached = self.encode_questions([text])[0]
            self._queries[text] = cached
            while len(self._queries) > QUERY_CACHE:
                self._queries.pop(next(iter(self._queries)))
        return cached


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _revision(path: str) -> str:
    """A content hash of the weights file for local models, else the name."""
    weights = Path(path) / "model.safetensors"
    if weights.is_file():
        digest = hashlib.sha1()
        with open(weights, "rb") as handle:
            digest.update(handle.read(1 << 20))
        digest.update(str(weights.stat().st_size).encode())
        return digest.hexdigest()[:16]
    return path


class EmbeddingCache:
    """SQLite map from (model revision, dtype, text) to a float32 vector, so an unchanged
    chunk is never embedded twice, whatever document or index it reappears in."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @staticmethod
    def key(info: ModelInfo, text: str) -> str:
        material = f"{info.revision}\0{info.dtype}\0{text}".encode()
        return hashlib.sha1(material).hexdigest()

    def _found(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            for key, blob in self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch
            ):
                found[key] = np.frombuffer(blob, dtype="<f4")
        return found

    def missing(self, info: ModelInfo, texts: Sequence[str]) -> list[tuple[str, str]]:
        """(key, text) of each distinct text the cache has no vector for, by key."""
        keys = [self.key(info, text) for text in texts]
        found = self._found(keys)
        return sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())

    def put(self, pairs: Sequence[tuple[str, np.ndarray]]) -> None:
        """Store (key, (d,) float32 vector) pairs in one transaction."""
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
            [(k, np.asarray(v, dtype="<f4").tobytes()) for k, v in pairs],
        )
        self._db.execute("COMMIT")

    def cached(self, info: ModelInfo, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """((len(texts), dims) float32, (m,) int64 rows): the vectors the cache holds,
        zero rows for the others, and which rows those found are; nothing embedded."""
        keys = [self.key(info, text) for text in texts]
        found = self._found(keys)
        matrix = np.zeros((len(texts), info.dims), dtype=np.float32)
        ready = [row for row, key in enumerate(keys) if key in found]
        for row in ready:
            matrix[row] = found[keys[row]]
        return matrix, np.asarray(ready, dtype=np.int64)

    def embed(
        self, embedder: Embedder, texts: Sequence[str], progress: Progress = False
    ) -> np.ndarray:
        """(len(texts), dims) float32: cached rows are read, the rest embedded and stored."""
        keys = [self.key(embedder.info, text) for text in texts]
        found = self._found(keys)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        with progress_reporter(len(missing), progress) as bar:
            # Blocks are committed as they finish, so an interrupted run resumes where it
            # stopped instead of embedding everything again.
            # About twenty steps a run (at least 32 chunks, at most BLOCK), so the bar
            # and the app's status line move even for a small upload.
            size = max(32, min(BLOCK, -(-len(missing) // 20)))
            for start in range(0, len(missing), size):
                block = missing[start : start + size]
                vectors = embedder.encode([text for _, text in block])
                pairs = list(zip((k for k, _ in block), vectors, strict=True))
                self.put(pairs)
                found.update(pairs)
                bar.update(len(block))
        matrix = np.zeros((len(texts), embedder.dims), dtype=np.float32)
        for row, key in enumerate(keys):
            matrix[row] = found[key]
        return matrix


def embed_cached(
    cache_path: Path, embedder: Embedder, texts: Sequence[str], progress: Progress = False
) -> np.ndarray:
    """(len(texts), dims) float32 through the cache at `cache_path`, opened for this call."""
    with EmbeddingCache(cache_path) as cache:
        return cache.embed(embedder, texts, progress=progress)


class _Reporter:
    """Progress handed to a callable (done, total), for the web app's status line."""

    def __init__(self, total: int, report: Callable[[int, int], None]) -> None:
        self.total, self.done, self.report = total, 0, report

    def __enter__(self) -> _Reporter:
        self.report(0, self.total)
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, count: int) -> None:
        self.done += count
        self.report(self.done, self.total)


def progress_reporter(total: int, enabled: Progress):
    """A progress bar with rate and ETA on stderr for any run that takes over a second
    (tqdm's `delay`), or reports to a callable (done, total); silent when disabled."""
    from tqdm import tqdm

    if callable(enabled):
        return _Reporter(total, enabled)
    return tqdm(total=total, unit="chunk", desc="embedding", delay=1.0, disable=not enabled)
