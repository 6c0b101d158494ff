"""What parse_message() reads from each message of the corpus: replies from common
clients, forwards, encodings and charsets, missing headers, bounces, attachments."""

from datetime import UTC, datetime

import pytest

from inbound.parse import parse_message

from .conftest import CORPUS, OUR_NOTIFICATION, OUR_OTHER_NOTIFICATION, corpus_bytes


def test_every_corpus_message_parses_without_defects(corpus):
    names = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(names) >= 20
    for name in names:
        parsed = corpus(name)
        assert parsed.defects == (), name
        assert parsed.from_address, name
        assert parsed.text.strip(), name


def test_a_gmail_reply_is_threaded_to_our_notification_and_trimmed(corpus):
    parsed = corpus("gmail-reply.eml")
    assert parsed.message_id == "CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com"
    assert parsed.in_reply_to == (OUR_NOTIFICATION,)
    assert parsed.references == (OUR_NOTIFICATION,)
    assert parsed.thread_ids == (OUR_NOTIFICATION,)
    assert parsed.from_address == "anna@acme.example"
    assert parsed.from_name == "Anna de Vries"
    assert parsed.to == ("support@example.com",)
    assert parsed.cc == ("jeroen@acme.example",)
    assert parsed.subject == "Re: [EE-000123] SMTP injections time out"
    assert parsed.case_reference == "EE-000123"
    assert parsed.date == datetime(2026, 11, 26, 13, 31, 7, tzinfo=UTC)
    assert parsed.text_source == "plain"
    assert parsed.reply_text.startswith("Hi Sam,")
    assert parsed.reply_text.endswith("Anna")
    assert "Could you send the logs" not in parsed.reply_text
    assert parsed.quoted_text.startswith("On Thu, 26 Nov 2026 at 14:02")
    assert "Could you send the logs" in parsed.text
    assert parsed.attachments == ()


def test_an_outlook_reply_in_windows_1252_loses_its_from_sent_block(corpus):
    parsed = corpus("outlook-reply.eml")
    assert parsed.case_reference == "EE-000124"
    assert parsed.in_reply_to == (OUR_OTHER_NOTIFICATION,)
    # Domain part of a Message-ID is compared in lower case.
    assert parsed.message_id.endswith("@am9pr04mb8412.eurprd04.prod.outlook.com")
    assert "That’s all our traffic – the € 40k campaign is on hold." in parsed.reply_text
    assert parsed.reply_text.endswith("Acme Mail BV")
    assert "Your case EE-000124 was received" not in parsed.reply_text
    assert parsed.quoted_text.startswith("________________________________\nFrom: Email")


def test_an_apple_mail_reply_keeps_text_around_its_inline_image(corpus):
    parsed = corpus("apple-mail-reply.eml")
    assert parsed.from_address == "nick@northwind.example"
    assert parsed.references == (
        "first-mail-from-nick@northwind.example",
        OUR_NOTIFICATION,
    )
    assert parsed.reply_text == (
        "Here is the screenshot of the volume per day so far:\n\n"
        "Day 4 went fine, Gmail accepted everything. Shall we go to 20k tomorrow?\n\nNick"
    )
    assert parsed.quoted_text.startswith("> On 26 Nov 2026, at 08:02")
    [image] = parsed.attachments
    assert (image.filename, image.content_type, image.inline) == ("volume.png", "image/png", True)
    assert image.content.startswith(b"\x89PNG")
    assert image.size == len(image.content) == 66


def test_a_thunderbird_reply_is_trimmed_at_its_attribution_line(corpus):
    parsed = corpus("thunderbird-reply.eml")
    assert parsed.reply_text == (
        "Sam,\n\nThe relay logs are attached to the case in the portal now.\n\nJeroen"
    )
    assert parsed.quoted_text.startswith("On 26/11/2026 14:02, Email Enterprise Support wrote:")


def test_a_dutch_reply_in_latin_1_is_decoded_and_trimmed_at_op_schreef(corpus):
    parsed = corpus("latin1-dutch-reply.eml")
    assert "Zoë neemt vanaf morgen het contact over." in parsed.reply_text
    assert parsed.reply_text.endswith("Anna")
    assert parsed.quoted_text.startswith("Op do 26 nov 2026 om 14:02 schreef")
    assert parsed.case_reference == "EE-000126"


def test_a_forward_keeps_the_forwarded_message_as_content(corpus):
    parsed = corpus("forward.eml")
    assert parsed.case_reference is None
    assert parsed.subject == "Fwd: Undeliverable: Your November newsletter"
    assert "part of their network is on our block list" in parsed.reply_text
    assert parsed.quoted_text == ""


