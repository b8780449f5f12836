"""ONNX Runtime session options shared by the question encoder (bert_onnx.py) and its
int8 calibration (bert_int8.py): a graph on a fixed number of threads, one operator at
a time."""

from __future__ import annotations


def session_options(threads: int):
    """ONNX Runtime options for a graph on `threads` threads, one operator at a time."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only: its warnings are about fusions it skipped
    return options
