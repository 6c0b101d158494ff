"""What an inbound message posts on a case: its text, its subject and its attachments
under the portal's rules, and the reply itself."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, Channel

from .headers import clean_subject
from .parse import ParsedMessage, screen_attachments

MAX_SUBJECT = 200


def attachments_to_post(parsed: ParsedMessage) -> tuple[list[SimpleUploadedFile], str]:
    accepted, rejected = screen_attachments(
        parsed.attachments,
        max_bytes=settings.CASES_ATTACHMENT_MAX_BYTES,
        max_files=settings.CASES_ATTACHMENT_MAX_FILES,
        allowed_types=settings.CASES_ATTACHMENT_TYPES,
    )
    uploads = [
        SimpleUploadedFile(
            (a.filename or "attachment")[:200], a.content, content_type=a.guessed_type
        )
        for a in accepted
    ]
    notes = "\n".join(f"{r.attachment.filename or 'attachment'}: {r.reason}" for r in rejected)
    return uploads, notes


# Text posted on a case from one message, at most: a mail of megabytes of text is kept
# whole on its inbound row for staff, not rendered on every visit of the case page.
# (Above the forms' TEXT_MAX_LENGTH: what a customer mails is not refused for length.)
MAX_POSTED_TEXT = 50_000


def post_text(parsed: ParsedMessage, notes: str) -> str:
    body = (parsed.reply_text or parsed.text or "").strip()
    if not body:
        body = _("(The message had no text.)")
    if notes:
        body += "\n\n" + _("Attachments not accepted (size or type): %(files)s") % {
            "files": "; ".join(notes.splitlines())
        }
    limit = MAX_POSTED_TEXT
    if len(body) > limit:
        note = "\n\n" + _(
            "(The message was cut at %(count)d characters; staff keep its full text.)"
        ) % {"count": limit - 200}
        body = body[: limit - 200].rstrip() + note
    return body


def case_subject(parsed: ParsedMessage) -> str:
    return (clean_subject(parsed.subject) or _("Message by email"))[:MAX_SUBJECT]


def refusal(exc: Exception) -> str:
    """A refused post or filing as a sentence for the quarantine's reason."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return exc.message


def post_reply(case: Case | int, user, body: str, uploads, now, *, internal: bool = False):
    """The reply on the case (the cases services lock the row; they take an id too); an
    `internal` one (staff among themselves) as an internal note."""
    if internal:
        return case_services.case_add_note(
            case=case, author=user, body=body, attachments=uploads, channel=Channel.EMAIL, now=now
        )
    if user.is_staff:
        return case_services.case_reply(
            case=case, author=user, body=body, attachments=uploads, channel=Channel.EMAIL, now=now
        )
    return case_services.case_customer_reply(
        case=case, author=user, body=body, attachments=uploads, channel=Channel.EMAIL, now=now
    )
