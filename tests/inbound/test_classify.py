"""Loop protection: the verdict and its reasons for each kind of machine mail, and
that only a person's message may be answered, open a case or be posted as a reply."""

import pytest

from inbound.classify import (
    Verdict,
    classify,
    is_auto_submitted,
    is_delivery_report,
    is_mailing_list,
    precedence,
)
from inbound.parse import parse_message

from .conftest import OUR_NOTIFICATION

OWN = ["support@example.com"]


def message(headers: str, body: str = "Hello") -> bytes:
    return (headers.strip() + "\r\n\r\n" + body).replace("\n", "\r\n").encode()


def verdict_of(headers: str, body: str = "Hello"):
    return classify(parse_message(message(headers, body)), own_addresses=OWN)


@pytest.mark.parametrize(
    "name",
    [
        "gmail-reply.eml",
        "outlook-reply.eml",
        "apple-mail-reply.eml",
        "thunderbird-reply.eml",
        "latin1-dutch-reply.eml",
        "forward.eml",
        "multipart-alternative-base64.eml",
        "windows-1252-body.eml",
        "iso-2022-jp-body.eml",
        "missing-date.eml",
        "missing-message-id.eml",
        "stranger-quoting-reference.eml",
        "spoofed-contact-dmarc-fail.eml",
        "oversized-attachment.eml",
        "html-only-script.eml",
    ],
)
def test_mail_written_by_a_person_may_be_answered(corpus, name):
    result = classify(corpus(name), own_addresses=OWN)
    assert result.verdict is Verdict.PERSON
    assert result.reasons == ()
    assert result.may_auto_reply and result.is_customer_message


def test_a_dsn_bounce_is_a_delivery_report_about_our_notification(corpus):
    result = classify(corpus("dsn-bounce.eml"), own_addresses=OWN)
    assert result.verdict is Verdict.DELIVERY_REPORT
    assert result.reasons[0] == "multipart/report; report-type=delivery-status"
    assert "sent by mailer-daemon" in result.reasons
    assert "empty Return-Path (null sender)" in result.reasons
    assert result.delivery_report.original_message_id == OUR_NOTIFICATION
    assert not result.may_auto_reply and not result.is_customer_message


def test_an_old_style_bounce_is_a_delivery_report_too(corpus):
    result = classify(corpus("bounce-exim.eml"))
    assert result.verdict is Verdict.DELIVERY_REPORT
    assert result.reasons[0] == "a bounce from a mail server"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("out-of-office-en.eml", "Auto-Submitted: auto-replied"),
        ("out-of-office-nl.eml", "X-Autoreply: yes"),
        ("out-of-office-nl-subject-only.eml", "subject reads as an out-of-office reply"),
    ],
)
def test_out_of_office_replies_are_never_posted_as_customer_replies(corpus, name, reason):
    result = classify(corpus(name), own_addresses=OWN)
    assert result.verdict is Verdict.OUT_OF_OFFICE
    assert reason in result.reasons
    assert not result.is_customer_message and not result.may_auto_reply


def test_exchange_auto_response_suppress_is_a_reason(corpus):
    result = classify(corpus("out-of-office-en.eml"))
    assert "X-Auto-Response-Suppress: all" in result.reasons
    assert result.reasons.count("Auto-Submitted: auto-replied") == 1


def test_a_mailing_list_post_is_recognised_by_its_list_headers(corpus):
    result = classify(corpus("mailing-list.eml"))
    assert result.verdict is Verdict.MAILING_LIST
    assert result.reasons == (
        "List-Id: Deliverability discussion <deliverability.lists.example.org>",
        "List-Unsubscribe present",
        "Precedence: list",
    )
    assert is_mailing_list(corpus("mailing-list.eml"))


