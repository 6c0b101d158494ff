"""Where a webhook may go: HTTPS to public internet addresses only, checked for every
address the name resolves to."""

import pytest

from webhooks import addresses
from webhooks.addresses import AddressRefused


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - refused, not bound
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_loopback_link_local_and_multicast_addresses_are_not_public(address):
    assert not addresses.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_internet_addresses_are_public(address):
    assert addresses.is_public(address)


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(AddressRefused) as refused:
        addresses.check("https://hooks.example.com/in", allow_private=False)
    assert "hooks.example.com is not at a public internet address" in refused.value.message
    # Which private address it was is not told: the form must not map the private network.
    assert "10.0.0.7" not in refused.value.message


def test_the_checked_address_is_the_one_connected_to(monkeypatch):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])
    target = addresses.check("https://hooks.example.com:8443/in?x=1", allow_private=False)
    assert target == addresses.Target("hooks.example.com", 8443, "/in?x=1", "93.184.216.34")


def test_a_name_that_does_not_resolve_is_refused_with_a_sentence(monkeypatch):
    def fail(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(addresses, "resolve", fail)
    with pytest.raises(AddressRefused) as refused:
        addresses.check("https://nowhere.example.com/", allow_private=False)
    assert refused.value.message == "The host nowhere.example.com could not be found (DNS)."


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/",
        "file:///etc/passwd",
        "https://@hooks.example.com/",
        "https://hooks.example.com:99999/",
        "https:///in",
        "https://hooks.example.com/#frag",
        "https://hooks.example.com/\r\nX-Injected: 1",
    ],
)
def test_urls_that_are_not_plain_https_are_refused(url):
    with pytest.raises(AddressRefused):
        addresses.split_url(url)


def test_an_internationalised_name_is_sent_as_its_ascii_form():
    assert addresses.split_url("https://bücher.example/in") == (
        "xn--bcher-kva.example",
        443,
        "/in",
    )
