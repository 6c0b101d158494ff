"""Staff alerts: email and a signed webhook, delivered from Celery tasks after commit."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from accounts import roles, services
from accounts.alerts import (
    SIGNATURE_HEADER,
    Alert,
    NotifierError,
    WebhookNotifier,
    sign,
    verify,
)
from tests.factories import StaffFactory

SECRET = "a-shared-secret-of-some-length"

ALERT = Alert(
    kind="hotline_call",
    subject="Severity 1 call: Alpha Mail BV",
    body="Callback due by 03:15 UTC.",
    recipients=("agent@example.com",),
    url="http://portal.example/admin/cases/case/1/change/",
    data={"case": "EE-000001", "callback_due_at": "2026-11-29T03:15:00Z"},
)


class Receiver:
    """A webhook receiver on loopback that records what it got and answers `status`."""

    def __init__(self, status=204):
        self.requests = []
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/portal"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_changed_body_or_secret_does_not_verify():
    body = b'{"kind":"hotline_call"}'
    assert verify(body, "s3cret", sign(body, "s3cret"))
    assert not verify(body + b" ", "s3cret", sign(body, "s3cret"))
    assert not verify(body, "other", sign(body, "s3cret"))


def test_a_known_vector():
    # echo -n 'hello' | openssl dgst -sha256 -hmac key
    assert sign(b"hello", "key") == (
        "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b"
    )


def test_the_webhook_receives_the_alert_with_a_verifiable_signature():
    with Receiver() as receiver:
        WebhookNotifier(receiver.url, SECRET).send(ALERT)
    ((headers, body),) = receiver.requests
    assert verify(body, SECRET, headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["kind"] == "hotline_call"
    assert payload["data"]["case"] == "EE-000001"
    assert headers["Content-Type"] == "application/json"


def test_a_failing_webhook_raises_so_the_task_retries():
    with Receiver(status=503) as receiver:
        with pytest.raises(NotifierError, match="503"):
            WebhookNotifier(receiver.url, SECRET).send(ALERT)


def test_an_unreachable_webhook_raises_so_the_task_retries():
    with pytest.raises(NotifierError, match="could not be reached"):
        WebhookNotifier("http://127.0.0.1:9/", SECRET, timeout=1).send(ALERT)


def agent(**fields):
    return StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS, **fields)


@pytest.mark.django_db(transaction=True)
def test_alert_staff_sends_email_and_webhook_after_commit(settings):
    with Receiver() as receiver:
        settings.ALERT_WEBHOOK_URL = receiver.url
        settings.ALERT_WEBHOOK_SECRET = SECRET
        names = services.alert_staff(lambda: ALERT, [agent()])
    assert names == ["email", "webhook"]
    assert [m.subject for m in mail.outbox] == ["Severity 1 call: Alpha Mail BV"]
    assert mail.outbox[0].to == ["agent@example.com"]
    assert ALERT.url in mail.outbox[0].body
    assert len(receiver.requests) == 1
    assert json.loads(receiver.requests[0][1])["recipients"] == ["agent@example.com"]


@pytest.mark.django_db
def test_each_reader_gets_the_alert_in_their_language_and_zone(
    settings, django_capture_on_commit_callbacks
):
    from datetime import UTC, datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _

    settings.ALERT_WEBHOOK_URL = ""
    due = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    readers = [
        StaffFactory(email="nl@example.com", language="nl", time_zone="Europe/Amsterdam"),
        StaffFactory(email="ny@example.com", language="en", time_zone="America/New_York"),
        StaffFactory(email="ny2@example.com", language="en", time_zone="America/New_York"),
    ]

    def build():
        when = timezone.localtime(due).strftime("%H:%M %Z")
        return Alert(kind="test", subject=f"{_('support case')} {when}", body="")

    with django_capture_on_commit_callbacks(execute=True):
        services.alert_staff(build, readers)
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects == {
        ("nl@example.com",): "Supportzaak 15:00 CET",
        ("ny2@example.com", "ny@example.com"): "support case 09:00 EST",
    }


@pytest.mark.django_db
def test_without_a_webhook_url_only_email_is_used(settings, django_capture_on_commit_callbacks):
    settings.ALERT_WEBHOOK_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alert_staff(lambda: ALERT, [agent()]) == ["email"]
    assert len(mail.outbox) == 1


def test_a_webhook_without_a_long_secret_fails_the_system_check(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.ALERT_WEBHOOK_URL = "https://pager.example/hook"
    settings.ALERT_WEBHOOK_SECRET = "short"
    with pytest.raises(SystemCheckError, match="portal.E003"):
        call_command("check")


def test_a_webhook_url_that_is_not_http_fails_the_system_check(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.ALERT_WEBHOOK_URL = "file:///etc/passwd"
    settings.ALERT_WEBHOOK_SECRET = SECRET
    with pytest.raises(SystemCheckError, match="portal.E004"):
        call_command("check")


def test_the_webhook_notifier_opens_nothing_but_http():
    with pytest.raises(NotifierError, match="must start with https:// or http://"):
        WebhookNotifier("file:///etc/passwd", SECRET, timeout=1).send(ALERT)
