"""Demo data for inbound mail, on the Acme account's demo cases: a customer's reply that
came in by email (on the case's thread, shown on the portal case page), a stranger's
message quoting a real case reference (in quarantine, with the reason) and a bounce of
one of our notifications (a delivery failure on its case).

Each message goes through `ingest()` like real mail. Idempotent: a message stored
before is not fed again (feeding it would count it as received twice)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime

from django.conf import settings
from django.utils import timezone

from cases.models import Case, CaseMessage, OutboundMessage
from inbound.headers import normalise_message_id
from inbound.models import InboundMessage
from inbound.services import ingest

ACCOUNT = "Acme Mail BV"
REPLY_CASE = "Bounce webhooks arrive twice"
QUOTED_CASE = "All API calls return 503 Service Unavailable"
BOUNCED_CASE = "Add a second sending domain for invoices"

REPLY_ID = "<demo-reply-webhooks@acme.example>"
STRANGER_ID = "<demo-stranger-quote@acme-consulting.example>"
NOTIFICATION_ID = "<demo-notification-invoices@example.com>"
BOUNCE_ID = "<demo-bounce-invoices@mx.example.com>"


def seed(now: datetime | None = None) -> None:
    now = now or timezone.now()
    cases = {
        case.subject: case
        for case in Case.objects.filter(
            account__name=ACCOUNT, subject__in=[REPLY_CASE, QUOTED_CASE, BOUNCED_CASE]
        ).select_related("requester")
    }
    if REPLY_CASE in cases:
        case = cases[REPLY_CASE]
        _feed(REPLY_ID, _reply(case), min(now, case.opened_at + timedelta(minutes=20)))
    if QUOTED_CASE in cases:
        case = cases[QUOTED_CASE]
        _feed(STRANGER_ID, _stranger(case), min(now, case.opened_at + timedelta(minutes=30)))
    if BOUNCED_CASE in cases:
        case = cases[BOUNCED_CASE]
        sent_at = _notification(case)
        _feed(BOUNCE_ID, _bounce(case, sent_at), min(now, sent_at + timedelta(minutes=2)))


def _feed(message_id: str, raw: bytes, at: datetime) -> None:
    if not InboundMessage.objects.filter(message_id=normalise_message_id(message_id)).exists():
        ingest(raw, now=at)


def _headers(*, sender: str, subject: str, message_id: str, at: datetime, extra: str = ""):
    return (
        f"From: {sender}\r\nTo: {settings.SUPPORT_EMAIL_ADDRESS}\r\nSubject: {subject}\r\n"
        f"Date: {format_datetime(at)}\r\nMessage-ID: {message_id}\r\n{extra}"
        "MIME-Version: 1.0\r\n"
    )


def _reply(case: Case) -> bytes:
    person = case.requester
    at = case.opened_at + timedelta(minutes=19)
    return (
        _headers(
            sender=f"{person.full_name} <{person.email}>",
            subject=f"Re: [{case.reference}] {case.subject}",
            message_id=REPLY_ID,
            at=at,
        )
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Two delivery ids of a webhook that reached us twice, 3 seconds apart:\r\n"
        "dlv_3c1e9a07 and dlv_3c1e9a07 (the same id both times).\r\n\r\n"
        f"On {format_datetime(case.opened_at)} Email Enterprise Support wrote:\r\n"
        "> We received your case. A support agent answers by email during office hours.\r\n"
    ).encode()


def _stranger(case: Case) -> bytes:
    at = case.opened_at + timedelta(minutes=29)
    return (
        _headers(
            sender="Pieter Bakker <pieter@acme-consulting.example>",
            subject=f"Question about [{case.reference}]",
            message_id=STRANGER_ID,
            at=at,
        )
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hello, I help Acme with their mail set-up. Is there news on this case?\r\n"
    ).encode()


def _notification(case: Case) -> datetime:
    """The notification of the agent's reply, as the mail task records it; returns when
    it was sent."""
    reply = (
        CaseMessage.objects.filter(case=case, author__is_staff=True).order_by("created_at").first()
    )
    sent_at = (reply.created_at if reply else case.opened_at) + timedelta(minutes=1)
    OutboundMessage.objects.get_or_create(
        message_id=NOTIFICATION_ID,
        defaults={
            "case": case,
            "kind": "replied",
            "source_key": "demo:bounced-notification",
            "recipient": case.requester.email,
            "subject": f"[{case.reference}] {case.subject}",
            "sent_at": sent_at,
        },
    )
    return OutboundMessage.objects.get(message_id=NOTIFICATION_ID).sent_at


def _bounce(case: Case, sent_at: datetime) -> bytes:
    at = sent_at + timedelta(minutes=1)
    recipient = case.requester.email
    boundary = "demo-bounce-boundary"
    return (
        _headers(
            sender="MAILER-DAEMON@mx.example.com (Mail Delivery System)",
            subject="Undelivered Mail Returned to Sender",
            message_id=BOUNCE_ID,
            at=at,
            extra="Auto-Submitted: auto-replied\r\n",
        )
        + "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        f'\tboundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Your message to <{recipient}> could not be delivered: the mailbox is full.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.2.2\r\n"
        f"Diagnostic-Code: smtp; 552 5.2.2 <{recipient}>: Mailbox full\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Email Enterprise Support <{settings.SUPPORT_EMAIL_ADDRESS}>\r\n"
        f"To: {recipient}\r\nSubject: [{case.reference}] {case.subject}\r\n"
        f"Date: {format_datetime(sent_at)}\r\nMessage-ID: {NOTIFICATION_ID}\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
