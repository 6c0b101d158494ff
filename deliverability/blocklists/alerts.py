"""The bundled blocklist alert: one mail per recipient per run per account, in their language,
and the case opened on a new listing on a major list."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, User
from core.mail import render_mail

from .models import ListingEvent

log = logging.getLogger(__name__)


def recipients(account: Account) -> list[User]:
    """The account's active contacts who take blocklist alerts, then its Technical
    Account Manager."""
    users = [
        c.user
        for c in account.contacts.filter(blocklist_alerts=True)
        .select_related("user")
        .order_by("user__email")
        if c.user.is_active
    ]
    if account.tam and account.tam.is_active and account.tam not in users:
        users.append(account.tam)
    return users


def _context(account: Account, events: list[ListingEvent]) -> dict:
    def by_importance(listings):
        return sorted(listings, key=lambda e: (not e.blocklist.major, str(e.asset)))

    listed = [e for e in events if e.kind == ListingEvent.Kind.LISTED]
    new = by_importance(e for e in listed if not e.baseline)
    # Found at an asset's first answered check on a list: there before monitoring began.
    at_start = by_importance(e for e in listed if e.baseline)
    delisted = [e for e in events if e.kind == ListingEvent.Kind.DELISTED]
    return {
        "account": account,
        "listed": new,
        "listed_at_start": at_start,
        # Headings translated when the mail is rendered, in its reader's language.
        "listing_sections": [
            (gettext_lazy("New listings"), new),
            (gettext_lazy("Listed when monitoring started"), at_start),
        ],
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
            mail = render_mail("deliverability/emails/listing_alert", ctx)
        messages.append(EmailMultiAlternatives(mail.subject, mail.text, to=[user.email]))
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
            "deliverability/emails/listing_alert.txt",
            {**_context(account, events), "recipient": None},
        )
    return subject[:200], body


# The alert for a run's changes on one account ------------------------------------------


def alert_account(*, run_id: int, account_id: int) -> int:
    """One bundled mail per recipient for a run's changes on one account; 0 if nothing to say.

    A listing on a major list (new, or found when monitoring of the asset started), or any
    delisting, makes a mail; the events are claimed with a conditional update, so a task
    that runs twice mails once.
    """
    events = list(
        ListingEvent.objects.filter(
            run_id=run_id, account_id=account_id, notified_at__isnull=True
        ).select_related("blocklist", "sending_ip", "sending_domain")
    )
    worth_telling = [
        e
        for e in events
        if e.kind == ListingEvent.Kind.DELISTED
        or (e.kind == ListingEvent.Kind.LISTED and e.blocklist.major)
    ]
    if not worth_telling:
        # Only minor listings: nothing to mail, but marked as reported so the resume
        # sweep does not come back to them.
        ListingEvent.objects.filter(pk__in=[e.pk for e in events], notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        return 0
    with transaction.atomic():
        claimed = ListingEvent.objects.filter(
            pk__in=[e.pk for e in events], notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if claimed != len(events):
            # Another worker reported (part of) this run already.
            transaction.set_rollback(True)
            return 0
        account = Account.objects.select_related("tam").get(pk=account_id)
        sent = send_listing_alert(account=account, events=events)
    new_major = [e for e in events if e.kind == ListingEvent.Kind.LISTED and e.blocklist.major]
    if new_major and settings.BLOCKLIST_OPEN_CASE_ON_MAJOR_LISTING:
        _open_case(account=account, events=new_major)
    return sent


def _open_case(*, account: Account, events: list[ListingEvent]) -> None:
    """Open a deliverability case when the cases app offers `case_open` (imported late)."""
    try:
        from cases import services as case_services
    except ImportError:
        return
    case_open = getattr(case_services, "case_open", None)
    if case_open is None:
        log.warning("BLOCKLIST_OPEN_CASE_ON_MAJOR_LISTING is on but cases has no case_open")
        return
    subject, body = case_text(account=account, events=events)
    try:
        with transaction.atomic():
            # Opened by the account's TAM on the customer's behalf, as a staff case.
            case_open(
                account=account,
                requester=account.tam,
                subject=subject,
                description=body,
                category="information",
                channel="staff",
            )
    except Exception:
        # The alert mail has gone out; a case that cannot be opened must not undo it.
        log.exception("could not open a deliverability case for account %s", account.pk)