def test_base64_parts_of_an_alternative_are_decoded_and_plain_text_preferred(corpus):
    parsed = corpus("multipart-alternative-base64.eml")
    assert parsed.subject == "Inboxplaatsing 0% bij Gmail – nogal dringend"
    assert parsed.from_name == "Bakker, Jeroen"
    assert parsed.text_source == "plain"
    assert parsed.text.startswith("Het dashboard toont sinds 10:40")
    assert "<p>" not in parsed.text


def test_a_windows_1252_body_keeps_its_euro_sign_and_curly_quotes(corpus):
    parsed = corpus("windows-1252-body.eml")
    assert "Our “welcome” stream is blocked at Yahoo – we lose €2,000 a day." in parsed.text


def test_iso_2022_jp_subject_sender_and_body_are_decoded(corpus):
    parsed = corpus("iso-2022-jp-body.eml")
    assert parsed.subject == "配信遅延について"
    assert parsed.from_name == "田中"
    assert parsed.text.splitlines()[1] == "本日10時から配信が遅れています。"


def test_latin_1_bytes_declared_as_utf_8_are_read_as_windows_1252(corpus):
    parsed = corpus("wrong-charset-declared-utf8.eml")
    assert parsed.text == "Café réseau: déjà résolu? Coût € 0."


def test_utf_8_bytes_declared_as_latin_1_are_read_as_utf_8(corpus):
    parsed = corpus("wrong-charset-declared-latin1.eml")
    assert parsed.text == "Zoë neemt het over; kosten € 0."
    assert parsed.subject == "Re: [EE-000126] Zoë neemt het over"


def test_a_message_without_a_date_has_none(corpus):
    parsed = corpus("missing-date.eml")
    assert parsed.date is None
    assert parsed.message_id == "no-date-1@acme.example"
    assert parsed.from_name == ""


def test_a_message_is_keyed_by_its_content_without_trace_headers(corpus):
    parsed = corpus("missing-message-id.eml")
    assert parsed.message_id is None
    assert parsed.dedup_key == f"fp:{parsed.fingerprint}"
    assert len(parsed.fingerprint) == 64
    raw = corpus_bytes("missing-message-id.eml")
    assert parse_message(raw).dedup_key == parsed.dedup_key
    changed = parse_message(raw.replace(b"second sending domain", b"third sending domain"))
    assert changed.dedup_key != parsed.dedup_key


def test_a_message_with_a_message_id_is_keyed_by_its_content_not_the_id(corpus):
    parsed = corpus("thunderbird-reply.eml")
    assert parsed.message_id == "5b1e3c2a-7d4f-4a8e-9c6b-1f2e3d4c5b6a@acme.example"
    assert parsed.dedup_key == f"fp:{parsed.fingerprint}"


def test_a_dsn_bounce_names_our_notification_the_recipient_and_the_status(corpus):
    parsed = corpus("dsn-bounce.eml")
    assert parsed.content_type == "multipart/report"
    assert parsed.report_type == "delivery-status"
    report = parsed.delivery_report
    assert report.original_message_id == OUR_NOTIFICATION
    assert report.reporting_mta == "mx.example.com"
    assert report.is_failure
    assert report.failed_recipient == "jeroen.old@acme.example"
    assert report.status == "5.1.1"
    assert report.diagnostic_code.startswith("smtp; 550 5.1.1")
    # The returned headers are neither body text nor an attachment.
    assert parsed.attachments == ()
    assert "Message-ID" not in parsed.text


def test_an_old_style_bounce_is_read_from_x_failed_recipients_and_its_text(corpus):
    report = corpus("bounce-exim.eml").delivery_report
    assert report.original_message_id == OUR_OTHER_NOTIFICATION
    assert report.failed_recipient == "nick@northwind.example"
    assert report.status == "5.2.2"


def test_a_stranger_quoting_a_real_reference_is_parsed_as_such(corpus):
    parsed = corpus("stranger-quoting-reference.eml")
    assert parsed.case_reference == "EE-000123"
    assert parsed.from_address == "mallory@evil.example"
    assert parsed.in_reply_to == ()
    assert parsed.references == ()
    assert parsed.authentication(["mx.example.com"]).dmarc == "pass"


