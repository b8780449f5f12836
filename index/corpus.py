"""The bundled demo corpus: the sample pages shipped with newsdesk."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def demo_corpus_dir() -> Path:
    return Path(str(files("index") / "demo_corpus"))
