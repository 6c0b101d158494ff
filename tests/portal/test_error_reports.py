"""Unhandled errors reach operators (Sentry when SENTRY_DSN is set, a mail to ADMINS in
production) without what customers wrote: no message bodies, form values or cookies."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.core import mail
from django.urls import reverse

from cases import services
from portal.observability import FILTERED, before_send, init_sentry
from tests.portal.test_settings import run_manage

SECRET_BODY = "Our CEO's private mailbox password is hunter2, please hurry"


@pytest.fixture
def failing_reply(monkeypatch):
    """Storing a customer's reply fails with a bug, as an unforeseen error would."""

    def fail(*, case, author, body, attachments):
        raise RuntimeError("the reply could not be stored")

    monkeypatch.setattr(services, "case_customer_reply", fail)


def post_reply(client, case):
    client.raise_request_exception = False
    return client.post(
        reverse("cases:reply", args=[case.reference]),
        {"body": SECRET_BODY},
        HTTP_X_REQUEST_ID="req-0001-abcdef",
    )


def test_before_send_keeps_the_failure_and_drops_what_people_wrote():
    event = {
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": "the reply could not be stored",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "cases/views.py",
                                "function": "case_reply",
                                "lineno": 169,
                                "vars": {"data": {"body": SECRET_BODY}, "reference": "EE-000001"},
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": "https://support.example.com/cases/EE-000001/reply/",
            "method": "POST",
            "query_string": "q=hunter2",
            "data": {"body": SECRET_BODY, "csrfmiddlewaretoken": "abc"},
            "cookies": {"sessionid": "s3ss10n", "csrftoken": "abc"},
            "headers": {
                "Host": "support.example.com",
                "User-Agent": "Mozilla/5.0",
                "Cookie": "sessionid=s3ss10n",
                "Authorization": "Bearer t0ken",
                "X-Request-Id": "req-0001",
            },
        },
        "breadcrumbs": {
            "values": [
                {"category": "query", "message": "SELECT 1", "data": {}},
                {"category": "inbound", "message": "parsed", "data": {"reply_text": SECRET_BODY}},
            ]
        },
        "extra": {
            "celery-job": {
                "task_name": "cases.tasks.send_case_mail",
                "args": [42, SECRET_BODY],
                "kwargs": {"event_id": 42, "note": SECRET_BODY},
            },
            "description": SECRET_BODY,
        },
    }

    cleaned = before_send(event, {})

    assert SECRET_BODY not in json.dumps(cleaned)
    assert "s3ss10n" not in json.dumps(cleaned)
    assert "t0ken" not in json.dumps(cleaned)
    request = cleaned["request"]
    assert set(request) == {"url", "method", "headers"}
    assert request["headers"] == {
        "Host": "support.example.com",
        "User-Agent": "Mozilla/5.0",
        "X-Request-Id": "req-0001",
    }
    frame = cleaned["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame == {
        "filename": "cases/views.py",
        "function": "case_reply",
        "lineno": 169,
    }
    assert cleaned["exception"]["values"][0]["value"] == "the reply could not be stored"
    assert cleaned["extra"]["celery-job"] == {
        "task_name": "cases.tasks.send_case_mail",
        "args": [42, FILTERED],
        "kwargs": {"event_id": 42, "note": FILTERED},
    }
    assert cleaned["breadcrumbs"]["values"][1]["data"] == {"reply_text": FILTERED}


class _Envelopes(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server(settings):
    """A Sentry ingest endpoint on loopback that keeps every envelope it receives."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SENTRY_DSN = f"http://public@127.0.0.1:{server.server_port}/1"
    settings.SENTRY_ENVIRONMENT = "test"
    settings.SENTRY_RELEASE = "portal@1.2.3"
    init_sentry()
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    server.shutdown()
    server.server_close()


def _events(envelopes: list[bytes]) -> list[dict]:
    events = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_sentry_gets_a_view_error_without_the_message_body(
    sentry_server, client_a, customer_a, case_a, failing_reply
):
    response = post_reply(client_a, case_a)
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    raw = b"".join(sentry_server.envelopes)
    assert SECRET_BODY.encode() not in raw
    assert client_a.cookies["sessionid"].value.encode() not in raw
    (event,) = _events(sentry_server.envelopes)
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == (
        "RuntimeError",
        "the reply could not be stored",
    )
    assert (event["environment"], event["release"]) == ("test", "portal@1.2.3")
    assert "data" not in event["request"]
    assert "cookies" not in event["request"]
    assert event["tags"]["request_id"] == "req-0001-abcdef"
    assert event["tags"]["case_reference"] == case_a.reference
    assert event["user"] == {"id": str(customer_a.pk)}


def test_admins_are_mailed_a_500_in_production_without_the_posted_text(
    settings, client_a, case_a, failing_reply
):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.com")]

    response = post_reply(client_a, case_a)

    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["ops@example.com"]
    assert "RuntimeError" in message.subject or "RuntimeError" in message.body
    assert f"/cases/{case_a.reference}/reply/" in message.subject
    assert "body = '********************'" in message.body
    assert SECRET_BODY not in message.body
    assert client_a.cookies["sessionid"].value not in message.body


def test_nobody_is_mailed_while_debug_is_on(settings, client_a, case_a, failing_reply):
    settings.DEBUG = True
    settings.ADMINS = [("Ops", "ops@example.com")]

    assert post_reply(client_a, case_a).status_code == 500
    assert mail.outbox == []


def test_admins_come_from_the_environment():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ADMINS)",
        ADMINS="Ops <ops@example.com>, On call <oncall@example.com>",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('Ops', 'ops@example.com'), ('On call', 'oncall@example.com')]"
    )


def test_admins_that_are_not_addresses_are_refused_with_a_sentence():
    result = run_manage("check", ADMINS="Ops team")
    assert result.returncode != 0
    assert "ADMINS must list email addresses" in result.stderr
    assert "Traceback" not in result.stderr
