"""The TAM's escalation mail is a staff mail: it carries the staff footer, and the TAM's
reply to it by mail is an internal note on the case, never a reply to the customer."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import CaseMessage, OutboundMessage
from inbound.models import Outcome
from inbound.services import ingest

from ..html import Page

pytestmark = pytest.mark.django_db

PASS = "Authentication-Results: mx.example.com; dmarc=pass header.from=example.com"


def _escalation_mail(world):
    case = world.cases[124]
    services.case_escalate(case=case, customer=world.jeroen, reason="No answer for two days")
    (sent,) = [m for m in mail.outbox if m.to == [world.acme.tam.email]]
    return case, sent


def _reply_to(sent, sender: str, body: str) -> bytes:
    return (
        f"{PASS}\r\nFrom: {sender}\r\nTo: support@example.com\r\n"
        f"Subject: Re: {sent.subject}\r\nMessage-ID: <tam-reply@example.com>\r\n"
        f"In-Reply-To: {sent.extra_headers['Message-ID']}\r\n"
        f"References: {sent.extra_headers['Message-ID']}\r\n\r\n{body}\r\n"
    ).encode()


def test_the_escalation_mail_carries_the_staff_footer_and_the_admin_link(world, settings):
    case, sent = _escalation_mail(world)
    assert sent.subject == f"[{case.reference}] Escalated to you by the customer: {case.subject}"
    assert "A reply to this mail is added to the case as an internal note" in sent.body
    assert "Reply to this mail to add information to the case" not in sent.body
    assert "Severity 1 hotline" not in sent.body
    admin_url = settings.PORTAL_BASE_URL + reverse("admin:cases_case_change", args=[case.pk])
    assert f"Open the case in the admin: {admin_url}" in sent.body
    assert "No answer for two days" in sent.body
    html = Page(sent.alternatives[0][0])
    assert "internal note" in html and "add information to the case" not in html


def test_the_tam_s_reply_by_mail_is_an_internal_note_the_customer_never_gets(world):
    case, sent = _escalation_mail(world)
    mail.outbox.clear()
    tam = world.acme.tam
    row = ingest(_reply_to(sent, f"TAM <{tam.email}>", "Sam, call Jeroen today please."))
    assert row.outcome == Outcome.POSTED and row.case_id == case.pk
    assert "internal note" in row.reason
    note = row.case_message
    assert (note.author, note.visibility, note.channel) == (
        tam,
        CaseMessage.Visibility.INTERNAL,
        "email",
    )
    assert "call Jeroen today" in note.body
    # Nothing reached the customer: no mail, and not on their case page.
    assert [m for m in mail.outbox if world.jeroen.email in m.to] == []
    assert (
        not OutboundMessage.objects.filter(recipient=world.jeroen.email, case=case)
        .exclude(kind="opened")
        .exists()
    )
    from django.test import Client

    client = Client()
    client.force_login(world.jeroen)
    page = Page(client.get(reverse("cases:detail", args=[case.reference])))
    assert "call Jeroen today" not in page


def test_staff_replying_to_a_customer_mail_still_reply_to_the_customer(world, notification):
    """Only a reply to a mail to staff becomes a note: an agent's reply in the customer's
    thread is the public reply it always was."""
    notification("customer-thread@example.com", 124)
    raw = (
        f"{PASS}\r\nFrom: Sam <sam.agent@example.com>\r\nTo: support@example.com\r\n"
        "Subject: Re: [EE-000124] Case 124\r\nMessage-ID: <agent-reply@example.com>\r\n"
        "In-Reply-To: <customer-thread@example.com>\r\n\r\nWe restarted the nodes.\r\n"
    ).encode()
    row = ingest(raw)
    assert row.outcome == Outcome.POSTED
    assert row.case_message.visibility == CaseMessage.Visibility.PUBLIC
