"""Each watched periodic job records its last successful run from its Celery task, and only
a success counts; beat has a heartbeat task of its own."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django_celery_beat.models import PeriodicTask

from cases import tasks as case_tasks
from core import heartbeats
from core.models import Heartbeat
from core.tasks import beat_heartbeat_task
from deliverability import tasks as deliverability_tasks
from inbound import polling
from inbound import tasks as inbound_tasks

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def last_success(name):
    return Heartbeat.objects.filter(name=name).values_list("last_success_at", flat=True).first()


@time_machine.travel(NOW, tick=False)
def test_the_sla_sweep_task_records_its_run():
    case_tasks.sla_sweep_task.apply(throw=True)
    assert last_success("cases.sla_sweep") == NOW


def test_a_sweep_that_fails_records_nothing(monkeypatch):
    def broken(now=None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(case_tasks.services, "sla_sweep", broken)
    with pytest.raises(RuntimeError):
        case_tasks.sla_sweep_task.apply(throw=True)
    assert last_success("cases.sla_sweep") is None


@time_machine.travel(NOW, tick=False)
def test_the_scheduled_blocklist_check_records_its_run():
    deliverability_tasks.scheduled_check_task.apply(throw=True)
    assert last_success("deliverability.scheduled_blocklist_check") == NOW


@pytest.mark.parametrize(
    ("outcome", "recorded"),
    [
        ({"stored": 3}, True),
        ({"stored": 0, "error": "login refused", "failures": 1}, False),
        ({"skipped": "waiting until 2026-03-02T10:04:00+00:00"}, False),
        ({"skipped": "INBOUND_IMAP_HOST is not set"}, False),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_mailbox_poll_records_a_poll_that_read_the_mailbox(monkeypatch, outcome, recorded):
    monkeypatch.setattr(polling, "poll_mailbox", lambda: outcome)
    assert inbound_tasks.poll_mailbox_task.apply(throw=True).get() == outcome
    assert last_success("inbound.poll_mailbox") == (NOW if recorded else None)


def test_beat_has_a_heartbeat_task_every_minute():
    entry = PeriodicTask.objects.select_related("interval").get(task=heartbeats.BEAT)
    assert (entry.enabled, entry.interval.every, entry.interval.period) == (True, 1, "minutes")
    with time_machine.travel(NOW, tick=False):
        beat_heartbeat_task.apply(throw=True)
    assert last_success(heartbeats.BEAT) == NOW


def test_a_success_ends_the_stale_streak():
    heartbeats.record(heartbeats.BEAT, now=NOW)
    assert heartbeats.claim_alarm(heartbeats.BEAT, last_success_at=NOW, now=NOW)
    assert not heartbeats.claim_alarm(heartbeats.BEAT, last_success_at=NOW, now=NOW)
    later = NOW + timedelta(minutes=10)
    heartbeats.record(heartbeats.BEAT, now=later)
    row = Heartbeat.objects.get()
    assert (row.last_success_at, row.alarm_sent_at) == (later, None)


def test_the_last_run_is_read_from_the_cache_and_from_the_database_once_it_is_lost(
    django_assert_num_queries,
):
    heartbeats.record(heartbeats.BEAT, now=NOW)
    with django_assert_num_queries(0):
        assert heartbeats.last(heartbeats.BEAT) == (NOW, None)
    cache.clear()
    with django_assert_num_queries(1):
        assert heartbeats.last(heartbeats.BEAT) == (NOW, None)
    with django_assert_num_queries(0):
        assert heartbeats.last(heartbeats.BEAT) == (NOW, None)


def test_a_cache_that_is_down_costs_a_query_not_the_run(monkeypatch, django_assert_num_queries):
    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    for method in ("get", "set", "delete"):
        monkeypatch.setattr(cache, method, down)
    heartbeats.record(heartbeats.BEAT, now=NOW)
    with django_assert_num_queries(1):
        assert heartbeats.last(heartbeats.BEAT) == (NOW, None)
    assert heartbeats.claim_alarm(heartbeats.BEAT, last_success_at=NOW, now=NOW)
