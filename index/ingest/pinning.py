"""Connecting to the address the host policy checked, not to a second lookup's answer.

A resolver that answers a public address to the check and a loopback or private one to
the connection (DNS rebinding) would otherwise reach what the policy refuses. The
fetcher records the addresses it checked for each hop (`Pins`), and the HTTP client's
network backend connects only to those; TLS still verifies the certificate against the
URL's host name (httpcore passes the origin host as the server name)."""

from __future__ import annotations

import threading


class Pins:
    """The checked addresses of each (host, port), for the backend to connect to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._addresses: dict[tuple[str, int], tuple[str, ...]] = {}

    def pin(self, host: str, port: int, addresses: tuple[str, ...]) -> None:
        with self._lock:
            self._addresses[(_key(host), port)] = addresses

    def addresses(self, host: str, port: int) -> tuple[str, ...] | None:
        with self._lock:
            return self._addresses.get((_key(host), port))


def _key(host: str) -> str:
    return host.strip("[]").lower()


def pinned_transport(pins: Pins):
    """An httpx transport whose every TCP connection goes to an address in `pins`; a
    host with none pinned is refused rather than looked up again."""
    import httpcore
    import httpx

    class PinnedBackend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            addresses = pins.addresses(host, port)
            if not addresses:
                raise httpcore.ConnectError(f"{host}:{port} was not checked before connecting")
            failure: Exception | None = None
            for address in addresses:
                try:
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except httpcore.ConnectError as error:
                    failure = error
            raise failure

    class PinnedTransport(httpx.HTTPTransport):
        def __init__(self) -> None:
            super().__init__(trust_env=False)
            # httpx takes no network backend; its pool is rebuilt with one, as plain as
            # the default apart from where it connects.
            self._pool = httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                max_connections=10,
                max_keepalive_connections=5,
                network_backend=PinnedBackend(),
            )

    return PinnedTransport()
