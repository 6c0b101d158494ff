"""ingest(): every corpus message lands where the designated support address says,
nothing is stored twice, machine mail is never answered, strangers never post."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cases.models import Attachment, Case, CaseMessage, Status
from inbound.models import AccessReply, InboundMessage, Outcome
from inbound.services import ingest

from ..html import text
from .conftest import CORPUS, OUR_NOTIFICATION, OUR_OTHER_NOTIFICATION, corpus_bytes

pytestmark = pytest.mark.django_db

# file -> (outcome, case reference or None); cases by reference, no notifications stored.
EXPECTED = {
    "apple-mail-reply.eml": (Outcome.POSTED, "EE-000125"),
    "bounce-exim.eml": (Outcome.QUARANTINED, None),
    "dsn-bounce.eml": (Outcome.QUARANTINED, None),
    "forward.eml": (Outcome.OPENED, "new"),
    "gmail-reply.eml": (Outcome.POSTED, "EE-000123"),
    "html-only-script.eml": (Outcome.OPENED, "new"),
    "iso-2022-jp-body.eml": (Outcome.QUARANTINED, None),
    "latin1-dutch-reply.eml": (Outcome.POSTED, "EE-000126"),
    "mailing-list.eml": (Outcome.QUARANTINED, None),
    "missing-date.eml": (Outcome.POSTED, "EE-000123"),
    "missing-message-id.eml": (Outcome.OPENED, "new"),
    "monitoring-notification.eml": (Outcome.QUARANTINED, None),
    "multipart-alternative-base64.eml": (Outcome.OPENED, "new"),
    "out-of-office-en.eml": (Outcome.QUARANTINED, None),
    "out-of-office-nl-subject-only.eml": (Outcome.QUARANTINED, None),
    "out-of-office-nl.eml": (Outcome.QUARANTINED, None),
    "outlook-reply.eml": (Outcome.POSTED, "EE-000124"),
    "oversized-attachment.eml": (Outcome.POSTED, "EE-000123"),
    "spoofed-contact-dmarc-fail.eml": (Outcome.QUARANTINED, None),
    "stranger-quoting-reference.eml": (Outcome.QUARANTINED, "EE-000123"),
    "thunderbird-reply.eml": (Outcome.POSTED, "EE-000123"),
    "windows-1252-body.eml": (Outcome.OPENED, "new"),
    "wrong-charset-declared-latin1.eml": (Outcome.POSTED, "EE-000126"),
    "wrong-charset-declared-utf8.eml": (Outcome.POSTED, "EE-000123"),
}


def outbox_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_every_corpus_message_lands_where_the_issue_says(world):
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert files == sorted(EXPECTED)
    known_cases = {c.reference for c in world.cases.values()}
    for name in files:
        row = ingest(corpus_bytes(name))
        outcome, reference = EXPECTED[name]
        assert row.outcome == outcome, (name, row.reason)
        if reference == "new":
            assert row.case.reference not in known_cases, name
        elif reference:
            assert row.case.reference == reference, name
        else:
            assert row.case is None, name
        if outcome == Outcome.POSTED:
            assert row.case_message.case_id == row.case_id
            assert row.case_message.channel == "email"
    assert InboundMessage.objects.count() == len(files)


def test_a_reply_is_matched_by_our_stored_message_id_before_the_subject(world, notification):
    notification(OUR_NOTIFICATION, 126)  # the subject says EE-000123
    row = ingest(corpus_bytes("gmail-reply.eml"))
    assert (row.outcome, row.case.reference) == (Outcome.POSTED, "EE-000126")
    assert row.reason == "a reply matched by its thread"
    assert row.case_message.author == world.anna


def test_a_reply_to_a_stored_inbound_message_threads_to_its_case(world):
    first = ingest(corpus_bytes("forward.eml"))
    raw = (
        "From: Anna de Vries <anna@acme.example>\r\nTo: support@example.com\r\n"
        "Subject: one more thing\r\nMessage-ID: <followup-1@acme.example>\r\n"
        f"In-Reply-To: <{first.message_id}>\r\n\r\nAlso the second domain.\r\n"
    ).encode()
    row = ingest(raw)
    assert (row.outcome, row.case) == (Outcome.POSTED, first.case)


def test_the_same_message_id_twice_is_stored_and_posted_once(world):
    first = ingest(corpus_bytes("gmail-reply.eml"))
    again = ingest(corpus_bytes("gmail-reply.eml"))
    assert again.pk == first.pk and again.duplicate and not first.duplicate
    assert InboundMessage.objects.get().times_received == 2
    assert CaseMessage.objects.filter(case=world.cases[123], channel="email").count() == 1


def test_a_message_without_message_id_is_keyed_by_its_bytes(world):
    raw = corpus_bytes("missing-message-id.eml")
    ingest(raw)
    assert ingest(raw).duplicate
    assert ingest(raw + b"\r\nP.S. something else\r\n").duplicate is False
    assert InboundMessage.objects.count() == 2


def test_a_stranger_quoting_a_real_reference_is_quarantined_not_posted(world):
    row = ingest(corpus_bytes("stranger-quoting-reference.eml"))
    assert row.outcome == Outcome.QUARANTINED
    assert "mallory@evil.example is not a contact" in row.reason
    assert not CaseMessage.objects.filter(case=world.cases[123], channel="email").exists()
    (reply,) = outbox_to("mallory@evil.example")
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "contact" in reply.body


def test_a_failing_dmarc_result_is_quarantined_and_unanswered(world):
    row = ingest(corpus_bytes("spoofed-contact-dmarc-fail.eml"))
    assert (row.outcome, row.dmarc) == (Outcome.QUARANTINED, "fail")
    assert row.reason == "DMARC failed: the sender address may be forged"
    assert outbox_to("anna@acme.example") == []


def test_a_bounce_of_our_notification_is_linked_to_its_case_as_a_delivery_failure(
    world, notification
):
    notification(OUR_NOTIFICATION, 123)
    mail.outbox.clear()
    row = ingest(corpus_bytes("dsn-bounce.eml"))
    assert (row.outcome, row.case) == (Outcome.DELIVERY_FAILURE, world.cases[123])
    assert "jeroen.old@acme.example" in row.reason
    assert (row.failed_recipient, row.delivery_status) == ("jeroen.old@acme.example", "5.1.1")
    assert "Recipient address" in row.diagnostic_code
    assert mail.outbox == []


def test_an_out_of_office_reply_in_a_thread_is_never_posted_nor_answered(world, notification):
    notification(OUR_OTHER_NOTIFICATION, 124)
    mail.outbox.clear()
    row = ingest(corpus_bytes("out-of-office-en.eml"))
    assert row.outcome == Outcome.QUARANTINED and row.verdict == "out_of_office"
    assert not CaseMessage.objects.filter(channel="email").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name",
    [
        "bounce-exim.eml",
        "dsn-bounce.eml",
        "mailing-list.eml",
        "monitoring-notification.eml",
        "out-of-office-nl.eml",
    ],
)
def test_machine_mail_never_gets_an_automatic_reply(world, name):
    mail.outbox.clear()
    row = ingest(corpus_bytes(name))
    assert row.outcome == Outcome.QUARANTINED
    assert mail.outbox == [] and not AccessReply.objects.exists()


def test_our_own_access_reply_coming_back_is_not_answered(world):
    ingest(corpus_bytes("stranger-quoting-reference.eml"))
    (reply,) = mail.outbox
    bounced = reply.message().as_bytes()
    mail.outbox.clear()
    row = ingest(bounced)
    assert row.outcome == Outcome.QUARANTINED
    assert mail.outbox == []


def test_an_unknown_sender_gets_one_access_reply_per_period(world):
    def stranger(n):
        return (
            f"From: Tanaka <tanaka@acme.example>\r\nTo: support@example.com\r\n"
            f"Subject: question {n}\r\nMessage-ID: <q{n}@acme.example>\r\n\r\nHello {n}\r\n"
        ).encode()

    ingest(stranger(1))
    ingest(stranger(2))
    assert len(outbox_to("tanaka@acme.example")) == 1
    assert InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).count() == 2
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        ingest(stranger(3))
    assert len(outbox_to("tanaka@acme.example")) == 2


def _from_stranger(extra_headers: str = "") -> bytes:
    return (
        "From: Tanaka <tanaka@elsewhere.example>\r\nTo: support@example.com\r\n"
        f"Subject: question\r\nMessage-ID: <lang@elsewhere.example>\r\n{extra_headers}"
        "\r\nHello\r\n"
    ).encode()


ENGLISH, DUTCH = "Thank you for your message to", "Dank voor uw bericht aan"


def test_an_unknown_sender_gets_the_access_reply_in_english_and_dutch_in_one_mail(world):
    ingest(_from_stranger())
    (reply,) = outbox_to("tanaka@elsewhere.example")
    assert ENGLISH in reply.body and DUTCH in reply.body
    shown = text(reply.alternatives[0][0])
    assert ENGLISH in shown and DUTCH in shown
    assert reply.subject == (
        "How to reach Email Enterprise Support / Zo bereikt u Email Enterprise Support"
    )
    address, hotline = settings.SUPPORT_EMAIL_ADDRESS, settings.SEVERITY1_HOTLINE
    portal = f"{settings.PORTAL_BASE_URL}/"
    assert reply.body == (
        "Hello,\n\n"
        f"Thank you for your message to {address}. We could not link your address to a customer "
        "account, so your message was not added to a support case. We keep it, and a support "
        "agent may look at it.\n\n"
        "To get access: ask the primary contact of your company's account, or your Technical "
        "Account Manager, to add you as a contact. Then write from that address or sign in to "
        f"the portal: {portal}\n\n"
        "A critical issue (all API calls or all SMTP injections failing)? Call the Severity 1 "
        f"hotline, {hotline}, 24/7/365.\n\n"
        "This is an automatic reply; we do not send it again for every message.\n"
        "\n* * *\n\n"
        "Beste,\n\n"
        f"Dank voor uw bericht aan {address}. We konden uw adres niet aan een klantaccount "
        "koppelen, dus uw bericht is niet aan een Supportzaak toegevoegd. We bewaren het, en een "
        "Klant Support agent kan het bekijken.\n\n"
        "Zo krijgt u toegang: vraag de primaire contactpersoon van het account van uw bedrijf, of "
        "uw Technische Accountmanager, om u als contactpersoon toe te voegen. Schrijf daarna vanaf "
        f"dat adres of meld u aan op het portaal: {portal}\n\n"
        "Een Kritisch probleem (alle API-aanroepen of alle SMTP-injecties mislukken)? Bel de "
        f"Ernst 1 Hotline, {hotline}, 24/7/365.\n\n"
        "Dit is een automatisch antwoord; we sturen het niet opnieuw bij elk bericht.\n"
        "\n-- \n"
        "Email Enterprise Support\n\n"
    )


@pytest.mark.parametrize(
    "header, present, absent",
    [
        ("Content-Language: nl-NL\r\n", DUTCH, ENGLISH),
        ("Content-Language: en\r\n", ENGLISH, DUTCH),
        ("Accept-Language: nl-BE, nl;q=0.9, en;q=0.8\r\n", DUTCH, ENGLISH),
        ("Accept-Language: de-DE, en-GB;q=0.7, nl;q=0.5\r\n", ENGLISH, DUTCH),
        # The language the message is written in wins over what the client accepts.
        ("Content-Language: nl\r\nAccept-Language: en-US\r\n", DUTCH, ENGLISH),
    ],
)
def test_a_stated_language_gets_the_access_reply_in_that_language_only(
    world, header, present, absent
):
    ingest(_from_stranger(header))
    (reply,) = outbox_to("tanaka@elsewhere.example")
    assert present in reply.body and absent not in reply.body
    assert present in reply.alternatives[0][0] and absent not in reply.alternatives[0][0]


def test_a_language_we_do_not_speak_gets_both(world):
    ingest(_from_stranger("Content-Language: de\r\n"))
    (reply,) = outbox_to("tanaka@elsewhere.example")
    assert ENGLISH in reply.body and DUTCH in reply.body


def test_a_new_message_from_a_contact_opens_a_non_critical_case_and_acknowledges_it(world):
    mail.outbox.clear()
    # A Wednesday, 10:00 in Amsterdam: the office is open, a response is due in office hours.
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False):
        row = ingest(corpus_bytes("missing-message-id.eml"))
    case = row.case
    assert (case.severity, case.channel, case.requester) == ("non_critical", "email", world.anna)
    assert case.subject == "Configuration request: a second sending domain"
    acks = [m for m in outbox_to("anna@acme.example") if "Auto-Submitted" in m.extra_headers]
    (ack,) = acks
    # Anna reads Dutch: how to report a critical issue, portal form and hotline.
    assert ack.subject == f"[{case.reference}] We hebben uw zaak ontvangen: {case.subject}"
    assert ack.body == (
        f"Beste {world.anna.full_name},\n\n"
        f"Uw e-mail heeft Supportzaak {case.reference} geopend als Niet-kritisch probleem. Een "
        "Klant Support agent antwoordt per e-mail tijdens kantooruren. Beantwoord deze e-mail om "
        "informatie toe te voegen.\n"
        "Een Klant Support agent reageert uiterlijk wo 25 nov 2026, 14:00 (tijdzone "
        "Europe/Amsterdam).\n\n"
        "Is dit een Kritisch probleem? Al uw API-aanroepen of al uw SMTP-injecties mislukken door "
        "een time-out of interne fout aan de serverkant:\n"
        f"1. Dien het in het portaal in als kritisch: {settings.PORTAL_BASE_URL}/cases/new/\n"
        f"2. Bel daarna de Ernst 1 Hotline, {settings.SEVERITY1_HOTLINE} (24 uur per dag, 7 dagen "
        "per week, 365 dagen per jaar). Een Klant Support agent belt u binnen 15 minuten terug.\n\n"
        f"Volg de zaak in het portaal: {settings.PORTAL_BASE_URL}/cases/{case.reference}/\n\n"
        "-- \n"
        "Email Enterprise Support\n\n"
    )
    assert ack.alternatives and "Ernst 1 Hotline" in ack.alternatives[0][0]


def test_a_case_opened_by_mail_sends_the_customer_one_mail_the_acknowledgement(world):
    mail.outbox.clear()
    row = ingest(corpus_bytes("missing-message-id.eml"))
    assert row.outcome == Outcome.OPENED
    # Not the acknowledgement and the generic "case filed" mail: the acknowledgement only,
    # which says how to report a critical issue (the portal form, then the hotline).
    (only,) = mail.outbox
    assert only.to == ["anna@acme.example"]
    assert only.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "/cases/new/" in only.body and "Ernst 1 Hotline" in only.body
    # The filing is still on the case's timeline, public, as for any case.
    assert row.case.events.filter(kind="opened", public=True).exists()


def test_the_acknowledgement_is_kept_as_the_case_s_sent_mail_once(world):
    from cases.models import OutboundMessage
    from inbound.tasks import send_acknowledgement

    mail.outbox.clear()
    row = ingest(corpus_bytes("missing-message-id.eml"))
    (ack,) = mail.outbox
    sent = OutboundMessage.objects.get(case=row.case)
    assert (sent.kind, sent.recipient) == ("acknowledged", "anna@acme.example")
    assert sent.message_id == ack.extra_headers["Message-ID"]
    assert send_acknowledgement(row.pk) is False  # a retried task sends nothing more
    assert len(mail.outbox) == 1

    # So a bounce of it is the case's delivery failure, not a stranger's report.
    bounce = corpus_bytes("dsn-bounce.eml").replace(
        OUR_NOTIFICATION.encode(), sent.message_id.strip("<>").encode()
    )
    failure = ingest(bounce)
    assert (failure.outcome, failure.case) == (Outcome.DELIVERY_FAILURE, row.case)


def test_attachments_follow_the_portals_size_rules(world, settings):
    row = ingest(corpus_bytes("oversized-attachment.eml"))
    assert row.outcome == Outcome.POSTED
    assert "more than the limit" in row.attachment_notes
    assert not Attachment.objects.filter(
        message=row.case_message, size__gt=settings.CASES_ATTACHMENT_MAX_BYTES
    ).exists()
    assert "not accepted" in row.case_message.body


def test_a_reply_to_a_resolved_case_reopens_it_and_is_posted(world):
    case = world.cases[123]
    case.status, case.resolved_at = Status.RESOLVED, timezone.now()
    case.save()
    row = ingest(corpus_bytes("gmail-reply.eml"))
    assert (row.outcome, row.case) == (Outcome.POSTED, case)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_a_staff_reply_by_mail_is_a_public_reply_on_the_case(world):
    raw = (
        b"Authentication-Results: mx.example.com; dmarc=pass header.from=example.com\r\n"
        b"From: Sam <sam.agent@example.com>\r\nTo: support@example.com\r\n"
        b"Subject: Re: [EE-000124] API returns 503\r\nMessage-ID: <staff-1@example.com>\r\n"
        b"\r\nWe restarted the API nodes.\r\n"
    )
    row = ingest(raw)
    assert row.outcome == Outcome.POSTED
    assert row.case_message.author == world.agent
    assert outbox_to("jeroen@acme.example")


def test_a_reply_of_megabytes_of_text_is_posted_cut_and_kept_whole_for_staff(world):
    from inbound.posting import MAX_POSTED_TEXT

    text = "".join(f"Log line {n}: connection timed out after DATA\r\n" for n in range(40_000))
    raw = (
        "From: Anna de Vries <anna@acme.example>\r\nTo: support@example.com\r\n"
        "Subject: Re: [EE-000123] logs\r\nMessage-ID: <long@acme.example>\r\n\r\n" + text
    ).encode()
    row = ingest(raw)
    assert row.outcome == Outcome.POSTED
    body = row.case_message.body
    assert len(body) <= MAX_POSTED_TEXT
    assert body.endswith(
        f"(The message was cut at {MAX_POSTED_TEXT - 200} characters; staff keep its full text.)"
    )
    assert row.full_text.rstrip().endswith("Log line 39999: connection timed out after DATA")


@pytest.mark.parametrize("route", ["reply", "new"])
def test_a_post_the_cases_refuse_with_a_validation_error_goes_to_quarantine(
    world, monkeypatch, route
):
    from django.core.exceptions import ValidationError

    from cases import services as case_services

    def refuse(**kwargs):
        raise ValidationError("Message: at most 10 characters.")

    name = "case_customer_reply" if route == "reply" else "case_open"
    monkeypatch.setattr(case_services, name, refuse)
    subject = "Re: [EE-000123] SMTP" if route == "reply" else "A new question"
    raw = (
        "From: Anna de Vries <anna@acme.example>\r\nTo: support@example.com\r\n"
        f"Subject: {subject}\r\nMessage-ID: <refused-{route}@acme.example>\r\n\r\nLong text\r\n"
    ).encode()
    cases_before = Case.objects.count()
    row = ingest(raw)
    assert row.outcome == Outcome.QUARANTINED
    assert row.reason.endswith(", but Message: at most 10 characters.")
    assert Case.objects.count() == cases_before
    assert not CaseMessage.objects.filter(channel="email").exists()
