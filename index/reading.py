"""Reading raw bytes from files, folders and http(s) URLs, and decoding them to text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import IngestError

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_URL_BYTES = 32 * 1024 * 1024
URL_TIMEOUT_S = 15.0
USER_AGENT = "newsdesk/0.1 (+archive ingestion)"


@dataclass(frozen=True)
class RawSource:
    """Bytes read from one file or URL; `content_type` is the HTTP header when fetched."""

    origin: str
    data: bytes
    content_type: str | None = None


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def expand_targets(targets: list[str]) -> Iterator[str]:
    """Yield URLs and files; folders are walked recursively in sorted order, skipping
    hidden entries. A missing path is yielded as is so that reading it reports the error."""
    for target in targets:
        if is_url(target):
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
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise IngestError(path, f"file is {size:,} bytes, over the {max_bytes:,} byte limit")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except IsADirectoryError:
        raise IngestError(path, "is a directory") from None
    except OSError as error:
        raise IngestError(path, error.strerror or str(error)) from None
    if len(data) > max_bytes:
        raise IngestError(path, f"file is over the {max_bytes:,} byte limit")
    return RawSource(origin=os.path.abspath(path), data=data)


def fetch_url(
    url: str, timeout_s: float = URL_TIMEOUT_S, max_bytes: int = MAX_URL_BYTES
) -> RawSource:
    """GET `url`, following redirects, refusing bodies over `max_bytes`."""
    import httpx

    try:
        with (
            httpx.Client(
                timeout=timeout_s, follow_redirects=True, headers={"User-Agent": USER_AGENT}
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > max_bytes:
                raise IngestError(url, f"response is {declared:,} bytes, over the limit")
            body = bytearray()
            for piece in response.iter_bytes():
                body.extend(piece)
                if len(body) > max_bytes:
                    raise IngestError(url, f"response is over the {max_bytes:,} byte limit")
            content_type = response.headers.get("content-type")
    except httpx.TimeoutException:
        raise IngestError(url, f"timed out after {timeout_s:g} s") from None
    except httpx.HTTPError as error:
        raise IngestError(url, f"fetch failed: {type(error).__name__}: {error}") from None
    return RawSource(origin=url, data=bytes(body), content_type=content_type)


def read_source(target: str) -> RawSource:
    return fetch_url(target) if is_url(target) else read_file(target)


def decode_text(raw: RawSource) -> str:
    """Decode bytes to str: UTF-8 (with or without BOM) first, then a detected charset.

    Raises IngestError for empty input, binary data, text that is mostly UTF-8 but
    broken in places (mixed encodings), and bytes whose encoding cannot be determined.
    """
    data = raw.data
    if not data.strip():
        raise IngestError(raw.origin, "empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(raw.origin, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    if _has_valid_multibyte_utf8(data):
        raise IngestError(
            raw.origin,
            f"invalid UTF-8 at byte {utf8_error.start} in otherwise UTF-8 text (mixed encodings)",
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise IngestError(raw.origin, "cannot determine the text encoding")
    return str(best)


def _has_valid_multibyte_utf8(data: bytes) -> bool:
    """True when the bytes contain well-formed multi-byte UTF-8 sequences."""
    text = data.decode("utf-8", errors="replace")
    return any(ord(char) > 0x7F and char != "\ufffd" for char in text)
