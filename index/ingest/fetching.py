"""Fetching http(s) URLs for ingestion: bounded in time, size and redirects, and only
from hosts the address policy allows (index/netpolicy.py)."""

from __future__ import annotations

import threading
import time
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies

from index.errors import IngestError
from index.ingest.netpolicy import HostPolicy
from index.ingest.pinning import Pins, pinned_transport
from index.ingest.reading import RawSource

MAX_URL_BYTES = 32 * 1024 * 1024
URL_TIMEOUT_S = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "newsdesk/0.1 (+archive ingestion)"


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def fetch_url(
    url: str,
    timeout_s: float = URL_TIMEOUT_S,
    max_bytes: int = MAX_URL_BYTES,
    policy: HostPolicy | None = None,
) -> RawSource:
    """GET `url` within `timeout_s` in total (connecting, every redirect and the whole
    body), following at most MAX_REDIRECTS redirects, each to an allowed host."""
    import httpx

    policy = policy or HostPolicy.from_env()
    deadline = time.monotonic() + timeout_s
    current = url
    pins = Pins()
    try:
        with _client(timeout_s, pins) as client:
            for _ in range(MAX_REDIRECTS + 1):
                _check_target(url, current, policy, pins)
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    return _read_body(url, response, max_bytes, deadline, timeout_s)
            raise IngestError(url, f"more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise IngestError(url, f"timed out after {timeout_s:g} s") from None
    except httpx.InvalidURL as error:
        raise IngestError(url, f"not a valid URL: {error}") from None
    except httpx.HTTPError as error:
        if time.monotonic() >= deadline:
            raise IngestError(url, f"timed out after {timeout_s:g} s") from None
        raise IngestError(url, f"fetch failed: {type(error).__name__}: {error}") from None


def _client(timeout_s: float, pins: Pins):
    """A client that connects to the pinned addresses; through the environment's proxy
    instead when one is set (the proxy then resolves names, so nothing can be pinned)."""
    import httpx

    options = {
        "timeout": timeout_s,
        "follow_redirects": False,
        "headers": {"User-Agent": USER_AGENT},
    }
    if any(scheme in ("http", "https", "all") for scheme in getproxies()):
        return httpx.Client(**options)
    return httpx.Client(transport=pinned_transport(pins), **options)


def _check_target(origin: str, target: str, policy: HostPolicy, pins: Pins) -> None:
    try:
        parts = urlsplit(target)
        given_port = parts.port  # raises for a port out of range
    except ValueError as error:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        raise IngestError(origin, f"not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IngestError(origin, f"refused: {target} is not an http(s) URL")
    if any(ord(c) < 33 or ord(c) == 127 for c in target):
        raise IngestError(origin, "not a valid URL: it holds a space or control character")
    port = given_port or (443 if parts.scheme == "https" else 80)
    refusal, addresses = policy.check(parts.hostname, port)
    if refusal:
        raise IngestError(origin, refusal)
    pins.pin(parts.hostname, port, addresses)


def _read_body(url: str, response, max_bytes: int, deadline: float, timeout_s: float):
    if response.status_code >= 400:
        raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}")
    declared = int(response.headers.get("content-length") or 0)
    if declared > max_bytes:
        raise IngestError(url, f"response is {declared:,} bytes, over the limit")
    # A server that drips a byte at a time never trips the per-read timeout; closing the
    # stream at the deadline ends a read that is still blocked then.
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), response.close)
    watchdog.daemon = True
    watchdog.start()
    body = bytearray()
    try:
        for piece in response.iter_bytes():
            body.extend(piece)
            if len(body) > max_bytes:
                raise IngestError(url, f"response is over the {max_bytes:,} byte limit")
            if time.monotonic() >= deadline:
                raise IngestError(url, f"timed out after {timeout_s:g} s")
    except IngestError:
        raise
    except Exception:
        if time.monotonic() >= deadline:
            raise IngestError(url, f"timed out after {timeout_s:g} s") from None
        raise
    finally:
        watchdog.cancel()
    return RawSource(url, bytes(body), response.headers.get("content-type"))
