"""The written DMARC policy, through ingest(): a trusted fail is quarantined; staff mail
needs a pass (else it is held and the staff member told, once per period); a
customer's mail without a pass is posted and marked "sender not verified", or held
when INBOUND_REQUIRE_DMARC_PASS is on."""

import pytest
from django.conf import settings
from django.core import mail

from cases.models import CaseMessage
from inbound.models import AccessReply, InboundMessage, Outcome
from inbound.services import ingest

pytestmark = pytest.mark.django_db


def message(
    sender: str,
    *auth_headers: str,
    subject: str = "Re: [EE-000124] API returns 503",
    message_id: str = "<m1@example.com>",
    body: str = "We restarted the API nodes.",
) -> bytes:
    lines = [f"Authentication-Results: {value}" for value in auth_headers] + [
        f"From: {sender}",
        "To: support@example.com",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


STAFF = "Sam <sam.agent@example.com>"
JEROEN = "Jeroen Bakker <jeroen@acme.example>"


def to(address):
    return [m for m in mail.outbox if address in m.to]


def held_notice(staff, row, why: str) -> str:
    """The text of the notice that tells a staff member their message was held."""
    return (
        f"Hello {staff.full_name or staff.email},\n\n"
        f"Your message “Re: [EE-000124] API returns 503” to {settings.SUPPORT_EMAIL_ADDRESS} was "
        "not posted on a case: it is held in the quarantine.\n\n"
        f"{why}\n\n"
        "Post your reply in the staff admin instead, or settle the held message there: "
        f"{settings.PORTAL_BASE_URL}/admin/inbound/inboundmessage/{row.pk}/change/\n\n"
        "This is an automatic reply; we do not send it again for every message.\n\n"
        "-- \n"
        "Email Enterprise Support\n\n"
    )


def test_staff_mail_with_a_trusted_pass_is_posted(world):
    row = ingest(message(STAFF, "mx.example.com; dmarc=pass header.from=example.com"))
    assert (row.outcome, row.case_message.author) == (Outcome.POSTED, world.agent)
    assert row.sender_verified


@pytest.mark.parametrize(
    "auth, result",
    [
        ((), ""),
        (("mx.example.com; dmarc=none header.from=example.com",), "none"),
        (("mx.example.com; dmarc=temperror",), "temperror"),
        # A pass written by someone else, or below our own header, is not ours.
        (("mx.attacker.example; dmarc=pass header.from=example.com",), ""),
        (
            (
                "mx.example.com; dmarc=none header.from=example.com",
                "mx.example.com; dmarc=pass header.from=example.com",
            ),
            "none",
        ),
    ],
)
def test_staff_mail_without_a_pass_is_held_and_the_staff_member_told(world, auth, result):
    row = ingest(message(STAFF, *auth))
    assert (row.outcome, row.dmarc) == (Outcome.QUARANTINED, result)
    assert "a message from staff (sam.agent@example.com) without a DMARC pass" in row.reason
    assert not CaseMessage.objects.filter(channel="email").exists()
    assert to("jeroen@acme.example") == []
    (notice,) = to("sam.agent@example.com")
    assert notice.subject == (
        "Your message to support@example.com was held: Re: [EE-000124] API returns 503"
    )
    assert notice.body == held_notice(
        world.agent,
        row,
        "Mail from staff is posted only when the receiving mail server's DMARC check passes for "
        f"your address. For this message the result was: {result or '—'}.",
    )
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"


def test_without_trusted_authserv_ids_a_pass_the_sender_wrote_posts_nothing_as_staff(
    world, settings
):
    # Our MTA writes no header (INBOUND_AUTHSERV_IDS unset): the topmost is the sender's.
    settings.INBOUND_AUTHSERV_IDS = []
    row = ingest(message(STAFF, "anything.example; dmarc=pass header.from=example.com"))
    assert (row.outcome, row.dmarc) == (Outcome.QUARANTINED, "")
    assert not CaseMessage.objects.filter(channel="email").exists()
    assert to("jeroen@acme.example") == []


def test_without_trusted_authserv_ids_a_fail_still_quarantines(world, settings):
    settings.INBOUND_AUTHSERV_IDS = []
    row = ingest(message(JEROEN, "mx.whoever.example; dmarc=fail header.from=acme.example"))
    assert (row.outcome, row.dmarc) == (Outcome.QUARANTINED, "fail")


def test_the_staff_member_is_told_once_per_period(world):
    ingest(message(STAFF, message_id="<m1@example.com>"))
    ingest(message(STAFF, message_id="<m2@example.com>"))
    assert len(to("sam.agent@example.com")) == 1
    assert AccessReply.objects.get().kind == "held"
    assert InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).count() == 2


