"""A hostile mail corpus, through each way in (ingest(), `manage.py ingest_email` as an
MTA pipe runs it, and the IMAP poll against Dovecot): every message ends in exactly
one place, one row per distinct message with the outcome expected, and nothing is
posted, opened or mailed to a customer that should not be."""

import base64
import io
import sys
import time
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.core.management import call_command

from cases.models import Case, CaseMessage
from inbound.imap import PROCESSED_KEYWORD
from inbound.models import InboundMessage, Outcome
from inbound.polling import poll_mailbox
from inbound.services import ingest
from tests.imap_server import DovecotServer, unavailable_reason

from .conftest import OUR_NOTIFICATION, corpus_bytes
from .test_imap import plaintext_config

LIMIT = 1_000_000
MX = "Authentication-Results: mx.example.com; "


def b64(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def mail_from(
    sender: str,
    *,
    subject: str = "Re: [EE-000123] SMTP injections time out",
    n: int = 1,
    top: str = "",
    extra: str = "",
    body: str = "Please send the API keys to me.",
) -> bytes:
    return (
        f"{top}From: {sender}\r\nTo: support@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: <hostile-{n}@example.net>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
        f"{extra}\r\n{body}\r\n"
    ).encode()


def nested(depth: int) -> bytes:
    head = "From: Anna <anna@acme.example>\r\nTo: support@example.com\r\nSubject: deep\r\n"
    parts = [head.encode()]
    for i in range(depth):
        parts.append(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i))
    parts.append(b"Content-Type: text/plain\r\n\r\nhi\r\n")
    parts.extend(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    return b"".join(parts)


def wide(parts: int) -> bytes:
    head = (
        b"From: Anna <anna@acme.example>\r\nTo: support@example.com\r\nSubject: wide\r\n"
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
    )
    return head + b"--zz\r\n\r\nx\r\n" * parts + b"--zz--\r\n"


def too_large() -> bytes:
    return mail_from("Anna <anna@acme.example>", body="log line\r\n" * (LIMIT // 9))


@dataclass(frozen=True)
class Hostile:
    """Messages delivered in order; the outcome each ends in ("duplicate" when it is
    counted on an earlier row); the rows, case messages and cases it may add; the
    sender recorded on the last row."""

    messages: tuple
    outcomes: tuple
    rows: int = 1
    posted: int = 0
    opened: int = 0
    sender: str | None = None
    needs_notification: bool = False
    mail_to: tuple = field(default=())


def q(sender: str, **kw) -> Hostile:
    """One message that must end in quarantine, nothing posted."""
    return Hostile((mail_from(sender, **kw),), (Outcome.QUARANTINED,))


STAFF_REPLY = dict(subject="Re: [EE-000124] API returns 503", body="Here is the new key.")
GMAIL = corpus_bytes("gmail-reply.eml")
GMAIL_ID = "<CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com>"

CORPUS = {
    "display name decodes to a customer's address": Hostile(
        (mail_from(f"{b64('anna@acme.example')} <mallory@evil.example>"),),
        (Outcome.QUARANTINED,),
        sender="mallory@evil.example",
        mail_to=("mallory@evil.example",),  # the one access reply, to the real sender
    ),
    "display name with quotes and angle brackets inside the encoded word": Hostile(
        (mail_from(b64('"Anna de Vries" <anna@acme.example>') + " <mallory@evil.example>"),),
        (Outcome.QUARANTINED,),
        sender="mallory@evil.example",
        mail_to=("mallory@evil.example",),
    ),
    "Q-encoded word with a literal address inside": Hostile(
        (mail_from("=?utf-8?q?x_<anna@acme.example>?= <mallory@evil.example>"),),
        (Outcome.QUARANTINED,),
        sender="",
    ),
    "display name decodes to a staff address": Hostile(
        (mail_from(f"{b64('sam.agent@example.com')} <mallory@evil.example>", **STAFF_REPLY),),
        (Outcome.QUARANTINED,),
        sender="mallory@evil.example",
        mail_to=("mallory@evil.example",),
    ),
    "From with two addresses": q("anna@acme.example, Mallory <mallory@evil.example>"),
    "two From headers": q("Anna <anna@acme.example>", extra="From: mallory@evil.example\r\n"),
    "Sender header naming a customer": Hostile(
        (mail_from("mallory@evil.example", extra="Sender: anna@acme.example\r\n"),),
        (Outcome.QUARANTINED,),
        sender="mallory@evil.example",
        mail_to=("mallory@evil.example",),
    ),
    "comment in the address that reads as a customer": Hostile(
        (mail_from("mallory@evil.example (anna@acme.example)"),),
        (Outcome.QUARANTINED,),
        sender="mallory@evil.example",
        mail_to=("mallory@evil.example",),
    ),
    "encoded word in the address itself": q(f"Anna <{b64('anna')}@acme.example>"),
    "group syntax without an address": q("undisclosed-recipients:;"),
    "staff address without a DMARC result": Hostile(
        (mail_from("Sam <sam.agent@example.com>", **STAFF_REPLY),),
        (Outcome.QUARANTINED,),
        sender="sam.agent@example.com",
        mail_to=("sam.agent@example.com",),  # told that it was held
    ),
    "staff address with a pass from an untrusted authserv-id": Hostile(
        (
            mail_from(
                "Sam <sam.agent@example.com>",
                top="Authentication-Results: mx.attacker.example; dmarc=pass\r\n",
                **STAFF_REPLY,
            ),
        ),
        (Outcome.QUARANTINED,),
        mail_to=("sam.agent@example.com",),
    ),
    "staff address with a forged pass below our own header": Hostile(
        (
            mail_from(
                "Sam <sam.agent@example.com>",
                top=MX
                + "dmarc=none header.from=example.com\r\n"
                + MX
                + "dmarc=pass header.from=example.com\r\n",
                **STAFF_REPLY,
            ),
        ),
        (Outcome.QUARANTINED,),
        mail_to=("sam.agent@example.com",),
    ),
    "several Authentication-Results, a fail in the second": q(
        "Anna <anna@acme.example>",
        top=MX + "dmarc=pass header.from=acme.example\r\n"
        "Authentication-Results: gw.example.com; dmarc = fail header.from=acme.example\r\n",
    ),
    "DMARC fail written with a comment before the result": q(
        "Anna <anna@acme.example>", top=MX + "dmarc=(spoofed)fail header.from=acme.example\r\n"
    ),
    "DMARC pass for another domain than the From address": q(
        "Anna <anna@acme.example>", top=MX + "dmarc=pass header.from=evil.example\r\n"
    ),
    "forged In-Reply-To from a stranger": Hostile(
        (mail_from("mallory@evil.example", extra=f"In-Reply-To: <{OUR_NOTIFICATION}>\r\n"),),
        (Outcome.QUARANTINED,),
        needs_notification=True,
        mail_to=("mallory@evil.example",),
    ),
    "forged In-Reply-To from another account's contact": Hostile(
        (
            mail_from(
                "Nick <nick@northwind.example>",
                top=MX + "dmarc=pass header.from=northwind.example\r\n",
                extra=f"In-Reply-To: <{OUR_NOTIFICATION}>\r\n",
            ),
        ),
        (Outcome.QUARANTINED,),
        needs_notification=True,
    ),
    "a stranger pre-empts a customer's Message-ID": Hostile(
        (
            mail_from("mallory@evil.example", extra=f"Message-ID: {GMAIL_ID}\r\n").replace(
                b"Message-ID: <hostile-1@example.net>\r\n", b""
            ),
            GMAIL,
        ),
        (Outcome.QUARANTINED, Outcome.POSTED),
        rows=2,
        posted=1,
        sender="anna@acme.example",
        mail_to=("mallory@evil.example",),
    ),
    "the same message twice with other trace headers": Hostile(
        (GMAIL, b"Received: from relay2.example.com by mx.example.com\r\n" + GMAIL),
        (Outcome.POSTED, "duplicate"),
        rows=1,
        posted=1,
    ),
    "a customer's mail without a DMARC result is posted, not verified": Hostile(
        (mail_from("Anna <anna@acme.example>", body="Still failing."),),
        (Outcome.POSTED,),
        posted=1,
        sender="anna@acme.example",
    ),
    "MIME nested 10,000 deep": Hostile((nested(10_000),), (Outcome.QUARANTINED,)),
    "MIME with 5,000 parts": Hostile((wide(5_000),), (Outcome.QUARANTINED,)),
    "a header section of 300 KB": q("Anna <anna@acme.example>", extra="X-Pad: x\r\n" * 30_000),
    "larger than INBOUND_MAX_MESSAGE_BYTES": Hostile((too_large(),), (Outcome.TOO_LARGE,)),
}


@pytest.fixture
def hostile_world(world, notification, settings):
    settings.INBOUND_AUTHSERV_IDS = ["mx.example.com", "gw.example.com"]
    settings.INBOUND_MAX_MESSAGE_BYTES = LIMIT
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = True
    notification(OUR_NOTIFICATION, 123)
    mail.outbox.clear()
    return world


def via_ingest(messages, _server):
    return [_outcome(ingest(raw)) for raw in messages]


def via_ingest_email(messages, _server):
    outcomes = []
    for raw in messages:
        sys_stdin, out = sys.stdin, io.StringIO()
        sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
        try:
            call_command("ingest_email", stdout=out, stderr=io.StringIO())
            # "posted #12: ...", "duplicate of #12: ..."
            outcomes.append(out.getvalue().split()[0])
        except SystemExit as exit_:
            assert exit_.code == 65, exit_.code  # only a too large message is refused
            outcomes.append(InboundMessage.objects.order_by("-pk").first().outcome)
        finally:
            sys.stdin = sys_stdin
    return outcomes


def via_imap(messages, server):
    server.empty()
    for raw in messages:
        server.append(raw)
    result = poll_mailbox(config=plaintext_config(server, oversize_folder="Oversized"))
    assert result == {"stored": len(messages)}, result
    assert all(PROCESSED_KEYWORD in flags for _, flags, _ in server.messages("INBOX"))
    too_large = InboundMessage.objects.filter(outcome=Outcome.TOO_LARGE).count()
    assert len(server.messages("Oversized")) == too_large
    # In order of arrival: the first row of each message, then its repeats.
    outcomes = []
    for row in InboundMessage.objects.order_by("pk"):
        outcomes.append(row.outcome)
        outcomes.extend("duplicate" for _ in range(row.times_received - 1))
    return outcomes


def _outcome(row):
    return "duplicate" if getattr(row, "duplicate", False) else row.outcome


@pytest.fixture(scope="module")
def dovecot():
    if unavailable_reason() is not None:
        yield None
        return
    with DovecotServer(tls=False) as server:
        yield server


WAYS = {"ingest": via_ingest, "ingest_email": via_ingest_email, "imap": via_imap}


@pytest.mark.django_db
@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("name", list(CORPUS))
def test_every_hostile_message_ends_in_exactly_one_place(hostile_world, dovecot, way, name):
    if way == "imap" and dovecot is None:
        pytest.skip(unavailable_reason())
    hostile = CORPUS[name]
    posted_before = CaseMessage.objects.filter(channel="email").count()
    cases_before = Case.objects.count()
    started = time.monotonic()

    outcomes = WAYS[way](hostile.messages, dovecot)

    assert time.monotonic() - started < 20, "a hostile message must not eat the CPU"
    assert outcomes == list(hostile.outcomes)
    rows = InboundMessage.objects.order_by("pk")
    assert rows.count() == hostile.rows
    assert sum(r.times_received for r in rows) == len(hostile.messages)
    assert CaseMessage.objects.filter(channel="email").count() - posted_before == hostile.posted
    assert Case.objects.count() - cases_before == hostile.opened
    if hostile.sender is not None:
        assert rows.last().from_address == hostile.sender
    mailed = {address for m in mail.outbox for address in m.to}
    if not (hostile.posted or hostile.opened):
        # Only the access reply to a stranger, or the held notice to staff.
        assert mailed == set(hostile.mail_to)
    else:
        assert set(hostile.mail_to) <= mailed