def test_authentication_results_are_read_from_our_own_mta_only(corpus):
    parsed = corpus("spoofed-contact-dmarc-fail.eml")
    assert [r.authserv_id for r in parsed.authentication_results] == [
        "mx.example.com",
        "mx.attacker.example",
    ]
    ours = parsed.authentication(["mx.example.com"])
    assert (ours.spf, ours.dkim, ours.dmarc) == ("fail", "none", "fail")
    assert parsed.authentication().dmarc == "fail"
    dmarc = next(r for r in ours.results if r.method == "dmarc")
    assert dmarc.properties == {"header.from": "acme.example"}
    assert parsed.authentication(["mx.unknown.example"]).dmarc is None


def test_an_oversized_attachment_is_measured_and_rfc_2231_names_decoded(corpus):
    parsed = corpus("oversized-attachment.eml")
    log, pdf = parsed.attachments
    assert log.filename == "relay1-smtp.log"
    assert log.content_type == "text/plain"
    assert log.size == 10 * 1024 * 1024 + 1024
    assert log.content.startswith(b"2026-11-26T14:05:00.000Z relay1 smtp[4121]: timeout")
    assert pdf.filename == "overzicht – november.pdf"
    assert pdf.guessed_type == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4")
    assert parsed.reply_text == "The full relay log of this afternoon is attached."


def test_an_html_only_message_becomes_safe_plain_text(corpus):
    parsed = corpus("html-only-script.eml")
    assert parsed.text_source == "html"
    text = parsed.text
    for unsafe in ("<script", "document.cookie", "alert(", "onload", "onerror", "<b>", "color:"):
        assert unsafe not in text
    assert "ignored title" not in text
    assert text.startswith("DMARC reports\n\nWhere can we find the aggregate reports")
    assert "See the portal page (https://portal.example.com/deliverability/)" in text
    assert "& our <DNS> records." in text
    assert "- p=none since October\n- rua=mailto:dmarc@northwind.example" in text
    assert text.endswith("Thanks,\nNick")


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("out-of-office-en.eml", "EE-000124"),
        ("out-of-office-nl.eml", "EE-000126"),
        ("out-of-office-nl-subject-only.eml", "EE-000126"),
        ("mailing-list.eml", None),
        ("monitoring-notification.eml", None),
    ],
)
def test_case_references_are_found_in_any_subject(corpus, name, reference):
    assert corpus(name).case_reference == reference


def test_attachments_are_screened_by_the_portals_own_rules(corpus, settings):
    from inbound.parse import screen_attachments

    accepted, rejected = screen_attachments(
        corpus("oversized-attachment.eml").attachments,
        max_bytes=settings.CASES_ATTACHMENT_MAX_BYTES,
        max_files=settings.CASES_ATTACHMENT_MAX_FILES,
        allowed_types=settings.CASES_ATTACHMENT_TYPES,
    )
    assert [a.filename for a in accepted] == ["overzicht – november.pdf"]
    [too_big] = rejected
    assert too_big.attachment.filename == "relay1-smtp.log"
    assert too_big.reason == (
        f"10486784 bytes is more than the limit of {settings.CASES_ATTACHMENT_MAX_BYTES} bytes"
    )


def test_attachments_of_an_unaccepted_type_or_beyond_the_count_are_rejected():
    from inbound.parse import Attachment, screen_attachments

    files = [Attachment(f"{i}.pdf", "application/pdf", b"x") for i in range(3)]
    files.append(Attachment("run.exe", "application/pdf", b"MZ"))
    accepted, rejected = screen_attachments(
        files, max_bytes=10, max_files=2, allowed_types=["application/pdf"]
    )
    assert [a.filename for a in accepted] == ["0.pdf", "1.pdf"]
    assert [(r.attachment.filename, r.reason) for r in rejected] == [
        ("2.pdf", "more than 2 attachments"),
        ("run.exe", "the file type application/x-msdos-program is not accepted"),
    ]


def test_logs_sent_by_mail_are_judged_as_in_the_portal(settings):
    from inbound.parse import Attachment, screen_attachments

    names = ["smtp.log", "mail.log.1", "mail.log.gz", "headers.eml", "bounce.webp"]
    files = [Attachment(name, "application/octet-stream", b"x") for name in names]
    accepted, rejected = screen_attachments(
        files, max_bytes=10, max_files=5, allowed_types=settings.CASES_ATTACHMENT_TYPES
    )
    assert [a.filename for a in accepted] == names and not rejected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("..\\\\..\\\\windows\\\\evil.pdf", "evil.pdf"),
        ("../../etc/passwd", "passwd"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("", "attachment-1.pdf"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_attachment_file_names_are_made_safe(filename, expected):
    raw = (
        "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        f'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="{filename}"'
        "\r\n\r\n%PDF\r\n--b--\r\n"
    ).encode()
    [attachment] = parse_message(raw).attachments
    assert attachment.filename == expected
