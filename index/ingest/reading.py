"""Reading raw bytes from files and folders, and decoding them to text."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import IngestError
from index.text.cleaning import strip_controls

MAX_FILE_BYTES = 256 * 1024 * 1024
# Share of NUL bytes above which a file is binary rather than text with a stray NUL.
_BINARY_NUL_SHARE = 0.01
# C0 controls other than tab and newlines: never part of an article, and NUL cuts
# strings short in C libraries (SQLite's substr among them).


@dataclass(frozen=True)
class RawSource:
    """Bytes read from one file or URL; `content_type` is the HTTP header when fetched."""

    origin: str
    data: bytes
    content_type: str | None = None


def expand_targets(targets: list[str]) -> Iterator[str]:
    """Yield URLs and files; folders are walked recursively in sorted order, skipping
    hidden entries and not following symlinked folders. Anything else (a missing path,
    a FIFO) is yielded as is so that reading it reports the error."""
    for target in targets:
        if target.startswith(("http://", "https://")):
            yield target
            continue
        path = Path(target)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield str(Path(root) / name)
        else:
            yield target


def read_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> RawSource:
    """The bytes of a regular file; FIFOs, sockets and devices are refused without being
    opened for a blocking read."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IngestError(path, "is a directory")
        if not stat.S_ISREG(mode):
            raise IngestError(path, f"not a regular file ({_kind(mode)}); skipped")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise IngestError(path, "not a regular file; skipped")
            if size > max_bytes:
                raise IngestError(
                    path, f"file is {size:,} bytes, over the {max_bytes:,} byte limit"
                )
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except OSError as error:
        raise IngestError(path, error.strerror or str(error)) from None
    if len(data) > max_bytes:
        raise IngestError(path, f"file is over the {max_bytes:,} byte limit")
    return RawSource(origin=os.path.abspath(path), data=data)


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    for test, name in kinds:
        if test(mode):
            return name
    return "a special file"


def decode_text(raw: RawSource) -> str:
    """Decode bytes to str: UTF-16 (by BOM, or by the zero bytes of ASCII text without
    one), UTF-8 (with or without BOM), then a detected charset. Stray NUL and other C0
    control characters are removed.

    Raises IngestError for empty input, binary data, text that is mostly UTF-8 but
    broken in places (mixed encodings), and bytes whose encoding cannot be determined.
    """
    data = raw.data
    if not data.strip():
        raise IngestError(raw.origin, "empty file")
    utf16 = _utf16_codec(data)
    if utf16:
        try:
            return _clean(data.decode(utf16), raw.origin)
        except UnicodeDecodeError:
            raise IngestError(raw.origin, "invalid UTF-16 text") from None
    if data.count(0) > _BINARY_NUL_SHARE * len(data) or _looks_binary(data[:8192]):
        raise IngestError(raw.origin, "binary file (NUL bytes), not text")
    try:
        return _clean(data.decode("utf-8-sig"), raw.origin)
    except UnicodeDecodeError as error:
        utf8_error = error
    if _has_valid_multibyte_utf8(data):
        raise IngestError(
            raw.origin,
            f"invalid UTF-8 at byte {utf8_error.start} in otherwise UTF-8 text (mixed encodings)",
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is None or best.chaos > 0.2:
        raise IngestError(raw.origin, "cannot determine the text encoding")
    return _clean(data.decode(best.encoding, errors="replace"), raw.origin)


def _clean(text: str, origin: str) -> str:
    text = strip_controls(text.lstrip("\ufeff"))
    if not text.strip():
        raise IngestError(origin, "empty file")
    return text


def _utf16_codec(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    # ASCII-range text in UTF-16 has a zero in every other byte.
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(head: bytes) -> bool:
    """Magic numbers of compressed and image files, which decode as "text" in Latin-1."""
    return head.startswith(
        (
            b"\x1f\x8b",
            b"PK\x03\x04",
            b"BZh",
            b"\xfd7zXZ",
            b"7z\xbc\xaf",
            b"\x28\xb5\x2f\xfd",
            b"\x89PNG",
            b"\xff\xd8\xff",
            b"GIF8",
            b"%PDF",
            b"\x7fELF",
        )
    )


def _has_valid_multibyte_utf8(data: bytes) -> bool:
    """True when the bytes contain well-formed multi-byte UTF-8 sequences."""
    text = data[: 1024 * 1024].decode("utf-8", errors="replace")
    return any(ord(char) > 0x7F and char != "\ufffd" for char in text)
