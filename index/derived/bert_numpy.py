"""A BERT sentence encoder in numpy, for a question's path.

Importing torch, transformers and sentence-transformers costs a cold `newsdesk ask`
about 9 s; a question needs one forward pass over a few dozen word pieces, which numpy
does in milliseconds from the same safetensors weights and the same `tokenizers`
tokenizer. Only a folder that declares plain BERT (Devlin et al., 2019, "BERT:
Pre-training of Deep Bidirectional Transformers for Language Understanding") with
sentence-transformers' mean pooling and normalisation (Reimers & Gurevych, 2019,
"Sentence-BERT") qualifies; `supports` says so, and anything else goes through
sentence-transformers. The vectors equal sentence-transformers' float32 ones to float
rounding (tests/index/derived/test_bert_numpy.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

WEIGHTS = "model.safetensors"
BATCH = 16
_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


def supports(model_path: str) -> bool:
    """True when `model_path` is a local sentence-transformers folder of a float32 or
    float16 BERT with mean pooling (and normalisation, or none), which `NumpyBert`
    computes exactly as sentence-transformers does."""
    folder = Path(model_path)
    try:
        modules = json.loads((folder / "modules.json").read_text())
        config = json.loads((folder / "config.json").read_text())
        kinds = tuple(module["type"] for module in modules)
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") is True and not any(
        value is True for key, value in pooling.items() if key.startswith("pooling_mode_")
        and key != "pooling_mode_mean_tokens"
    )  # fmt: skip
    return (
        kinds in (_MODULES, _MODULES[:2])
        and mean_only
        and config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (folder / WEIGHTS).is_file()
        and (folder / "tokenizer.json").is_file()
        and _weights_dtype(folder / WEIGHTS) in ("F32", "F16")
    )


def hidden_size(model_path: str) -> int:
    """The width of the model's vectors (384 for all-MiniLM-L6-v2)."""
    return int(json.loads((Path(model_path) / "config.json").read_text())["hidden_size"])


def _weights_dtype(path: Path) -> str:
    """The float dtype of a safetensors file's tensors, read from its JSON header
    (integer buffers such as `position_ids` aside)."""
    with open(path, "rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(size))
    dtypes = {entry["dtype"] for key, entry in header.items()
              if key != "__metadata__" and not entry["dtype"].startswith(("I", "U"))}  # fmt: skip
    return dtypes.pop() if len(dtypes) == 1 else "mixed"


class NumpyBert:
    """Mean-pooled, L2-normalised BERT sentence vectors, (n, hidden) float32."""

    def __init__(self, model_path: str, max_tokens: int) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(model_path)
        config = json.loads((folder / "config.json").read_text())
        weights = {
            key.removeprefix("bert."): value.astype(np.float32)
            for key, value in load_file(folder / WEIGHTS).items()
        }
        self.dims = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self._embeddings = _Embeddings(weights)
        self._layers = [_Layer(weights, f"encoder.layer.{i}.")
                        for i in range(int(config["num_hidden_layers"]))]  # fmt: skip
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.no_padding()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dims) float32, L2-normalised."""
        encodings = self._tokenizer.encode_batch(list(texts))
        vectors = np.zeros((len(texts), self.dims), dtype=np.float32)
        for rows in _batches([len(encoding.ids) for encoding in encodings]):
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
        hidden = self._embeddings(ids, self.eps)
        # Padded keys get the most negative float32 added, as transformers does.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in self._layers:
            hidden = layer(hidden, bias, self.heads, self.eps)
        summed = np.einsum("bld,bl->bd", hidden, mask)
        return summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """Text indices, longest first, in batches of at most BATCH whose shortest text is
    at least 90 % of the longest: an answer's 35 sentences then carry 5 % padding, not
    the 55 % of fixed batches of 16, and encode in 1.3 s instead of 2.1 s on one thread."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        if batch and len(batch) < BATCH and lengths[index] >= 0.9 * lengths[batch[0]]:
            batch.append(index)
        else:
            batches.append([index])
    return batches


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float):
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """The erf GELU that BERT's "gelu" means (Hendrycks & Gimpel, 2016), with erf from
    Abramowitz & Stegun 7.1.26 (absolute error under 1.5e-7, float32 rounding's order):
    a third faster than scipy's erf here, and no scipy import on a question's path."""
    z = np.abs(x) * np.float32(1.0 / np.sqrt(2.0))
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = np.float32(1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly = poly * t + np.float32(coefficient)
    erf = np.float32(1.0) - poly * t * np.exp(-z * z)
    return np.float32(0.5) * x * (np.float32(1.0) + np.copysign(erf, x))


class _Embeddings:
    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.words = weights["embeddings.word_embeddings.weight"]
        self.positions = weights["embeddings.position_embeddings.weight"]
        self.type0 = weights["embeddings.token_type_embeddings.weight"][0]
        self.norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])

    def __call__(self, ids: np.ndarray, eps: float) -> np.ndarray:
        """(b, l, d) from (b, l) word-piece ids, every piece of segment 0."""
        x = self.words[ids] + self.positions[: ids.shape[1]][None] + self.type0
        return _layer_norm(x, *self.norm, eps)


class _Layer:
    """One transformer encoder layer (Vaswani et al., 2017), post-norm as in BERT."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str) -> None:
        def dense(name: str) -> tuple[np.ndarray, np.ndarray]:
            # Stored (out, in); transposed once so each product is x @ w.
            weight = weights[f"{prefix}{name}.weight"]
            return np.ascontiguousarray(weight.T), weights[f"{prefix}{name}.bias"]

        def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
            return weights[f"{prefix}{name}.weight"], weights[f"{prefix}{name}.bias"]

        names = ("query", "key", "value")
        parts = [dense(f"attention.self.{name}") for name in names]
        self.qkv = (np.concatenate([w for w, _ in parts], axis=1),
                    np.concatenate([b for _, b in parts]))  # fmt: skip
        self.attention_out = dense("attention.output.dense")
        self.attention_norm = norm("attention.output.LayerNorm")
        self.intermediate = dense("intermediate.dense")
        self.output = dense("output.dense")
        self.output_norm = norm("output.LayerNorm")

    def __call__(self, x: np.ndarray, bias: np.ndarray, heads: int, eps: float) -> np.ndarray:
        """(b, l, d) -> (b, l, d); `bias` (b, 1, 1, l) masks padded keys."""
        batch, length, dims = x.shape
        # Products on 2-D and contiguous stacks, so that each one is a BLAS call.
        flat = x.reshape(batch * length, dims)
        qkv = flat @ self.qkv[0] + self.qkv[1]
        qkv = qkv.reshape(batch, length, 3, heads, dims // heads).transpose(2, 0, 3, 1, 4)
        query, key, value = (np.ascontiguousarray(part) for part in qkv)
        keys_t = np.ascontiguousarray(key.transpose(0, 1, 3, 2))
        scores = query @ keys_t / np.float32(np.sqrt(dims // heads)) + bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        context = (probs @ value).transpose(0, 2, 1, 3).reshape(batch * length, dims)
        attended = context @ self.attention_out[0] + self.attention_out[1]
        flat = _layer_norm(attended + flat, *self.attention_norm, eps)
        inner = _gelu(flat @ self.intermediate[0] + self.intermediate[1])
        out = inner @ self.output[0] + self.output[1]
        return _layer_norm(out + flat, *self.output_norm, eps).reshape(batch, length, dims)