def test_a_staff_member_is_told_in_their_language(world):
    world.agent.language = "nl"
    world.agent.save()
    ingest(message(STAFF))
    (notice,) = to("sam.agent@example.com")
    assert notice.subject.startswith("Uw bericht aan support@example.com is vastgehouden")


@pytest.mark.parametrize(
    "auth, reason",
    [
        ("mx.example.com; dmarc=fail header.from=example.com", "DMARC failed"),
        ("mx.example.com; dmarc=pass header.from=elsewhere.example", "DMARC passed for"),
    ],
)
def test_forged_staff_mail_is_held_and_the_staff_member_told_of_it(world, auth, reason):
    row = ingest(message(STAFF, auth))
    assert row.outcome == Outcome.QUARANTINED and row.reason.startswith(reason)
    assert to("jeroen@acme.example") == []
    (notice,) = to("sam.agent@example.com")
    assert notice.body == held_notice(
        world.agent,
        row,
        "The receiving mail server's DMARC check failed for your address: someone may be sending "
        "mail in your name. If you did not send this message, tell your security team.",
    )


def test_a_customers_mail_without_a_pass_is_posted_but_not_verified(world):
    row = ingest(message(JEROEN, "mx.example.com; dmarc=none header.from=acme.example"))
    assert (row.outcome, row.case_message.author) == (Outcome.POSTED, world.jeroen)
    assert (row.dmarc, row.sender_verified) == ("none", False)


def test_a_customers_mail_without_any_result_is_posted_but_not_verified(world):
    row = ingest(message(JEROEN))
    assert row.outcome == Outcome.POSTED and not row.sender_verified


def test_with_require_dmarc_pass_a_customers_unverified_mail_is_held(world, settings):
    settings.INBOUND_REQUIRE_DMARC_PASS = True
    row = ingest(message(JEROEN, "mx.example.com; dmarc=none header.from=acme.example"))
    assert row.outcome == Outcome.QUARANTINED
    assert row.reason == (
        "a reply matched by its reference EE-000124, but DMARC did not pass (DMARC: none) "
        "and INBOUND_REQUIRE_DMARC_PASS is on"
    )
    new = ingest(message(JEROEN, subject="A new question", message_id="<m2@acme.example>"))
    assert new.outcome == Outcome.QUARANTINED and "INBOUND_REQUIRE_DMARC_PASS" in new.reason
    passed = ingest(
        message(
            JEROEN,
            "mx.example.com; dmarc=pass header.from=acme.example",
            message_id="<m3@acme.example>",
        )
    )
    assert passed.outcome == Outcome.POSTED


def test_a_fail_in_any_trusted_header_quarantines_a_customers_mail(world, settings):
    settings.INBOUND_AUTHSERV_IDS = ["mx.example.com", "gw.example.com"]
    row = ingest(
        message(
            JEROEN,
            "mx.example.com; dmarc=pass header.from=acme.example",
            "gw.example.com; dmarc = (policy) fail header.from=acme.example",
        )
    )
    assert (row.outcome, row.dmarc) == (Outcome.QUARANTINED, "fail")
    assert to("jeroen@acme.example") == []


def test_a_failing_delivery_report_is_not_linked_to_a_case(world, notification):
    from .conftest import OUR_NOTIFICATION, corpus_bytes

    notification(OUR_NOTIFICATION, 123)
    raw = corpus_bytes("dsn-bounce.eml")
    raw = b"Authentication-Results: mx.example.com; dmarc=fail\r\n" + raw
    row = ingest(raw)
    assert (row.outcome, row.case) == (Outcome.QUARANTINED, None)
