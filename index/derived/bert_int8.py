"""The question graph in int8: SmoothQuant smoothing, then ONNX Runtime's dynamic
quantisation.

At a question's few dozen word pieces the six layers' matrix products are the time
(docs/benchmarks.md); in int8 they take about half as long on one thread. Plain dynamic
quantisation costs too much accuracy here (cosine to the float32 vector 0.90 at worst):
BERT's activations carry a few channels a hundred times larger than the rest, and one
scale per tensor leaves the others a handful of levels. SmoothQuant (Xiao et al., 2023,
"SmoothQuant: Accurate and Efficient Post-Training Quantization for Large Language
Models") divides each input channel of a product by s_j = max|x_j|^a / max|w_j|^(1-a)
and multiplies the weight's row j by the same s_j: the float32 result is unchanged, and
the outliers move into the weights, which are quantised per output channel. Weights
keep 7 bits (`reduce_range`): without VNNI, ONNX Runtime's uint8 x int8 kernel adds
pairs of products in 16 bits, which saturate at 8.

max|x_j| comes from running the float32 graph over question_calibration.txt (questions
and news sentences). On 220 evaluation questions the cosines to the float32 vectors
are 0.996 at worst, and nDCG@10 on three evaluation sets moved by at most 0.007
(docs/evaluation.md).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np

# SmoothQuant's migration strength a: 0.8 kept the questions' cosines highest among
# 0.5-0.9 (docs/benchmarks.md); the paper's usual 0.5 left them at 0.977 at worst.
SMOOTHING = 0.8
CALIBRATION = "question_calibration.txt"


def calibration_texts() -> list[str]:
    """The calibration lines, comments left out."""
    text = (files("index.derived") / CALIBRATION).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def recipe() -> str:
    """What decides the int8 graph beside the weights, for its stored name."""
    text = (files("index.derived") / CALIBRATION).read_bytes()
    return f"int8:{SMOOTHING}:{hashlib.sha1(text).hexdigest()}"


def quantize(graph: bytes, calibration: Sequence[Sequence[int]]) -> bytes:
    """The int8 form of a float32 bert_graph `graph`, smoothed on `calibration` (each
    text's word-piece ids)."""
    import onnx

    model = onnx.load_from_string(graph)
    for position, node in enumerate(model.graph.node):
        node.name = node.name or f"{node.op_type}_{position}"
    products = _weight_products(model)
    ranges = _input_ranges(model, products, calibration)
    _smooth(model, products, ranges)
    return _quantized(model, [node.name for node in products])


def _weight_products(model) -> list:
    """The MatMul nodes that multiply by a stored weight (the layers' dense products;
    not attention's products of two activations)."""
    weights = {tensor.name for tensor in model.graph.initializer}
    return [
        node for node in model.graph.node if node.op_type == "MatMul" and node.input[1] in weights
    ]


def _input_ranges(model, products: list, calibration: Sequence[Sequence[int]]) -> dict:
    """{input name: (in_features,) float32 max |x_j| over every calibration piece}; each
    text runs alone, so no padding position counts."""
    import onnx
    import onnxruntime

    from index.derived.onnx_options import session_options

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = list(dict.fromkeys(node.input[0] for node in products))
    for name in names:
        probe.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
    session = onnxruntime.InferenceSession(
        probe.SerializeToString(), session_options(1), providers=["CPUExecutionProvider"]
    )
    ranges: dict[str, np.ndarray] = {}
    for pieces in calibration:
        ids = np.asarray([pieces], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones(ids.shape, dtype=np.float32)}
        for name, value in zip(names, session.run(names, feeds), strict=True):
            peak = np.abs(value.reshape(-1, value.shape[-1])).max(axis=0)
            ranges[name] = np.maximum(ranges[name], peak) if name in ranges else peak
    return ranges


def _smooth(model, products: list, ranges: dict) -> None:
    """Put x / s before each product and s_j into its weight's row j, in place."""
    from onnx import helper, numpy_helper

    tensors = {tensor.name: tensor for tensor in model.graph.initializer}
    chosen = {node.name for node in products}
    smoothed = []
    for node in model.graph.node:
        if node.name in chosen:
            weight = numpy_helper.to_array(tensors[node.input[1]]).astype(np.float32)
            scale = _scale(ranges[node.input[0]], np.abs(weight).max(axis=1))
            tensors[node.input[1]].CopyFrom(
                numpy_helper.from_array(weight * scale[:, None], node.input[1])
            )
            divisor = f"{node.name}.smoothing"
            model.graph.initializer.append(numpy_helper.from_array(1.0 / scale, divisor))
            scaled = f"{node.name}.smoothed_input"
            smoothed.append(
                helper.make_node("Mul", [node.input[0], divisor], [scaled], name=f"{divisor}.mul")
            )
            node.input[0] = scaled
        smoothed.append(node)
    del model.graph.node[:]
    model.graph.node.extend(smoothed)


def _scale(activation_peak: np.ndarray, weight_peak: np.ndarray) -> np.ndarray:
    """(in_features,) float32 s_j = max|x_j|^a / max|w_j|^(1-a), SmoothQuant's eq. 4."""
    activation = np.maximum(activation_peak, 1e-5) ** SMOOTHING
    weight = np.maximum(weight_peak, 1e-5) ** (1.0 - SMOOTHING)
    return (activation / weight).astype(np.float32)


def _quantized(model, names: list[str]) -> bytes:
    """ONNX Runtime's dynamic quantisation of the `names` products: int8 weights per
    output channel in 7 bits, uint8 activations scaled per tensor at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it advises "pre-processing", which this graph needs not
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "int8.onnx"
            quantize_dynamic(
                model,
                out,
                per_channel=True,
                reduce_range=True,
                weight_type=QuantType.QInt8,
                nodes_to_quantize=names,
            )
            return out.read_bytes()
    finally:
        quiet.setLevel(level)
