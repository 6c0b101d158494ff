"""The portal connects only to public internet addresses of a host a customer names."""

import pytest

from core import addresses
from core.addresses import AddressNotPublic


def _resolving_to(monkeypatch, *found):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: list(found))


def test_a_host_with_only_public_addresses_is_returned_with_them(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert addresses.public_addresses("idp.example.com", 443) == [
        "93.184.216.34",
        "2606:2800:220:1:248:1893:25c8:1946",
    ]


@pytest.mark.parametrize(
    "private",
    [
        "169.254.169.254",
        "10.0.0.7",
        "::1",
        "::ffff:192.168.0.1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:7::1",  # 6to4 of 10.0.0.7
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo of 10.0.0.1
    ],
)
def test_one_address_that_is_not_public_refuses_the_host(monkeypatch, private):
    _resolving_to(monkeypatch, "93.184.216.34", private)
    with pytest.raises(AddressNotPublic) as refused:
        addresses.public_addresses("idp.example.com", 443)
    assert refused.value.address == private


def test_loopback_passes_only_when_allowed_and_nothing_else_private_does(monkeypatch):
    _resolving_to(monkeypatch, "127.0.0.1")
    assert addresses.public_addresses("idp.test", 80, allow_loopback=True) == ["127.0.0.1"]
    with pytest.raises(AddressNotPublic):
        addresses.public_addresses("idp.test", 80)
    _resolving_to(monkeypatch, "10.0.0.7")
    with pytest.raises(AddressNotPublic):
        addresses.public_addresses("idp.test", 80, allow_loopback=True)


def test_a_name_without_addresses_is_an_os_error(monkeypatch):
    _resolving_to(monkeypatch)
    with pytest.raises(OSError):
        addresses.public_addresses("nowhere.test", 443)
