"""A check whose resolver does not answer: told apart from lists that fail, shown to the
customer as a check that could not run, and told to staff once per failure streak."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from deliverability import tasks
from deliverability.blocklists import history
from deliverability.models import CheckRun, ListingState
from tests.deliverability.conftest import ZONES, healthy_records
from tests.dns_server import DnsServer, SilentServer, dnsmasq_missing_reason
from tests.html import Page, attr, select, text

HOME = reverse("deliverability:home")


@pytest.fixture
def resolver(settings):
    """up() points the checker at a working resolver, down() at one that never answers."""
    if reason := dnsmasq_missing_reason():
        pytest.skip(reason)
    working = DnsServer(ZONES, healthy_records()).start()
    silent = SilentServer()
    settings.BLOCKLIST_TIMEOUT_SECONDS = 0.2
    settings.BLOCKLIST_RETRIES = 0

    class Resolver:
        def up(self):
            settings.BLOCKLIST_NAMESERVERS = [working.nameserver]

        def down(self):
            settings.BLOCKLIST_NAMESERVERS = [silent.nameserver]

    yield Resolver()
    working.stop()
    silent.close()


@pytest.fixture
def scheduled_check(django_capture_on_commit_callbacks):
    """Celery beat's check, its tasks run here; the run it made."""

    def run(at: str) -> CheckRun:
        with time_machine.travel(at), django_capture_on_commit_callbacks(execute=True):
            run_id = tasks.scheduled_check_task.apply(throw=True).get()
        return CheckRun.objects.get(pk=run_id)

    return run


def _staff_alerts(manager):
    return [m for m in mail.outbox if manager.email in m.to]


def test_a_run_whose_every_zone_fails_could_not_run_and_keeps_the_last_answers(
    resolver, scheduled_check, ip_a, manager
):
    resolver.up()
    scheduled_check("2026-12-04T08:00Z")
    resolver.down()
    run = scheduled_check("2026-12-04T09:00Z")
    assert run.status == CheckRun.Status.FINISHED and run.resolver_failed
    assert run.chunks_done == run.chunks_total
    states = ListingState.objects.filter(sending_ip=ip_a)
    assert states.count() == 6
    assert not states.exclude(state="clean").exists() and not states.exclude(error_kind="").exists()


def test_staff_are_alerted_once_per_failure_streak(
    resolver, scheduled_check, ip_a, manager, settings
):
    resolver.up()
    scheduled_check("2026-12-04T08:00Z")
    resolver.down()
    scheduled_check("2026-12-04T09:00Z")
    scheduled_check("2026-12-04T10:00Z")
    [alert] = _staff_alerts(manager)
    assert alert.subject == "Blocklist checks cannot run: the DNS resolver does not answer"
    assert "check of 4 Dec 2026 10:00 CET" in alert.body  # the manager's zone
    assert f"BLOCKLIST_NAMESERVERS: {settings.BLOCKLIST_NAMESERVERS[0]})" in alert.body
    assert "Last check that ran: 4 Dec 2026 09:00 CET." in alert.body

    resolver.up()
    scheduled_check("2026-12-04T11:00Z")
    assert len(_staff_alerts(manager)) == 1
    resolver.down()
    scheduled_check("2026-12-04T12:00Z")
    assert len(_staff_alerts(manager)) == 2
    assert "Last check that ran: 4 Dec 2026 12:00 CET." in _staff_alerts(manager)[1].body


def test_the_alert_reaches_support_managers_only_in_their_language(
    resolver, scheduled_check, ip_a, manager, agent, tam_a
):
    manager.language, manager.time_zone = "nl", "Europe/Amsterdam"
    manager.save()
    resolver.down()
    scheduled_check("2026-12-04T09:00Z")
    assert [m.to for m in mail.outbox] == [[manager.email]]
    [alert] = mail.outbox
    assert alert.subject == (
        "Blocklistcontroles kunnen niet draaien: de DNS-resolver antwoordt niet"
    )
    assert alert.body.startswith("Bij de controle van 4 ")
    assert "Laatste controle die draaide: nooit." in alert.body


