"""URL fetching against servers started on loopback: the address policy, redirects
checked hop by hop, and a total deadline that a dripping server cannot stretch."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index.errors import IngestError
from index.ingest.fetching import MAX_REDIRECTS, fetch_url
from index.ingest.netpolicy import ALLOW_ENV, HostPolicy
from index.ingest.pipeline import load_source

PAGE = b"Quay reopens\n\nThe old quay reopened on Friday after repairs that took a year."


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        port = self.server.server_address[1]
        if self.path == "/page":
            self._send(200, PAGE)
        elif self.path == "/to-loopback":
            self._redirect(f"http://127.0.0.1:{port}/page")
        elif self.path.startswith("/hop/"):
            self._redirect(f"/hop/{int(self.path.split('/')[-1]) + 1}")
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.3)
        else:
            self._send(404, b"")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_loopback_is_refused_by_default(port: int, monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    result = load_source(f"http://127.0.0.1:{port}/page")
    assert result.error == (
        f"http://127.0.0.1:{port}/page: refused: 127.0.0.1 resolves to a loopback address "
        f"127.0.0.1; set {ALLOW_ENV} to allow an intranet host"
    )
    assert "localhost resolves to a loopback" in load_source(f"http://localhost:{port}/x").error


def test_an_allowed_intranet_host_is_fetched(port: int, monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.0/8")
    result = load_source(f"http://127.0.0.1:{port}/page")
    assert result.error is None and result.documents[0].title == "Quay reopens"


def test_every_redirect_hop_is_checked(port: int, monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "localhost")
    result = load_source(f"http://localhost:{port}/to-loopback")
    assert "refused: 127.0.0.1 resolves to a loopback address" in result.error


def test_redirects_are_bounded(port: int):
    policy = HostPolicy.from_list(["127.0.0.1"])
    with pytest.raises(IngestError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch_url(f"http://127.0.0.1:{port}/hop/0", policy=policy)


def test_a_dripping_server_cannot_outlast_the_total_deadline(port: int):
    policy = HostPolicy.from_list(["127.0.0.1"])
    started = time.monotonic()
    with pytest.raises(IngestError, match="timed out after 1.5 s"):
        fetch_url(f"http://127.0.0.1:{port}/drip", timeout_s=1.5, policy=policy)
    assert time.monotonic() - started < 3.5


@pytest.mark.parametrize(
    "host,kind",
    [
        ("10.1.2.3", "private"),
        ("192.168.0.9", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fd00::1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_non_public_addresses_are_refused(host: str, kind: str):
    refusal = HostPolicy().refusal(host, 80)
    assert refusal.startswith(f"refused: {host} resolves to a") and f"{kind} address" in refusal


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "http://"])
def test_schemes_other_than_http_and_urls_without_a_host_are_refused(url: str):
    with pytest.raises(IngestError, match="is not an http\\(s\\) URL"):
        fetch_url(url)


@pytest.mark.parametrize(
    "url,reason",
    [
        ("http://example.com:99999/", "Port out of range"),
        ("http://[::1/", "Invalid IPv6 URL"),
        ("http://exa\tmple.com/", "space or control character"),
    ],
)
def test_a_malformed_url_is_one_reported_line_and_the_batch_goes_on(url, reason, tmp_path):
    from index.ingest.pipeline import load_sources

    good = tmp_path / "good.txt"
    good.write_bytes(PAGE)
    results = list(load_sources([url, str(good)]))
    # The line names the URL (control characters escaped, so it stays one line).
    assert results[0].origin == url and "not a valid URL" in results[0].error
    assert reason in results[0].error and "\n" not in results[0].error
    assert results[1].error is None and results[1].documents


SECRET = b"Internal only\n\nThe admin console of a machine the policy refuses."


class _SecretHandler(_Handler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        self._send(200, SECRET)


def test_a_host_that_rebinds_after_the_check_is_reached_only_at_the_checked_address(
    port: int, monkeypatch
):
    """DNS rebinding: the resolver answers an allowed address to the check and a refused
    one (127.0.0.2, where a 'secret' server listens on the same port) afterwards."""
    import socket

    secret = ThreadingHTTPServer(("127.0.0.2", port), _SecretHandler)
    threading.Thread(target=secret.serve_forever, daemon=True).start()
    real_lookup, answers = socket.getaddrinfo, []

    def rebinding_lookup(host, *args, **kwargs):
        if host != "rebind.test":
            return real_lookup(host, *args, **kwargs)
        answers.append("127.0.0.1" if not answers else "127.0.0.2")
        return real_lookup(answers[-1], *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_lookup)
    try:
        raw = fetch_url(
            f"http://rebind.test:{port}/page", policy=HostPolicy.from_list(["127.0.0.1/32"])
        )
    finally:
        secret.shutdown()
    assert raw.data == PAGE
    assert answers == ["127.0.0.1"]  # looked up once, by the check


def test_a_redirect_to_another_host_is_connected_at_its_own_checked_address(port: int):
    policy = HostPolicy.from_list(["127.0.0.1", "localhost"])
    assert fetch_url(f"http://localhost:{port}/to-loopback", policy=policy).data == PAGE
