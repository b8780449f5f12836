"""An ONNX graph of a BERT sentence encoder, written from its safetensors weights.

The graph computes what sentence-transformers computes for a plain BERT (Devlin et al.,
2019, "BERT: Pre-training of Deep Bidirectional Transformers for Language
Understanding") with mean pooling (Reimers & Gurevych, 2019, "Sentence-BERT"): word,
position and segment-0 embeddings, post-norm encoder layers (Vaswani et al., 2017) with
erf GELU, and the mean of the last hidden states over each text's word pieces. It is
written op by op from the weights, so no torch export is needed and the folder alone
decides the graph. `supports` says which folders qualify; anything else goes through
sentence-transformers.

Inputs: `input_ids` (batch, length) int64, `attention_mask` (batch, length) float32 of
1.0 for a word piece and 0.0 for padding. Output: `mean` (batch, hidden) float32, not
normalised.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

WEIGHTS = "model.safetensors"
# Bumped whenever the graph changes, so that a stored graph of an older layout is rebuilt.
GRAPH_VERSION = 1
OPSET = 17  # LayerNormalization joined the standard opset in 17
_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


def supports(model_path: str) -> bool:
    """True when `model_path` is a local sentence-transformers folder of a float32 or
    float16 BERT with mean pooling (and normalisation, or none), which this graph
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
        value is True
        for key, value in pooling.items()
        if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens"
    )
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
    dtypes = {
        entry["dtype"]
        for key, entry in header.items()
        if key != "__metadata__" and not entry["dtype"].startswith(("I", "U"))
    }
    return dtypes.pop() if len(dtypes) == 1 else "mixed"


def build_graph(model_path: str) -> bytes:
    """The serialised ONNX model of the folder's encoder and mean pooling, float32.
    Imports `onnx` (about a second), so callers keep the result (bert_onnx.py)."""
    import onnx
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    folder = Path(model_path)
    config = json.loads((folder / "config.json").read_text())
    weights = {
        key.removeprefix("bert."): value.astype(np.float32)
        for key, value in load_file(folder / WEIGHTS).items()
    }
    graph = _Graph(weights, float(config.get("layer_norm_eps", 1e-12)))
    hidden = graph.embeddings("input_ids")
    bias = graph.padding_bias("attention_mask")
    dims, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    for layer in range(int(config["num_hidden_layers"])):
        hidden = graph.layer(hidden, bias, f"encoder.layer.{layer}.", dims, heads)
    graph.mean_pool(hidden, "attention_mask", "mean")
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"]),
    ]
    output = helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", dims])
    model = helper.make_model(
        helper.make_graph(graph.nodes, "bert_mean_pooled", inputs, [output], graph.constants),
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="newsdesk",
    )
    model.ir_version = 8  # what onnxruntime releases since 1.14 read
    onnx.checker.check_model(model)
    return model.SerializeToString()


