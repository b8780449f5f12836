"""Near-duplicate detection with MinHash and banded LSH.

Estimates the Jaccard similarity of word 3-shingle sets (Broder, "On the resemblance
and containment of documents", 1997); banding (Indyk & Motwani, 1998) finds candidate
pairs without comparing every pair. 32 bands of 4 rows make a pair with Jaccard 0.5
a candidate with probability 0.87 and one with Jaccard 0.2 with probability 0.05;
candidates are then confirmed on the full 128-value signature.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
MIN_SHINGLES = 8
THRESHOLD = 0.5
SEED = 1
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }


def signature(text: str) -> np.ndarray | None:
    """(128,) uint64 MinHash signature, or None for a text too short to compare."""
    from datasketch import MinHash

    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch(list(grams))
    return minhash.hashvalues.astype(np.uint64)


def band_keys(sig: np.ndarray) -> list[tuple[int, str]]:
    """(band, bucket) pairs: documents sharing any pair are candidate duplicates."""
    return [
        (band, hashlib.sha1(sig[band * ROWS : (band + 1) * ROWS].tobytes()).hexdigest()[:16])
        for band in range(BANDS)
    ]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    return float(np.mean(first == second))


def to_blob(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u8").tobytes()


def from_blob(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype="<u8").astype(np.uint64)
