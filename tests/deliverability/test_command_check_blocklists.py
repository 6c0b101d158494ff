"""manage.py check_blocklists: a check at once, a summary per asset."""

import pytest
from django.core.management import CommandError, call_command

from deliverability.models import CheckRun


def test_it_prints_a_summary_per_asset(dns_zones, ip_a, domain_a, ip_b, capsys):
    dns_zones({"10.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    call_command("check_blocklists")
    out = capsys.readouterr().out
    assert "192.0.2.10 [Alpha Mail BV]: 5 clean; LISTED on Spamhaus ZEN (SBL" in out
    assert "news.alpha.example (from) [Alpha Mail BV]: 3 clean" in out
    assert "198.51.100.20 [Bravo Sending Ltd]: 6 clean" in out
    assert CheckRun.objects.get().status == CheckRun.Status.FINISHED


def test_it_checks_one_account_when_asked(dns_zones, ip_a, ip_b, capsys):
    dns_zones()
    call_command("check_blocklists", account="alpha mail bv")
    out = capsys.readouterr().out
    assert "192.0.2.10" in out and "198.51.100.20" not in out


def test_unanswered_queries_are_reported_without_failing(ip_a, settings, capsys):
    from tests.dns_server import SilentServer

    server = SilentServer()
    settings.BLOCKLIST_NAMESERVERS = [server.nameserver]
    settings.BLOCKLIST_TIMEOUT_SECONDS = 0.2
    settings.BLOCKLIST_RETRIES = 0
    try:
        call_command("check_blocklists")
    finally:
        server.close()
    out = capsys.readouterr().out
    assert "failed its test points" in out
    assert "not checked: Spamhaus ZEN (unhealthy_zone)" in out


def test_a_bad_nameserver_setting_fails_with_a_sentence(settings, db):
    settings.BLOCKLIST_NAMESERVERS = ["resolver.example"]
    with pytest.raises(CommandError, match="BLOCKLIST_NAMESERVERS"):
        call_command("check_blocklists")


def test_an_unknown_account_fails_with_a_sentence(db):
    with pytest.raises(CommandError, match="--account"):
        call_command("check_blocklists", account="Nobody Ltd")