def test_the_customer_page_says_the_check_could_not_run_and_when_it_last_ran(
    resolver, scheduled_check, ip_a, domain_a, client_a, customer_a
):
    customer_a.time_zone = "UTC"
    customer_a.save()
    resolver.up()
    scheduled_check("2026-12-04T08:00Z")
    resolver.down()
    scheduled_check("2026-12-04T09:00Z")
    body = Page(client_a.get(HOME))
    assert body.text('[data-testid="check-not-run"]') == (
        "Our latest check, at 4 Dec 2026 09:00 UTC, could not run because of a fault on our "
        "side (our DNS resolver did not answer); the states below are from the last check that "
        "ran, at 4 Dec 2026 08:00 UTC."
    )
    assert "List not working correctly" not in body
    assert len(body.select('[data-state="clean"]')) == 9

    resolver.up()
    scheduled_check("2026-12-04T10:00Z")
    assert not Page(client_a.get(HOME)).has('[data-testid="check-not-run"]')


def test_a_check_that_never_ran_says_so_in_dutch(
    resolver, scheduled_check, ip_a, client_a, customer_a
):
    customer_a.language = "nl"
    customer_a.save()
    resolver.down()
    scheduled_check("2026-12-04T09:00Z")
    sentence = Page(client_a.get(HOME)).text('[data-testid="check-not-run"]')
    assert sentence.startswith("Onze laatste controle, op 4 ")
    assert sentence.endswith(
        " 2026 10:00 CET, kon niet draaien door een storing aan onze kant (onze DNS-resolver "
        "antwoordde niet); er is nog geen controle van uw verzend-IP's en -domeinen gedraaid."
    )


def test_a_zone_failing_alone_is_a_list_failure_not_a_check_that_could_not_run(
    dns_zones, scheduled_check, ip_a, client_a, manager
):
    dns_zones({"1.0.0.127.zen.spamhaus.org": ["127.0.0.2"]})  # lists the world
    run = scheduled_check("2026-12-04T09:00Z")
    assert not run.resolver_failed
    body = Page(client_a.get(HOME))
    assert not body.has('[data-testid="check-not-run"]')
    assert "List not working correctly" in body
    assert _staff_alerts(manager) == []


def test_the_history_chart_shows_when_checks_could_not_run(
    resolver, scheduled_check, ip_a, client_a
):
    resolver.up()
    scheduled_check("2026-12-03T08:00Z")
    resolver.down()
    scheduled_check("2026-12-03T09:00Z")
    scheduled_check("2026-12-03T10:00Z")
    resolver.up()
    scheduled_check("2026-12-03T11:00Z")
    with time_machine.travel("2026-12-04T08:00Z"):
        body = Page(client_a.get(reverse("deliverability:ip", args=[ip_a.pk])))
    svg = body.one("svg.blocklist-history")
    [stretch] = select(svg, 'rect[data-state="not-run"]')
    assert text(stretch, "title").startswith("check could not run: 3 Dec 09:00 – 3 Dec 11:00")
    assert attr(svg, 'rect[data-state="not-run"]', "height") == str(6 * 30 - 8)
    assert "check could not run" in body.text(".card-body .small")


START = datetime(2026, 12, 1, tzinfo=UTC)


def at(hours: int) -> datetime:
    return START + timedelta(hours=hours)


def test_runs_that_could_not_run_make_one_stretch_until_the_next_that_could():
    runs = [(at(3), False), (at(1), True), (at(0), False), (at(2), True), (at(5), True)]
    assert history.not_run(runs, end=at(8)) == [
        history.Stretch(at(1), at(3)),
        history.Stretch(at(5), at(8)),
    ]
    assert history.not_run([(at(0), False)], end=at(8)) == []