def test_an_automated_notification_is_automated(corpus):
    result = classify(corpus("monitoring-notification.eml"))
    assert result.verdict is Verdict.AUTOMATED
    assert result.reasons == (
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "sent from a no-reply address",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("no", False), ("No", False), ("auto-generated", True), ("auto-replied", True),
     ("auto-notified; owner-email=x@y.example", True), ("", False)],
)  # fmt: skip
def test_auto_submitted_other_than_no_marks_machine_mail(value, expected):
    header = f"Auto-Submitted: {value}\n" if value else ""
    parsed = parse_message(message(f"From: a@b.example\n{header}Subject: x"))
    assert is_auto_submitted(parsed) is expected


@pytest.mark.parametrize("value", ["bulk", "junk", "list", "BULK"])
def test_precedence_bulk_junk_and_list_are_never_answered(value):
    result = verdict_of(f"From: a@b.example\nPrecedence: {value}\nSubject: x")
    assert precedence(parse_message(message(f"From: a@b.example\nPrecedence: {value}")))
    assert not result.may_auto_reply


def test_precedence_first_class_is_a_person():
    assert verdict_of("From: a@b.example\nPrecedence: first-class").verdict is Verdict.PERSON


@pytest.mark.parametrize(
    "sender", ["MAILER-DAEMON@mx.example.com", "postmaster@acme.example", "no-reply@x.example"]
)
def test_mailer_daemons_postmasters_and_no_reply_senders_are_automated(sender):
    assert verdict_of(f"From: {sender}\nSubject: hi").verdict is Verdict.AUTOMATED


def test_mail_from_our_own_address_is_never_answered():
    result = verdict_of("From: Support <Support@Example.com>\nSubject: [EE-000001] update")
    assert result.verdict is Verdict.AUTOMATED
    assert result.reasons == ("sent from our own address",)


def test_an_x_loop_naming_our_address_is_never_answered():
    result = verdict_of("From: a@b.example\nX-Loop: support@example.com\nSubject: hi")
    assert result.reasons == ("X-Loop names our own address",)


def test_a_message_without_a_sender_address_is_not_answered():
    result = verdict_of("From: undisclosed\nSubject: hi")
    assert result.verdict is Verdict.AUTOMATED
    assert result.reasons == ("no sender address",)


def test_a_read_receipt_is_automated_not_a_delivery_report():
    raw = message(
        "From: a@b.example\nContent-Type: multipart/report; report-type=disposition-notification;"
        ' boundary="b"',
        "--b\nContent-Type: text/plain\n\nRead.\n--b\nContent-Type: message/disposition-notific"
        "ation\n\nFinal-Recipient: rfc822; a@b.example\nDisposition: manual-action/MDN-sent-manua"
        "lly; displayed\n--b--\n",
    )
    parsed = parse_message(raw)
    assert not is_delivery_report(parsed)
    result = classify(parsed)
    assert result.verdict is Verdict.AUTOMATED
    assert result.reasons == ("multipart/report; report-type=disposition-notification",)


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: [EE-000001] x",
        "Automatic reply: hello",
        "Auto-Reply: hello",
        "Automatisch antwoord: Re: x",
        "Afwezig",
        "Afwezigheid tot 1 december",
        "[EE-000001] Out of the office",
    ],
)
def test_out_of_office_subjects_in_english_and_dutch(subject):
    assert verdict_of(f"From: a@b.example\nSubject: {subject}").verdict is Verdict.OUT_OF_OFFICE


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [EE-000001] the office move",
        "Question about auto replies",
        "Afwijzing",
        "Vacation schedule of our TAM",
        "Absence of DKIM signatures",
    ],
)
def test_ordinary_subjects_are_not_taken_for_out_of_office(subject):
    assert verdict_of(f"From: a@b.example\nSubject: {subject}").verdict is Verdict.PERSON


def test_classify_never_raises_even_on_a_broken_object():
    result = classify(object())  # type: ignore[arg-type]
    assert result.verdict is Verdict.AUTOMATED
    assert result.reasons[0].startswith("could not be classified")