class _Graph:
    """Nodes and constants of the graph under construction; each method adds the nodes
    of one part and returns the name of its output."""

    def __init__(self, weights: dict[str, np.ndarray], eps: float) -> None:
        self.weights = weights
        self.eps = eps
        self.nodes: list = []
        self.constants: list = []
        self._names = 0

    def const(self, name: str, value) -> str:
        from onnx import numpy_helper

        self.constants.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], **attributes) -> str:
        from onnx import helper

        self._names += 1
        out = f"{kind.lower()}_{self._names}"
        self.nodes.append(helper.make_node(kind, inputs, [out], **attributes))
        return out

    def dense(self, x: str, prefix: str) -> str:
        return self.linear(
            x, prefix, self.weights[f"{prefix}.weight"], self.weights[f"{prefix}.bias"]
        )

    def linear(self, x: str, name: str, weight: np.ndarray, bias: np.ndarray) -> str:
        """x @ weight.T + bias, with `weight` stored (out, in) as in the checkpoint;
        transposed once here so that each product is x @ w."""
        product = self.op("MatMul", [x, self.const(f"{name}.weight", weight.T.copy())])
        return self.op("Add", [product, self.const(f"{name}.bias", bias)])

    def norm(self, x: str, prefix: str) -> str:
        scale = self.const(f"{prefix}.weight", self.weights[f"{prefix}.weight"])
        shift = self.const(f"{prefix}.bias", self.weights[f"{prefix}.bias"])
        return self.op("LayerNormalization", [x, scale, shift], axis=-1, epsilon=self.eps)

    def embeddings(self, ids: str) -> str:
        """(batch, length, hidden): every word piece in segment 0."""
        prefix = "embeddings."
        words = self.op(
            "Gather", [self.const("words", self.weights[f"{prefix}word_embeddings.weight"]), ids]
        )
        length = self.op("Shape", [ids], start=1, end=2)
        table = self.const("positions", self.weights[f"{prefix}position_embeddings.weight"])
        zero = self.const("zero", np.array([0], np.int64))
        positions = self.op("Slice", [table, zero, length, zero])
        segment = self.const("segment0", self.weights[f"{prefix}token_type_embeddings.weight"][0])
        summed = self.op("Add", [self.op("Add", [words, positions]), segment])
        return self.norm(summed, f"{prefix}LayerNorm")

    def padding_bias(self, mask: str) -> str:
        """(batch, 1, 1, length): the most negative float32 on padded keys, as
        transformers adds it, 0 elsewhere."""
        padded = self.op("Sub", [self.const("one", np.float32(1.0)), mask])
        most_negative = self.const("most_negative", np.finfo(np.float32).min)
        bias = self.op("Mul", [padded, most_negative])
        return self.op("Unsqueeze", [bias, self.const("axes_1_2", np.array([1, 2], np.int64))])

    def layer(self, x: str, padding: str, prefix: str, dims: int, heads: int) -> str:
        """One encoder layer: self-attention, then the feed-forward block, each added to
        its input and layer-normalised (post-norm, as in BERT)."""
        attended = self.attention(x, padding, prefix, dims, heads)
        x = self.norm(self.op("Add", [attended, x]), f"{prefix}attention.output.LayerNorm")
        inner = self.gelu(self.dense(x, f"{prefix}intermediate.dense"), prefix)
        out = self.dense(inner, f"{prefix}output.dense")
        return self.norm(self.op("Add", [out, x]), f"{prefix}output.LayerNorm")

    def attention(self, x: str, padding: str, prefix: str, dims: int, heads: int) -> str:
        """(batch, length, hidden) multi-head self-attention, before its residual."""
        # Query, key and value in one product: one (hidden, 3·hidden) matrix.
        parts = [f"{prefix}attention.self.{name}" for name in ("query", "key", "value")]
        weight = np.concatenate([self.weights[f"{part}.weight"] for part in parts])
        bias = np.concatenate([self.weights[f"{part}.bias"] for part in parts])
        qkv = self.linear(x, f"{prefix}attention.self.qkv", weight, bias)
        split = self.const(f"{prefix}split", np.array([0, 0, 3, heads, dims // heads], np.int64))
        qkv = self.op("Reshape", [qkv, split])
        qkv = self.op("Transpose", [qkv], perm=[2, 0, 3, 1, 4])  # (3, b, heads, l, dh)
        query, key, value = (
            self.op("Gather", [qkv, self.const(f"{prefix}part{part}", np.int64(part))], axis=0)
            for part in range(3)
        )
        keys_t = self.op("Transpose", [key], perm=[0, 1, 3, 2])
        scale = self.const(f"{prefix}scale", np.float32(1.0 / np.sqrt(dims // heads)))
        scores = self.op("Mul", [self.op("MatMul", [query, keys_t]), scale])
        probs = self.op("Softmax", [self.op("Add", [scores, padding])], axis=-1)
        context = self.op("Transpose", [self.op("MatMul", [probs, value])], perm=[0, 2, 1, 3])
        merge = self.const(f"{prefix}merge", np.array([0, 0, dims], np.int64))
        context = self.op("Reshape", [context, merge])
        return self.dense(context, f"{prefix}attention.output.dense")

    def gelu(self, x: str, prefix: str) -> str:
        """0.5 · x · (1 + erf(x / √2)): the erf GELU that BERT's "gelu" means (Hendrycks
        & Gimpel, 2016)."""
        scaled = self.op("Mul", [x, self.const(f"{prefix}rsqrt2", np.float32(1 / np.sqrt(2)))])
        erf_plus_one = self.op(
            "Add", [self.op("Erf", [scaled]), self.const(f"{prefix}one", np.float32(1))]
        )
        half = self.op("Mul", [x, self.const(f"{prefix}half", np.float32(0.5))])
        return self.op("Mul", [half, erf_plus_one])

    def mean_pool(self, hidden: str, mask: str, out: str) -> None:
        """(batch, hidden) mean of the hidden states over each text's word pieces."""
        from onnx import helper

        weights = self.op("Unsqueeze", [mask, self.const("axis_2", np.array([2], np.int64))])
        axis_1 = self.const("axis_1", np.array([1], np.int64))
        summed = self.op("ReduceSum", [self.op("Mul", [hidden, weights]), axis_1], keepdims=0)
        counts = self.op("ReduceSum", [mask, axis_1], keepdims=1)
        counts = self.op("Max", [counts, self.const("tiny", np.float32(1e-9))])
        self.nodes.append(helper.make_node("Div", [summed, counts], [out]))
