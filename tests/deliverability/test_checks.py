"""A bad blocklist setting is reported at start-up, in a sentence."""

from deliverability.checks import blocklist_settings


def test_good_settings_pass(settings):
    settings.BLOCKLIST_NAMESERVERS = ["127.0.0.1:5353", "::1"]
    assert blocklist_settings(None) == []


def test_a_nameserver_that_is_not_an_address_is_reported(settings):
    settings.BLOCKLIST_NAMESERVERS = ["resolver.example"]
    [error] = blocklist_settings(None)
    assert error.id == "deliverability.E001"
    assert "BLOCKLIST_NAMESERVERS" in error.msg and "not an IP address" in error.msg


def test_a_zero_concurrency_is_reported(settings):
    settings.BLOCKLIST_CONCURRENCY = 0
    [error] = blocklist_settings(None)
    assert "BLOCKLIST_CONCURRENCY" in error.msg
