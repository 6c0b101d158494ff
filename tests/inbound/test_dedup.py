"""De-duplication by content, not by Message-ID: the same message delivered twice is
counted once; a different message that reuses a known Message-ID is stored and
flagged, never dropped, and cannot take a thread over."""

import pytest

from cases.models import Case, CaseMessage
from inbound.models import InboundMessage, Outcome
from inbound.services import ingest

from .conftest import corpus_bytes

pytestmark = pytest.mark.django_db


def message(sender, *, message_id, subject="A question", body="Hello.", extra="") -> bytes:
    return (
        f"From: {sender}\r\nTo: support@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n{extra}\r\n{body}\r\n"
    ).encode()


def test_the_same_message_delivered_again_with_other_trace_headers_is_counted_once(world):
    raw = corpus_bytes("gmail-reply.eml")
    first = ingest(raw)
    # An MTA's retry through another relay, then the IMAP copy: new trace headers, LF
    # line endings and an mbox From line; the sender's own headers and text unchanged.
    retry = (
        b"Received: from relay2.example.com by mx.example.com; Thu, 26 Nov 2026 14:40:00\r\n"
        b"X-Original-To: support@example.com\r\nARC-Seal: i=1; cv=none\r\n"
        b"X-Spam-Status: No, score=-1.0\r\n" + raw
    )
    piped = b"From anna@acme.example Thu Nov 26 14:31:07 2026\n" + retry.replace(b"\r\n", b"\n")
    for again in (retry, piped):
        row = ingest(again)
        assert (row.pk, row.duplicate) == (first.pk, True)
    assert InboundMessage.objects.get().times_received == 3
    assert CaseMessage.objects.filter(channel="email").count() == 1


def test_a_changed_dkim_signature_is_a_different_message(world):
    raw = message("Anna <anna@acme.example>", message_id="<a1@acme.example>")
    ingest(b"DKIM-Signature: v=1; b=one\r\n" + raw)
    other = ingest(b"DKIM-Signature: v=1; b=two\r\n" + raw)
    assert not other.duplicate
    assert InboundMessage.objects.count() == 2


def test_a_stranger_cannot_pre_empt_a_customers_message_id(world):
    stolen = "<CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com>"  # gmail-reply.eml's
    first = ingest(message("Mallory <mallory@evil.example>", message_id=stolen, body="Mine."))
    assert first.outcome == Outcome.QUARANTINED
    real = ingest(corpus_bytes("gmail-reply.eml"))
    assert (real.duplicate, real.outcome) == (False, Outcome.POSTED)
    assert real.case.reference == "EE-000123"
    assert real.reused_message_id_of == first
    assert "SMTP injections still time out" in real.case_message.body


def test_a_message_reusing_a_known_message_id_is_stored_with_its_text_and_flagged(world):
    real = ingest(corpus_bytes("gmail-reply.eml"))
    later = ingest(
        message(
            "Mallory <mallory@evil.example>",
            message_id="<CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com>",
            body="A different text under the same Message-ID.",
        )
    )
    assert (later.duplicate, later.outcome) == (False, Outcome.QUARANTINED)
    assert later.reused_message_id_of == real
    assert "A different text under the same Message-ID." in later.full_text
    assert later.raw_bytes().endswith(b"A different text under the same Message-ID.\r\n")
    assert InboundMessage.objects.count() == 2


def test_a_variant_from_the_same_sender_under_the_same_message_id_is_not_posted_twice(world):
    first = ingest(corpus_bytes("gmail-reply.eml"))
    variant = corpus_bytes("gmail-reply.eml").replace(
        b"Logs from 14:05", b"[Disclaimer added by a relay] Logs from 14:05"
    )
    row = ingest(variant)
    assert (row.duplicate, row.outcome) == (False, Outcome.QUARANTINED)
    assert row.reused_message_id_of == first
    assert row.reason.startswith(
        f"another message from anna@acme.example used this Message-ID before (#{first.pk})"
    )
    assert CaseMessage.objects.filter(channel="email").count() == 1


def test_a_pre_empted_message_id_does_not_take_the_thread_over(world):
    # Mallory guesses the id of Anna's next mail, naming Northwind's case.
    ingest(
        message(
            "Mallory <mallory@evil.example>",
            message_id="<next@acme.example>",
            subject="[EE-000125] hello",
        )
    )
    anna = ingest(message("Anna <anna@acme.example>", message_id="<next@acme.example>"))
    assert anna.outcome == Outcome.OPENED
    # Jeroen answers Anna's mail: it goes on Anna's new case, by the thread.
    reply = ingest(
        message(
            "Jeroen <jeroen@acme.example>",
            message_id="<j1@acme.example>",
            subject="Re: A question",
            extra="In-Reply-To: <next@acme.example>\r\n",
        )
    )
    assert (reply.outcome, reply.case) == (Outcome.POSTED, anna.case)


def test_a_contact_of_another_account_reusing_an_id_cannot_steer_replies(world):
    nick = ingest(message("Nick <nick@northwind.example>", message_id="<shared@x.example>"))
    anna = ingest(
        message("Anna <anna@acme.example>", message_id="<shared@x.example>", body="Other.")
    )
    assert nick.outcome == anna.outcome == Outcome.OPENED
    assert anna.reused_message_id_of == nick
    reply = ingest(
        message(
            "Jeroen <jeroen@acme.example>",
            message_id="<j2@acme.example>",
            subject="Re: A question",
            extra="In-Reply-To: <shared@x.example>\r\n",
        )
    )
    assert (reply.outcome, reply.case) == (Outcome.POSTED, anna.case)
    assert Case.objects.filter(account=world.northwind).count() == 2  # EE-000125, Nick's


def test_a_reply_to_a_quarantined_message_does_not_thread_to_its_guessed_case(world):
    stranger = ingest(
        message(
            "Mallory <mallory@evil.example>",
            message_id="<guess@evil.example>",
            subject="[EE-000123] hello",
        )
    )
    assert (stranger.outcome, stranger.case.reference) == (Outcome.QUARANTINED, "EE-000123")
    reply = ingest(
        message(
            "Anna <anna@acme.example>",
            message_id="<a5@acme.example>",
            subject="Re: hello",
            extra="In-Reply-To: <guess@evil.example>\r\n",
        )
    )
    # Not on EE-000123 by Mallory's thread: a new case of Anna's own.
    assert reply.outcome == Outcome.OPENED


def test_the_migration_keys_stored_messages_as_the_live_code_does():
    from importlib import import_module

    from inbound.parse import content_fingerprint

    from .conftest import CORPUS

    frozen = import_module("inbound.migrations.0005_content_fingerprint_dedup_keys")
    samples = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    samples += [
        b"From a@b Thu Nov 26 10:00:00 2026\nReceived: x\n y\nFrom: a@b.example\n\nhi\n\n",
        b"ARC-Seal: i=1\r\nX-Spam-Flag: NO\r\nSubject: no body",
        b"",
    ]
    for raw in samples:
        assert frozen._fingerprint(raw) == content_fingerprint(raw)
