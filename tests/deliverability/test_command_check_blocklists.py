"""manage.py check_blocklists: a check at once, a summary per asset."""

import pytest
from django.core.management import CommandError, call_command

from deliverability.models import CheckRun, ListingState


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


def test_a_zone_failing_its_test_points_is_reported_without_failing(dns_zones, ip_a, capsys):
    dns_zones({"1.0.0.127.zen.spamhaus.org": ["127.0.0.2"]})  # lists the world
    call_command("check_blocklists")
    out = capsys.readouterr().out
    assert "zen.spamhaus.org: failed its test points; its answers were not used" in out
    assert "192.0.2.10 [Alpha Mail BV]: 5 clean; not checked: Spamhaus ZEN (unhealthy_zone)" in out


def test_a_resolver_that_does_not_answer_fails_naming_the_nameserver_setting(ip_a, settings):
    from tests.dns_server import SilentServer

    server = SilentServer()
    settings.BLOCKLIST_NAMESERVERS = [server.nameserver]
    settings.BLOCKLIST_TIMEOUT_SECONDS = 0.2
    settings.BLOCKLIST_RETRIES = 0
    try:
        with pytest.raises(CommandError) as failed:
            call_command("check_blocklists")
    finally:
        server.close()
    assert str(failed.value) == (
        "The check could not run: every list failed its test points, so the DNS resolver did "
        f"not answer. Point the BLOCKLIST_NAMESERVERS setting (now: {server.nameserver}) at a "
        "resolver that answers from this machine."
    )
    assert CheckRun.objects.get().resolver_failed
    assert not ListingState.objects.exists()


def test_a_bad_nameserver_setting_fails_with_a_sentence(settings, db):
    settings.BLOCKLIST_NAMESERVERS = ["resolver.example"]
    with pytest.raises(CommandError, match="BLOCKLIST_NAMESERVERS"):
        call_command("check_blocklists")


def test_an_unknown_account_fails_with_a_sentence(db):
    with pytest.raises(CommandError, match="--account"):
        call_command("check_blocklists", account="Nobody Ltd")
