"""Which hosts a URL fetch may reach.

By default only public addresses: loopback, private (RFC 1918, ULA), link-local (and so
cloud metadata at 169.254.169.254), multicast, reserved and unspecified addresses are
refused, after DNS resolution, for every hop of a redirect chain, and the connection
goes to the addresses that were checked (no second lookup to rebind). A newsroom that
ingests from its intranet lists those hosts or networks in `NEWSDESK_ALLOW_HOSTS`
(comma-separated host names, addresses or CIDR networks, e.g.
`wire.intranet,10.20.0.0/16`).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

ALLOW_ENV = "NEWSDESK_ALLOW_HOSTS"


@dataclass(frozen=True)
class HostPolicy:
    """`allowed` host names (lower case) and networks that may be fetched although not
    public."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def from_env(cls) -> HostPolicy:
        return cls.from_list((os.environ.get(ALLOW_ENV) or "").split(","))

    @classmethod
    def from_list(cls, entries: Sequence[str]) -> HostPolicy:
        names, networks = set(), []
        for entry in (e.strip().lower() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(entry.strip("[]"))
        return cls(frozenset(names), tuple(networks))

    def refusal(self, host: str, port: int) -> str | None:
        """Why `host` may not be fetched, or None when it may. Resolves the name."""
        return self.check(host, port)[0]

    def check(self, host: str, port: int) -> tuple[str | None, tuple[str, ...]]:
        """(why `host` may not be fetched or None, the addresses it resolved to): the
        fetch connects to these addresses only (index/ingest/pinning.py)."""
        host = host.strip("[]").lower()
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            return f"cannot resolve host {host!r} ({error})", ()
        addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
        if host in self.allowed_names:
            return None, addresses
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if any(address in network for network in self.allowed_networks):
                continue
            kind = _non_public_kind(address)
            if kind:
                return (
                    f"refused: {host} resolves to {kind} address {address}; "
                    f"set {ALLOW_ENV} to allow an intranet host"
                ), ()
        return None, addresses


def _non_public_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    for kind, flag in (
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a private", address.is_private),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
    ):
        if flag:
            return kind
    return None if address.is_global else "a non-public"
