"""Which internet addresses the portal may connect to when a customer names the host: only
public ones, never this machine, its private network or a cloud's metadata address."""

from __future__ import annotations

import ipaddress
import socket


class AddressNotPublic(Exception):
    """The host resolves to an address the portal must not connect to."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} is not at a public internet address")
        self.host = host
        self.address = address


def _ip(address: str):
    # An IPv4 address carried in IPv6 reaches the IPv4 host: written as IPv6
    # (::ffff:10.0.0.1), or tunnelled by 6to4 (2002:7f00:1::) or Teredo.
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return ip


def is_public(address: str) -> bool:
    ip = _ip(address)
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_loopback(address: str) -> bool:
    return _ip(address).is_loopback


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses (the system resolver; a test may put another here)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_addresses(host: str, port: int, *, allow_loopback: bool = False) -> list[str]:
    """The host's addresses, every one public (or loopback, when allowed: the test suite's
    servers). One address that is not refuses the host: the connection must go to an
    address that was checked. Raises AddressNotPublic, or OSError when the name is unknown."""
    addresses = resolve(host, port)
    if not addresses:
        raise OSError(f"{host} has no address")
    for address in addresses:
        if not (is_public(address) or (allow_loopback and is_loopback(address))):
            raise AddressNotPublic(host, address)
    return addresses
