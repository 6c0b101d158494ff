"""Demo data: sending IPs (IPv4 and IPv6) and domains on each demo account."""

from accounts import demo as accounts_demo
from deliverability import demo
from deliverability.models import SendingDomain, SendingIP


def test_each_demo_account_gets_ipv4_ipv6_and_domains_and_a_second_run_changes_nothing(db):
    accounts_demo.seed()
    demo.seed()
    counts = (SendingIP.objects.count(), SendingDomain.objects.count())
    demo.seed()
    assert (SendingIP.objects.count(), SendingDomain.objects.count()) == counts
    for name in demo.ASSETS:
        versions = {ip.version for ip in SendingIP.objects.filter(account__name=name)}
        assert versions == {4, 6}
        assert SendingDomain.objects.filter(account__name=name).count() == 4
