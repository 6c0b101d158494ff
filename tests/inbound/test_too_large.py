"""A size cap for inbound mail (INBOUND_MAX_MESSAGE_BYTES): over it a message is not
read. The MTA pipe exits with a permanent failure (EX_DATAERR and a 5.3.4 line) so
the MTA bounces it to the sender; the IMAP poll asks the size first, fetches only the
headers and moves the message to the oversize folder; both record a row for staff."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.models import CaseMessage
from inbound.imap import PROCESSED_KEYWORD, ImapMailbox
from inbound.models import InboundMessage, Outcome
from inbound.polling import poll_mailbox
from inbound.services import ingest
from tests.imap_server import DovecotServer, unavailable_reason

from .test_imap import plaintext_config

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20_000

HEADERS = (
    b"Received: from relay.acme.example by mx.example.com\r\n"
    b"Authentication-Results: mx.example.com; dmarc=pass header.from=acme.example\r\n"
    b"From: Anna de Vries <anna@acme.example>\r\nTo: support@example.com\r\n"
    b"Subject: Re: [EE-000123] the full logs\r\nMessage-ID: <big-1@acme.example>\r\n"
    b"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
)


def big(size: int = LIMIT * 3) -> bytes:
    body = b"All the logs, line after line.\r\n" * (size // 30)
    return HEADERS + b"\r\n" + body


@pytest.fixture
def small_limit(settings):
    settings.INBOUND_MAX_MESSAGE_BYTES = LIMIT
    return LIMIT


def assert_recorded_too_large(row, *, via):
    assert row.outcome == Outcome.TOO_LARGE
    assert (row.received_via, row.from_address, row.message_id) == (
        via,
        "anna@acme.example",
        "big-1@acme.example",
    )
    assert row.subject == "Re: [EE-000123] the full logs"
    assert f"the limit of {LIMIT} bytes (INBOUND_MAX_MESSAGE_BYTES): not read" in row.reason
    # Its header section is kept for staff; not its body.
    assert row.raw_bytes().startswith(HEADERS) and b"All the logs" not in row.raw_bytes()
    assert (row.full_text, row.case) == ("", None)
    assert not CaseMessage.objects.filter(channel="email", case__reference="EE-000123").exists()


@pytest.mark.django_db
def test_ingest_records_a_message_over_the_limit_unread_once(world, small_limit):
    raw = big()
    row = ingest(raw)
    assert_recorded_too_large(row, via="mta")
    assert row.size == len(raw)
    assert row.reason.startswith(f"{len(raw)} bytes, more than the limit")
    again = ingest(b"Received: from another.relay\r\n" + raw)
    assert (again.pk, again.duplicate) == (row.pk, True)
    assert InboundMessage.objects.get().times_received == 2


@pytest.mark.django_db
def test_a_message_at_the_limit_is_read(world, small_limit):
    raw = big(LIMIT)[:LIMIT]
    assert ingest(raw).outcome == Outcome.POSTED


class CountingStdin(io.BytesIO):
    """Standard input that remembers how much was read from it."""

    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


@pytest.mark.django_db
def test_ingest_email_reads_one_byte_past_the_limit_then_bounces(world, small_limit, monkeypatch):
    stdin = CountingStdin(big(LIMIT * 50))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_email", stdout=io.StringIO())
    assert exit_.value.code == 65  # EX_DATAERR: permanent, the MTA bounces it
    assert stdin.taken == LIMIT + 1
    (line,) = err.getvalue().splitlines()
    assert line == (
        "5.3.4 The message is larger than 20000 bytes, the limit of support@example.com; "
        "send large files as a link, or in parts."
    )
    row = InboundMessage.objects.get()
    assert_recorded_too_large(row, via="mta")
    assert row.reason.startswith("more than the limit of 20000 bytes")
    assert row.reason.endswith("returned to the sender by the mail server")


def test_ingest_email_bounces_a_large_message_even_when_it_cannot_be_recorded(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
        "VAR_DIR": str(tmp_path),
        "INBOUND_MAX_MESSAGE_BYTES": str(LIMIT),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=big(LIMIT * 10),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 65, result.stderr
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith("5.3.4 The message is larger than 20000 bytes")


needs_dovecot = pytest.mark.skipif(
    unavailable_reason() is not None, reason=unavailable_reason() or ""
)


@pytest.fixture(scope="module")
def dovecot():
    if unavailable_reason() is not None:
        pytest.skip(unavailable_reason())
    with DovecotServer(tls=False) as server:
        yield server


@needs_dovecot
@pytest.mark.django_db
def test_the_imap_poll_asks_the_size_first_and_moves_a_large_message_aside(
    world, dovecot, small_limit, settings, monkeypatch
):
    from .conftest import corpus_bytes

    dovecot.empty()
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = True
    dovecot.append(big())
    dovecot.append(corpus_bytes("outlook-reply.eml"))
    sections = []
    real = ImapMailbox._section

    def spy(self, uid, section, limit):
        sections.append((section, limit))
        return real(self, uid, section, limit)

    monkeypatch.setattr(ImapMailbox, "_section", spy)
    config = plaintext_config(dovecot, oversize_folder="Oversized")
    assert poll_mailbox(config=config) == {"stored": 2}
    # The large one: its header section only; the other whole, bounded by the limit.
    assert sections == [("HEADER", 256 * 1024), ("", LIMIT + 1)]
    row = InboundMessage.objects.get(outcome=Outcome.TOO_LARGE)
    assert_recorded_too_large(row, via="imap")
    assert row.size == len(big())
    assert row.reason.endswith("moved to the IMAP folder 'Oversized'")
    assert InboundMessage.objects.get(outcome=Outcome.POSTED).case.reference == "EE-000124"
    (moved,) = dovecot.messages("Oversized")
    assert moved[2] == big() and PROCESSED_KEYWORD in moved[1]
    assert len(dovecot.messages("INBOX")) == 1
    # Read again (a crash before the move): counted on the same row.
    dovecot.append(big())
    assert poll_mailbox(config=config) == {"stored": 1}
    assert InboundMessage.objects.get(outcome=Outcome.TOO_LARGE).times_received == 2


@needs_dovecot
@pytest.mark.django_db
def test_a_server_that_understates_a_size_still_gets_no_more_than_the_limit_read(
    world, dovecot, small_limit, settings, monkeypatch
):
    dovecot.empty()
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = True
    dovecot.append(big())
    monkeypatch.setattr(ImapMailbox, "sizes", lambda self, uids: dict.fromkeys(uids, 100))
    assert poll_mailbox(config=plaintext_config(dovecot, oversize_folder="Oversized")) == {
        "stored": 1
    }
    row = InboundMessage.objects.get()
    assert row.outcome == Outcome.TOO_LARGE
    assert len(dovecot.messages("Oversized")) == 1
