"""The ways in: `manage.py ingest_email` from an MTA (exit 0 stored, 75 when the
database is down, never a traceback), the IMAP poll against a real Dovecot (a message
appended to the mailbox appears on the case, marked only after the commit), login
failures reported once per streak with backoff, and raw messages deleted after the
retention period."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from cases.models import CaseMessage
from inbound.imap import PROCESSED_KEYWORD
from inbound.models import InboundMessage, MailboxStatus, Outcome
from inbound.polling import backoff, poll_mailbox
from inbound.services import ingest, purge_raw_messages
from tests.factories import StaffFactory
from tests.imap_server import DovecotServer, unavailable_reason

from .conftest import corpus_bytes
from .test_imap import plaintext_config

ROOT = Path(__file__).resolve().parents[2]
needs_dovecot = pytest.mark.skipif(
    unavailable_reason() is not None, reason=unavailable_reason() or ""
)


def run_command(monkeypatch, raw: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ingest_email_stores_a_message_read_from_stdin(world, monkeypatch):
    out = run_command(monkeypatch, corpus_bytes("gmail-reply.eml"))
    assert out.startswith("posted #")
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1
    assert run_command(monkeypatch, corpus_bytes("gmail-reply.eml")).startswith("duplicate")


@pytest.mark.django_db
def test_ingest_email_keeps_even_garbage_and_an_empty_input(world, monkeypatch):
    run_command(monkeypatch, b"\xff\xfe not a mail at all")
    run_command(monkeypatch, b"")
    assert InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).count() == 2


def test_ingest_email_exits_75_without_a_traceback_when_the_database_is_down(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=corpus_bytes("gmail-reply.eml"),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 75, result.stderr
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert "the database is unavailable" in stderr


@pytest.fixture(scope="module")
def dovecot():
    if unavailable_reason() is not None:
        pytest.skip(unavailable_reason())
    with DovecotServer(tls=False) as server:
        yield server


@needs_dovecot
@pytest.mark.django_db
def test_a_message_appended_to_the_mailbox_appears_on_its_case(world, dovecot, settings):
    dovecot.empty()
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = True
    dovecot.append(corpus_bytes("gmail-reply.eml"))
    dovecot.append(corpus_bytes("mailing-list.eml"))
    result = poll_mailbox(config=plaintext_config(dovecot))
    assert result == {"stored": 2}
    message = CaseMessage.objects.get(case=world.cases[123], channel="email")
    assert "SMTP" in message.body or message.body
    assert InboundMessage.objects.get(outcome=Outcome.QUARANTINED).received_via == "imap"
    assert all(PROCESSED_KEYWORD in flags for _uid, flags, _raw in dovecot.messages())
    # Read again (a crash after commit, before marking): de-duplication absorbs it.
    assert poll_mailbox(config=plaintext_config(dovecot)) == {"stored": 0}
    assert InboundMessage.objects.count() == 2


@needs_dovecot
@pytest.mark.django_db
def test_a_refused_login_is_reported_once_per_streak_and_retried_with_backoff(
    world, dovecot, settings
):
    manager = StaffFactory(role=roles.SUPPORT_MANAGERS)
    bad = plaintext_config(dovecot, password="wrong")
    start = timezone.now()
    first = poll_mailbox(config=bad, now=start)
    assert first["failures"] == 1
    status = MailboxStatus.objects.get()
    assert status.next_attempt_at == start + backoff(1)
    alerts = [m for m in mail.outbox if manager.email in m.to]
    assert len(alerts) == 1 and "support mailbox" in alerts[0].subject
    # Within the backoff nothing is tried; after it, a second failure is not re-reported.
    assert "skipped" in poll_mailbox(config=bad, now=start + timedelta(seconds=30))
    assert poll_mailbox(config=bad, now=start + timedelta(minutes=1))["failures"] == 2
    assert MailboxStatus.objects.get().next_attempt_at == start + timedelta(
        minutes=1, seconds=0
    ) + backoff(2)
    assert len([m for m in mail.outbox if manager.email in m.to]) == 1
    # Fixed: the streak ends, and the next failure would be reported again.
    assert poll_mailbox(config=plaintext_config(dovecot), now=start + timedelta(minutes=5)) == {
        "stored": 0
    }
    status = MailboxStatus.objects.get()
    assert (status.failures, status.reported_at) == (0, None)


@pytest.mark.django_db
def test_the_poll_does_nothing_without_a_configured_mailbox(settings):
    settings.INBOUND_IMAP_HOST = ""
    assert "skipped" in poll_mailbox()


@pytest.mark.django_db
def test_raw_messages_are_deleted_after_the_retention_period_and_the_summary_stays(world, settings):
    settings.INBOUND_RAW_MESSAGE_RETENTION_DAYS = 30
    old = ingest(corpus_bytes("gmail-reply.eml"), now=timezone.now() - timedelta(days=31))
    new = ingest(corpus_bytes("outlook-reply.eml"))
    assert purge_raw_messages() == 1
    old_name = old.raw.name
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.raw and old.raw_purged_at and old.outcome == Outcome.POSTED
    assert old.raw_bytes() is None
    assert not (settings.MEDIA_ROOT / old_name).exists()
    assert new.raw_bytes() == corpus_bytes("outlook-reply.eml")
    assert purge_raw_messages() == 0


@pytest.mark.django_db
def test_beat_polls_every_minute_and_purges_daily():
    from django_celery_beat.models import PeriodicTask

    tasks = {t.task: t for t in PeriodicTask.objects.select_related("interval")}
    poll = tasks["inbound.poll_mailbox"]
    assert (poll.interval.every, poll.interval.period, poll.enabled) == (1, "minutes", True)
    assert tasks["inbound.purge_raw_messages"].interval.period == "days"


@pytest.mark.django_db
def test_the_benchmark_runs_and_reports_messages_per_second():
    out = io.StringIO()
    call_command("bench_inbound", count=40, stdout=out)
    text = out.getvalue()
    assert "messages/second" in text
    assert "duplicate: 2, opened: 6, posted: 24, quarantined: 8" in text
