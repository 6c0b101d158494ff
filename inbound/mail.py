"""The portal's own answers to inbound mail: the acknowledgement of a case opened by
mail, the polite reply to an unknown sender and the notice to a staff member that
their message was held. All are automatic replies (RFC 3834
Auto-Submitted: auto-replied), threaded to the message they answer, in the
recipient's language (an unknown sender's: see `access_reply_languages`), plain text
and HTML."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid, sanitize_address
from django.urls import reverse
from django.utils import timezone, translation

from cases.classification import EXCLUDED_REQUESTS
from cases.mailing import keep_record, response_promise
from cases.models import OutboundMessage
from core.mail import render_mail
from core.once import once

from .headers import preferred_language
from .models import InboundMessage
from .parse import parse_message


def _send(row: InboundMessage, *, template: str, to: str, language: str, context: dict) -> tuple:
    """Send one automatic reply; returns its Message-ID and subject."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    with translation.override(language):
        context = {
            **context,
            "inbound": row,
            "SEVERITY1_HOTLINE": settings.SEVERITY1_HOTLINE,
            "SUPPORT_EMAIL_ADDRESS": settings.SUPPORT_EMAIL_ADDRESS,
            "new_case_url": base + reverse("cases:new"),
            "portal_url": base + "/",
        }
        text = render_mail(f"inbound/emails/{template}", context, html=True)
    domain = settings.SUPPORT_EMAIL_ADDRESS.rpartition("@")[2] or "localhost"
    headers = {"Message-ID": make_msgid(domain=domain), "Auto-Submitted": "auto-replied"}
    if row.message_id:
        headers["In-Reply-To"] = f"<{row.message_id}>"
        headers["References"] = f"<{row.message_id}>"
    mail = EmailMultiAlternatives(
        subject=text.subject,
        body=text.text,
        to=[to],
        reply_to=[settings.SUPPORT_EMAIL_ADDRESS],
        headers=headers,
    )
    mail.attach_alternative(text.html, "text/html")
    mail.send()
    return headers["Message-ID"], mail.subject


ACKNOWLEDGEMENT = "acknowledged"  # OutboundMessage.kind


def send_acknowledgement(row: InboundMessage) -> bool:
    """Acknowledge a case opened by mail, once, and keep it as the case's sent mail: it
    is the customer's only mail about the filing, a bounce of it is a delivery failure
    of the case, and a reply to it threads onto the case."""
    requester = row.case.requester
    source_key = f"inbound:{row.pk}"
    if OutboundMessage.objects.filter(
        kind=ACKNOWLEDGEMENT, source_key=source_key, recipient=requester.email
    ).exists():
        return False
    return bool(once(f"inbound:acknowledgement:{row.pk}", partial(_acknowledge, row, source_key)))


def _acknowledge(row: InboundMessage, source_key: str) -> bool:
    case = row.case
    requester = case.requester
    language = requester.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(requester.time_zone):
        promise = response_promise(case)
    message_id, subject = _send(
        row,
        template="acknowledgement",
        to=requester.email,
        language=language,
        context={
            "case": case,
            "recipient": requester,
            # When we respond, in the requester's language and time zone.
            "promise": promise,
            # Lazy: translated in the recipient's language when rendered.
            "scope_note": EXCLUDED_REQUESTS.get(case.out_of_scope, ("", ""))[1],
            "case_url": settings.PORTAL_BASE_URL.rstrip("/")
            + reverse("cases:detail", args=[case.reference]),
        },
    )
    # Recorded in the transaction of the claim (core/once.py), as every case mail.
    keep_record(
        OutboundMessage(
            case=case,
            message_id=message_id,
            kind=ACKNOWLEDGEMENT,
            source_key=source_key,
            recipient=requester.email,
            subject=subject[:255],
            sent_at=timezone.now(),
        )
    )
    return True


def access_reply_languages(row: InboundMessage) -> list[str]:
    """An unknown sender has no language of their own: the one their message's
    Content-Language (else Accept-Language) names, else all of ours, the default first."""
    ours = sorted(
        (code for code, _name in settings.LANGUAGES), key=lambda c: c != settings.LANGUAGE_CODE
    )
    raw = row.raw_bytes()
    if raw is not None:
        parsed = parse_message(raw)
        for header in ("content-language", "accept-language"):
            chosen = preferred_language(parsed.header(header), ours)
            if chosen:
                return [chosen]
    return ours


def addressable(address: str) -> bool:
    """Whether a mail can be addressed to it at all: an address decoded from broken bytes
    (a U+FFFD in the domain) cannot be put in a To header, and no reply could reach it."""
    try:
        sanitize_address(address, "utf-8")
    except (ValueError, UnicodeError):
        return False
    return True


def send_access_reply(row: InboundMessage) -> None:
    if not addressable(row.from_address):
        return  # the message itself is kept; only the polite reply cannot be sent
    languages = access_reply_languages(row)
    once(
        f"inbound:access_reply:{row.pk}",
        partial(
            _send,
            row,
            template="access_reply",
            to=row.from_address,
            language=languages[0],
            # One mail with the text in each language (the templates loop over them).
            context={"languages": languages},
        ),
    )


def send_held_notice(row: InboundMessage) -> bool:
    """Tell a staff member that their message was held, and why (DMARC did not pass
    for their address), in their language. Sent to the staff user's own address: when
    the message was forged, this tells them someone writes in their name."""
    from .selectors import sender

    user, _account, is_staff = sender(row.from_address)
    if user is None or not is_staff or not addressable(user.email):
        return False
    return bool(
        once(
            f"inbound:held:{row.pk}",
            partial(
                _send,
                row,
                template="held",
                to=user.email,
                language=user.language or settings.LANGUAGE_CODE,
                context={
                    "recipient": user,
                    "dmarc_failed": row.dmarc in ("fail", "mismatch"),
                    "admin_url": settings.PORTAL_BASE_URL.rstrip("/")
                    + reverse("admin:inbound_inboundmessage_change", args=[row.pk]),
                },
            ),
        )
    )
