"""The bundled blocklist alert: one mail per recipient per run per account, in their language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Account, User

from .models import ListingEvent


def recipients(account: Account) -> list[User]:
    """The account's active contacts, then its Technical Account Manager."""
    users = [
        c.user
        for c in account.contacts.select_related("user").order_by("user__email")
        if c.user.is_active
    ]
    if account.tam and account.tam.is_active and account.tam not in users:
        users.append(account.tam)
    return users


def _context(account: Account, events: list[ListingEvent]) -> dict:
    listed = [e for e in events if e.kind == ListingEvent.Kind.LISTED]
    delisted = [e for e in events if e.kind == ListingEvent.Kind.DELISTED]
    return {
        "account": account,
        "listed": sorted(listed, key=lambda e: (not e.blocklist.major, str(e.asset))),
        "delisted": sorted(delisted, key=lambda e: str(e.asset)),
        "page_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("deliverability:home"),
        "checked_at": max(e.at for e in events),
    }


def send_listing_alert(*, account: Account, events: list[ListingEvent]) -> int:
    """Send the mails now, inside the caller's transaction; returns how many.

    The events are claimed in that same transaction: when the mail server refuses, the
    claim is rolled back and a retry (or the resume sweep) alerts again. A refusal half
    way may mail some recipients twice, which beats an alert that never arrives."""
    context = _context(account, events)
    messages = []
    for user in recipients(account):
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            timezone.override(user.time_zone or account.time_zone),
        ):
            ctx = {**context, "recipient": user}
            subject = " ".join(
                render_to_string("deliverability/emails/listing_alert_subject.txt", ctx).split()
            )
            body = render_to_string("deliverability/emails/listing_alert_body.txt", ctx)
        messages.append(EmailMultiAlternatives(subject, body, to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def case_text(*, account: Account, events: list[ListingEvent]) -> tuple[str, str]:
    """Subject and description of the deliverability case opened on a new major listing."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Blocklist listing: %(assets)s") % {
            "assets": ", ".join(sorted({str(e.asset) for e in events}))
        }
        body = render_to_string(
            "deliverability/emails/listing_alert_body.txt",
            {**_context(account, events), "recipient": None},
        )
    return subject[:200], body
