"""/health/ for monitors and /health/web/ for load balancers: each check passes and fails,
the answer is 200 or 500 with one line per check, open without a login, and it tells
nothing of a customer nor a secret; with HEALTH_CHECK_TOKEN only the token sees why."""

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cases import services
from core import heartbeats
from core.models import Heartbeat
from portal.health import (
    BLOCKLIST_CHECK,
    MAILBOX_POLL,
    SLA_SWEEP,
    Broker,
    JobHeartbeat,
    scheduled_interval,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
JOBS = (SLA_SWEEP, BLOCKLIST_CHECK, heartbeats.BEAT)


def error_of(check) -> str | None:
    # As the view runs it: the database read in this thread, through its connection.
    result = async_to_sync(check.get_result)()
    return None if result.error is None else str(result.error)


def lines(response) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in response.content.decode().splitlines())


@pytest.fixture
def all_beating():
    """Every watched job completed just now."""
    for job in JOBS:
        heartbeats.record(job, now=NOW)


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- The heartbeats ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_job_that_completed_within_twice_its_interval_passes():
    heartbeats.record(SLA_SWEEP, now=NOW - timedelta(seconds=119))
    assert error_of(JobHeartbeat(job=SLA_SWEEP)) is None


@time_machine.travel(NOW, tick=False)
def test_a_job_later_than_twice_its_interval_fails_saying_when_it_last_completed():
    heartbeats.record(SLA_SWEEP, now=NOW - timedelta(seconds=121))
    assert error_of(JobHeartbeat(job=SLA_SWEEP)) == (
        "Unavailable: last completed at 2026-03-02 09:57:59 UTC; it runs every 0:01:00 "
        "and is late after 0:02:00"
    )


@time_machine.travel(NOW, tick=False)
def test_the_interval_is_the_one_staff_set_in_beats_table():
    task = PeriodicTask.objects.get(task=BLOCKLIST_CHECK)
    assert scheduled_interval(BLOCKLIST_CHECK) == timedelta(minutes=60)
    heartbeats.record(BLOCKLIST_CHECK, now=NOW - timedelta(minutes=90))
    assert error_of(JobHeartbeat(job=BLOCKLIST_CHECK)) is None

    task.interval = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.MINUTES)
    task.save()
    assert "late after 1:00:00" in error_of(JobHeartbeat(job=BLOCKLIST_CHECK))


def test_a_job_that_never_completed_fails():
    assert error_of(JobHeartbeat(job=heartbeats.BEAT)) == "Unavailable: has not completed yet"


def test_a_required_job_switched_off_in_beats_table_fails_and_another_is_not_watched():
    PeriodicTask.objects.filter(task__in=[SLA_SWEEP, BLOCKLIST_CHECK]).update(enabled=False)
    assert error_of(JobHeartbeat(job=SLA_SWEEP, required=True)) == (
        "Unavailable: not scheduled: enable it under Periodic tasks"
    )
    assert error_of(JobHeartbeat(job=BLOCKLIST_CHECK)) is None


def test_the_mailbox_poll_is_watched_only_when_a_mailbox_is_configured(settings):
    check = JobHeartbeat(job=MAILBOX_POLL, setting="INBOUND_IMAP_HOST")
    settings.INBOUND_IMAP_HOST = ""
    assert error_of(check) is None
    settings.INBOUND_IMAP_HOST = "imap.example.com"
    assert error_of(check) == "Unavailable: has not completed yet"


# --- The broker and the storage ---------------------------------------------------------


def test_the_broker_passes_with_its_filesystem_folders(broker):
    broker.up()
    assert error_of(Broker()) is None


def test_the_broker_fails_when_a_queue_folder_is_gone(broker):
    broker.up()
    broker.queue.rmdir()
    assert error_of(Broker()) == (
        "Unavailable: a queue folder of the broker is missing or read-only"
    )


def test_the_broker_passes_when_redis_answers(broker):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    broker.down()
    from portal.celery import app

    app.conf.broker_write_url = "redis://127.0.0.1:6379/12"
    assert error_of(Broker()) is None


