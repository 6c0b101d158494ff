"""A loopback DNS server (dnsmasq) serving the catalogue's zones, and sending assets."""

import pytest

from deliverability.models import SendingDomain, SendingIP
from tests.dns_server import DnsServer, dnsmasq_missing_reason

ACTIVE_IP_ZONES = [
    "zen.spamhaus.org",
    "b.barracudacentral.org",
    "bl.spamcop.net",
    "dnsbl-1.uceprotect.net",
    "bl.mailspike.net",
    "psbl.surriel.com",
]
DOMAIN_TEST_POINTS = {
    "dbltest.com.dbl.spamhaus.org": ["127.0.1.2"],
    "test.surbl.org.multi.surbl.org": ["127.0.0.8"],
    "test.uribl.com.multi.uribl.com": ["127.0.0.2"],
}
ZONES = [*ACTIVE_IP_ZONES, "dbl.spamhaus.org", "multi.surbl.org", "multi.uribl.com"]


def healthy_records() -> dict[str, list[str]]:
    """Every zone passes its test points; nothing else is listed."""
    records = {f"2.0.0.127.{zone}": ["127.0.0.2"] for zone in ACTIVE_IP_ZONES}
    records.update(DOMAIN_TEST_POINTS)
    return records


@pytest.fixture
def dns_zones(settings):
    """start(records, txt) -> a running DnsServer that the checker is pointed at."""
    reason = dnsmasq_missing_reason()
    if reason:
        pytest.skip(reason)
    servers = []

    def start(records=None, txt=None):
        server = DnsServer(ZONES, {**healthy_records(), **(records or {})}, txt).start()
        servers.append(server)
        settings.BLOCKLIST_NAMESERVERS = [server.nameserver]
        settings.BLOCKLIST_TIMEOUT_SECONDS = 0.5
        settings.BLOCKLIST_RETRIES = 0
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def ip_a(account_a):
    return SendingIP.objects.create(account=account_a, address="192.0.2.10", stream="transactional")


@pytest.fixture
def ip6_a(account_a):
    return SendingIP.objects.create(account=account_a, address="2001:db8::10", stream="bulk")


@pytest.fixture
def domain_a(account_a):
    return SendingDomain.objects.create(
        account=account_a, name="news.alpha.example", purpose=SendingDomain.Purpose.FROM
    )


@pytest.fixture
def ip_b(account_b):
    return SendingIP.objects.create(account=account_b, address="198.51.100.20", stream="bulk")


from tests.deliverability.programme_fixtures import (  # noqa: E402, F401
    actual_over_plan,
    listing_a,
    note_a,
    plan_a,
    remediation_a,
    session_a,
)
