"""Mail identity that cannot be forged: the sender is the address in From, read before
any encoded word is decoded; a From that names several addresses lets no one choose;
staff mail needs a DMARC pass; the trusted Authentication-Results decide."""

import base64

import pytest
from django.core import mail

from cases.models import Case, CaseMessage
from inbound.models import AccessReply, InboundMessage, Outcome
from inbound.services import ingest

pytestmark = pytest.mark.django_db


def b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def message(
    from_: str,
    *,
    subject: str = "Re: [EE-000123] SMTP injections time out",
    auth: str | None = "dmarc=pass header.from=elsewhere.example",
    message_id: str = "<forged-1@elsewhere.example>",
    extra: str = "",
    body: str = "Please change the sending domain to ours.",
) -> bytes:
    lines = ["Return-Path: <bounce@elsewhere.example>"]
    if auth is not None:
        lines.append(f"Authentication-Results: mx.example.com; {auth}")
    lines += [
        f"From: {from_}",
        "To: support@example.com",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        "Date: Thu, 26 Nov 2026 10:00:00 +0000",
    ]
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def posted_by_mail():
    return CaseMessage.objects.filter(channel="email")


@pytest.mark.parametrize(
    "from_",
    [
        # The display name decodes to a customer's address.
        f"{b64_word('anna@acme.example')} <mallory@elsewhere.example>",
        # ... with quotes and angle brackets inside the encoded word.
        b64_word('"Anna de Vries" <anna@acme.example>') + " <mallory@elsewhere.example>",
        f"{b64_word('<anna@acme.example>')} <mallory@elsewhere.example>",
        # A quoted display name and a comment that read as an address.
        '"anna@acme.example" <mallory@elsewhere.example>',
        "mallory@elsewhere.example (anna@acme.example)",
        "(anna@acme.example) mallory@elsewhere.example",
    ],
)
def test_a_display_name_that_reads_as_a_customers_address_is_not_the_sender(world, from_):
    row = ingest(message(from_))
    assert (row.outcome, row.from_address) == (Outcome.QUARANTINED, "mallory@elsewhere.example")
    assert "mallory@elsewhere.example is not a contact" in row.reason
    assert not posted_by_mail().exists()


def test_the_decoded_display_name_is_kept_as_the_name_for_staff(world):
    row = ingest(message(f"{b64_word('anna@acme.example')} <mallory@elsewhere.example>"))
    assert row.from_name == "anna@acme.example"


def test_a_forged_staff_address_in_the_display_name_posts_no_public_reply(world):
    raw = message(
        f"{b64_word('sam.agent@example.com')} <mallory@elsewhere.example>",
        subject="Re: [EE-000124] API returns 503",
        body="Please send your API keys to mallory@elsewhere.example.",
    )
    row = ingest(raw)
    assert (row.outcome, row.from_address) == (Outcome.QUARANTINED, "mallory@elsewhere.example")
    assert not posted_by_mail().exists()
    assert [m for m in mail.outbox if "jeroen@acme.example" in m.to] == []


@pytest.mark.parametrize(
    "from_",
    [
        "Anna <anna@acme.example>, Mallory <mallory@elsewhere.example>",
        "Mallory <mallory@elsewhere.example>, Anna <anna@acme.example>",
        "anna@acme.example <mallory@elsewhere.example>",
        "=?utf-8?q?x_<anna@acme.example>?= <mallory@elsewhere.example>",
    ],
)
def test_a_from_that_names_two_addresses_is_quarantined_for_staff_to_decide(world, from_):
    row = ingest(message(from_, extra="Sender: anna@acme.example"))
    assert row.outcome == Outcome.QUARANTINED
    assert row.from_address == ""
    assert "the From header names 2 addresses" in row.reason
    assert "anna@acme.example" in row.reason and "mallory@elsewhere.example" in row.reason
    assert not posted_by_mail().exists()
    assert mail.outbox == [] and not AccessReply.objects.exists()


def test_two_from_headers_are_two_addresses(world):
    raw = message("Anna <anna@acme.example>", extra="From: Mallory <mallory@elsewhere.example>")
    row = ingest(raw)
    assert row.outcome == Outcome.QUARANTINED
    assert "the From header names 2 addresses" in row.reason


def test_the_sender_header_never_chooses_the_sender(world):
    row = ingest(message("Mallory <mallory@elsewhere.example>", extra="Sender: anna@acme.example"))
    assert (row.outcome, row.from_address) == (Outcome.QUARANTINED, "mallory@elsewhere.example")
    assert not posted_by_mail().exists()


def test_an_encoded_word_in_the_address_itself_is_never_decoded(world):
    row = ingest(message(f"Anna <{b64_word('anna')}@acme.example>"))
    assert row.from_address != "anna@acme.example"
    assert row.outcome == Outcome.QUARANTINED
    assert not posted_by_mail().exists()


def test_a_real_customer_with_an_encoded_display_name_is_still_herself(world):
    raw = message(
        f"{b64_word('Anna de Vries (Acmé)')} <anna@acme.example>",
        auth="dmarc=pass header.from=acme.example",
    )
    row = ingest(raw)
    assert (row.outcome, row.case_message.author) == (Outcome.POSTED, world.anna)
    assert row.from_name == "Anna de Vries (Acmé)"


def test_no_case_is_opened_in_a_customers_name_by_a_forged_display_name(world):
    before = Case.objects.count()
    raw = message(
        f"{b64_word('anna@acme.example')} <mallory@elsewhere.example>",
        subject="Please move our traffic",
    )
    ingest(raw)
    assert Case.objects.count() == before
    assert InboundMessage.objects.get().outcome == Outcome.QUARANTINED