def test_the_broker_fails_on_a_closed_port_without_naming_its_address(broker, closed_port):
    broker.down()
    from portal.celery import app

    app.conf.broker_write_url = f"redis://:s3cret-password@127.0.0.1:{closed_port}/12"
    assert error_of(Broker()) == "Unavailable: the broker cannot be reached"


def test_the_storage_check_writes_reads_and_deletes_a_file(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    from health_check.checks import Storage

    assert error_of(Storage()) is None
    assert list((tmp_path / "files").rglob("*.txt")) == []


def test_the_storage_check_fails_when_nothing_can_be_written(settings, tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    from health_check.checks import Storage

    assert error_of(Storage()) is not None


# --- Over HTTP ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_everything_healthy_is_200_with_one_ok_line_per_check_and_no_login(
    client, all_beating, broker
):
    broker.up()
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert lines(response) == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
        "Broker()": "OK",
        "JobHeartbeat(job='cases.sla_sweep')": "OK",
        "JobHeartbeat(job='deliverability.scheduled_blocklist_check')": "OK",
        "JobHeartbeat(job='inbound.poll_mailbox')": "OK",
        "JobHeartbeat(job='core.beat_heartbeat')": "OK",
    }


@time_machine.travel(NOW, tick=False)
def test_a_stopped_sweep_is_500_naming_it_and_json_when_asked(client, all_beating, broker):
    broker.up()
    heartbeats.record(SLA_SWEEP, now=NOW - timedelta(minutes=5))
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["JobHeartbeat(job='cases.sla_sweep')"].startswith(
        "Unavailable: last completed at 2026-03-02 09:55:00 UTC"
    )
    assert body["JobHeartbeat(job='core.beat_heartbeat')"] == "OK"
    assert client.get(reverse("health") + "?format=json").json() == body


@time_machine.travel(NOW, tick=False)
def test_a_load_balancer_is_not_told_to_drop_web_processes_when_beat_stops(client, broker):
    broker.down()
    assert Heartbeat.objects.count() == 0
    response = client.get(reverse("health_web"))
    assert response.status_code == 200
    assert lines(response) == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
    }
    assert client.get(reverse("health")).status_code == 500


@time_machine.travel(NOW, tick=False)
def test_with_a_token_only_its_bearer_is_told_why(client, settings, broker):
    broker.up()
    settings.HEALTH_CHECK_TOKEN = "health-token-0123456789"
    response = client.get(reverse("health"))
    assert (response.status_code, response.content) == (500, b"unhealthy\n")
    assert client.get(reverse("health"), HTTP_ACCEPT="application/json").json() == {
        "status": "unhealthy"
    }
    wrong = client.get(reverse("health"), HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.content == b"unhealthy\n"
    told = client.get(reverse("health"), HTTP_AUTHORIZATION="Bearer health-token-0123456789")
    assert told.status_code == 500
    assert lines(told)["JobHeartbeat(job='cases.sla_sweep')"] == (
        "Unavailable: has not completed yet"
    )
    assert client.get(reverse("health_web")).content == b"ok\n"


@time_machine.travel(NOW, tick=False)
def test_the_answer_holds_nothing_of_a_customer_nor_a_secret(
    client, all_beating, settings, customer_a, account_a, closed_port, monkeypatch
):
    services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Secret merger mail fails",
        description="Bounces from merger@alpha.example",
        category="software_bug",
        now=NOW,
    )
    from portal.celery import app

    url = f"redis://:s3cret-password@127.0.0.1:{closed_port}/12"
    monkeypatch.setattr(app.conf, "broker_write_url", url)
    heartbeats.record(SLA_SWEEP, now=NOW - timedelta(minutes=5))
    body = client.get(reverse("health")).content.decode()
    for secret in (
        "s3cret-password",
        str(closed_port),
        settings.SECRET_KEY,
        customer_a.email,
        account_a.name,
        "merger",
    ):
        assert secret not in body
    assert "Broker(): Unavailable: the broker cannot be reached" in body
