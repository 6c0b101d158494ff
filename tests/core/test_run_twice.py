"""Every task may run twice (acknowledged late, an outbox row handed on twice): the mail
and alerts it sends go out once (core/once.py)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from accounts import alerts
from accounts.alerts import Alert, NotifierError
from accounts.services import alert_staff
from core.models import DoneOnce
from core.once import once, purge

pytestmark = pytest.mark.django_db


def deliver(*args):
    """The task, imported where it runs (a tasks module imported while the tests are
    collected keeps Celery's autodiscovery from registering the others)."""
    from accounts.tasks import deliver_alert

    return deliver_alert.run(*args)


def _alert(key="k1"):
    return Alert(kind="test", subject="Check", body="Body", recipients=("a@example.com",), key=key)


def test_an_alert_delivered_twice_is_mailed_once():
    for _ in range(2):
        deliver(_alert().to_dict(), "email")
    assert [m.subject for m in mail.outbox] == ["Check"]


def test_an_alert_whose_send_failed_is_mailed_by_the_retry(monkeypatch):
    send = alerts.EmailNotifier.send
    calls = []

    def flaky(self, alert):
        calls.append(alert.key)
        if len(calls) == 1:
            raise NotifierError("mail server down")
        send(self, alert)

    monkeypatch.setattr(alerts.EmailNotifier, "send", flaky)
    with pytest.raises(NotifierError):
        deliver(_alert().to_dict(), "email")
    assert not DoneOnce.objects.exists()
    assert deliver(_alert().to_dict(), "email") is True
    assert deliver(_alert().to_dict(), "email") is False
    assert len(mail.outbox) == 1


def test_each_alert_queued_has_its_own_key(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert_staff(lambda: Alert(kind="test", subject="One", body=""), [manager])
        alert_staff(lambda: Alert(kind="test", subject="Two", body=""), [manager])
    assert [m.subject for m in mail.outbox] == ["One", "Two"]
    keys = DoneOnce.objects.values_list("key", flat=True)
    assert len(set(keys)) == 2


def test_an_alert_queued_before_alerts_had_keys_is_still_delivered():
    deliver({**_alert().to_dict(), "key": ""}, "email")
    assert len(mail.outbox) == 1


def test_keys_are_forgotten_after_thirty_days():
    from datetime import timedelta

    from django.utils import timezone

    once("old", lambda: None)
    once("new", lambda: None)
    DoneOnce.objects.filter(key="old").update(done_at=timezone.now() - timedelta(days=31))
    assert purge() == 1
    assert list(DoneOnce.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_two_workers_delivering_the_same_alert_at_once_mail_it_once(monkeypatch):
    send = alerts.EmailNotifier.send
    start = threading.Barrier(2)
    lock = threading.Lock()

    def slow(self, alert):
        time.sleep(0.2)  # the second run reaches the claim while the first sends
        with lock:
            send(self, alert)

    monkeypatch.setattr(alerts.EmailNotifier, "send", slow)

    def run(_):
        start.wait()
        try:
            return deliver(_alert().to_dict(), "email")
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(run, range(2)))
    assert results == [False, True]
    assert len(mail.outbox) == 1
