"""The SLA sweep's own alarm, raised without beat: when the sweep has not completed for
HEALTH_SLA_SWEEP_ALARM_MINUTES, the next staff admin page shows a banner and alerts the
Support Managers and on-call, once per stale streak; customers see nothing of it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from core import heartbeats
from portal.admin import PortalAdminSite
from tests.factories import StaffFactory
from tests.html import Page, absent, one, page, text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SWEEP = "cases.sla_sweep"
ADMIN_PAGES = ["admin:index", "admin:cases_case_changelist"]


def alarms():
    return [m for m in mail.outbox if m.subject.startswith("The SLA sweep has not run")]


@pytest.fixture
def stopped_at():
    """The sweep last completed four minutes ago."""
    at = NOW - timedelta(minutes=4)
    heartbeats.record(SWEEP, now=at)
    return at


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_stopped_sweep_puts_a_banner_on_every_staff_admin_page(agent_client, stopped_at, name):
    response = agent_client.get(reverse(name))
    assert response.status_code == 200
    banner = one(page(response), "[data-testid='sla-sweep-alarm'] li.error")
    assert text(banner).startswith(
        "The SLA sweep has not run since 2026-03-02 10:56 CET: no SLA warning or breach is sent"
    )
    assert one(banner, "a").get("href") == reverse("health")


@time_machine.travel(NOW, tick=False)
def test_staff_are_alerted_once_per_stale_streak(agent_client, manager_client, agent, manager):
    heartbeats.record(SWEEP, now=NOW - timedelta(minutes=4))
    mail.outbox.clear()
    agent_client.get(reverse("admin:index"))
    (alert,) = alarms()
    assert set(alert.to) == {agent.email, manager.email}
    assert alert.subject == "The SLA sweep has not run since 2026-03-02 10:56 CET"
    assert "Check that Celery beat and at least one worker are running" in alert.body
    assert reverse("health") in alert.body

    # More pages, by anyone and from a process whose cache is empty: the same streak.
    agent_client.get(reverse("admin:cases_case_changelist"))
    cache.clear()
    manager_client.get(reverse("admin:index"))
    assert len(alarms()) == 1

    # The sweep runs again, then stops again: a new streak, a new alert.
    heartbeats.record(SWEEP, now=NOW)
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        body = Page(agent_client.get(reverse("admin:index")))
    assert "has not run since 2026-03-02 11:00 CET" in body
    assert len(alarms()) == 2


@time_machine.travel(NOW, tick=False)
def test_a_sweep_within_the_alarm_time_shows_and_sends_nothing(agent_client):
    heartbeats.record(SWEEP, now=NOW - timedelta(minutes=3))
    mail.outbox.clear()
    absent(page(agent_client.get(reverse("admin:index"))), "[data-testid='sla-sweep-alarm']")
    assert alarms() == []


@time_machine.travel(NOW, tick=False)
def test_the_alarm_time_is_a_setting(agent_client, settings):
    settings.HEALTH_SLA_SWEEP_ALARM_MINUTES = 10
    heartbeats.record(SWEEP, now=NOW - timedelta(minutes=4))
    absent(page(agent_client.get(reverse("admin:index"))), "[data-testid='sla-sweep-alarm']")


@time_machine.travel(NOW, tick=False)
def test_customers_neither_see_nor_raise_it(client_a, stopped_at, agent):
    mail.outbox.clear()
    home = client_a.get(reverse("home"))
    assert home.status_code == 200
    absent(page(home), "[data-testid='sla-sweep-alarm']")
    assert "SLA sweep" not in Page(home)
    assert client_a.get(reverse("admin:index")).status_code == 302
    assert alarms() == []


@time_machine.travel(NOW, tick=False)
def test_the_admin_sign_in_page_raises_nothing(client, stopped_at, agent):
    mail.outbox.clear()
    response = client.get(reverse("admin:login"))
    absent(page(response), "[data-testid='sla-sweep-alarm']")
    assert alarms() == []


@time_machine.travel(NOW, tick=False)
def test_a_staff_page_costs_no_query_while_the_cache_holds_the_sweep_and_one_when_not(
    agent_client, case_a, django_assert_num_queries, monkeypatch
):
    """The queue's queries: the same with the alarm as without it, plus one read of the
    heartbeat in a process whose cache has not got it (at most once in 30 seconds)."""
    url = reverse("admin:cases_case_changelist")
    heartbeats.record(SWEEP, now=NOW - timedelta(minutes=1))
    agent_client.get(url)  # the session and the queue's own first-time reads
    with monkeypatch.context() as without_alarm:
        no_alarm = staticmethod(lambda request: None)
        without_alarm.setattr(PortalAdminSite, "_sla_sweep_stale_since", no_alarm)
        with CaptureQueriesContext(connection) as baseline:
            agent_client.get(url)
    queries = len(baseline.captured_queries)
    with django_assert_num_queries(queries):
        agent_client.get(url)
    cache.delete(heartbeats.cache_key(SWEEP))
    with django_assert_num_queries(queries + 1):
        agent_client.get(url)


@time_machine.travel(NOW, tick=False)
def test_the_banner_and_the_alert_speak_the_readers_language(stopped_at):
    dutch = StaffFactory(email="dirk@example.com", role=roles.SUPPORT_MANAGERS, language="nl")
    client = Client()
    client.force_login(dutch)
    mail.outbox.clear()
    banner = one(page(client.get(reverse("admin:index"))), "[data-testid='sla-sweep-alarm'] li")
    assert text(banner).startswith("De SLA-controleronde heeft sinds 2026-03-02 10:56 CET")
    (alert,) = [m for m in mail.outbox if m.to == [dutch.email]]
    assert (
        alert.subject == "De SLA-controleronde heeft sinds 2026-03-02 10:56 CET niet meer gedraaid"
    )
    assert "Controleer of Celery beat en ten minste één worker draaien" in alert.body
