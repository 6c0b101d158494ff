"""Read the designated support mailbox over IMAP: fetch, ingest (commits), then mark
processed. A crash between commit and mark means the message is read again and
de-duplication absorbs it.

A failure to log in or connect never raises out of the task: it is recorded, reported
to staff once per failure streak, and the next attempt waits longer after each failure
(1, 2, 4 ... minutes, at most an hour) while beat keeps calling every minute.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.alerts import Alert
from accounts.models import User
from accounts.services import alert_staff

from .imap import ImapMailbox
from .imap_config import ImapConfig, ImapError
from .models import MailboxStatus, ReceivedVia
from .services import ingest, record_too_large

log = logging.getLogger(__name__)
STATUS_NAME = "imap"
MAX_BACKOFF_MINUTES = 60


def backoff(failures: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(failures - 1, 0), MAX_BACKOFF_MINUTES))


def _status() -> MailboxStatus:
    return MailboxStatus.objects.get_or_create(name=STATUS_NAME)[0]


def _managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=roles.SUPPORT_MANAGERS)
    )


def _failing_alert(error: Exception) -> Alert:
    """The Support Managers' alert that the mailbox cannot be read (their language)."""
    return Alert(
        kind="inbound_mailbox_failing",
        subject=_("The support mailbox cannot be read: %(error)s")
        % {"error": type(error).__name__},
        body=_(
            "%(error)s\n\nMail to %(address)s stays in the mailbox and is read once the "
            "problem is fixed. Retrying with backoff; you are told once per failure streak."
        )
        % {"error": error, "address": settings.SUPPORT_EMAIL_ADDRESS},
        data={"error": str(error)[:500]},
    )


@transaction.atomic
def _record_failure(error: Exception, now: datetime) -> MailboxStatus:
    status = MailboxStatus.objects.select_for_update().get(pk=_status().pk)
    status.failures += 1
    status.failing_since = status.failing_since or now
    status.last_error = str(error)[:2000]
    status.next_attempt_at = now + backoff(status.failures)
    if status.reported_at is None:
        status.reported_at = now
        alert_staff(partial(_failing_alert, error), _managers())
    status.save()
    return status


def _record_success(now: datetime) -> None:
    MailboxStatus.objects.filter(name=STATUS_NAME).update(
        failures=0,
        failing_since=None,
        last_error="",
        reported_at=None,
        next_attempt_at=None,
        last_success_at=now,
    )


def _set_aside_note(config: ImapConfig) -> str:
    if config.oversize_folder:
        return f"moved to the IMAP folder {config.oversize_folder!r}"
    return f"left in the IMAP folder {config.folder!r}, marked processed"


def poll_mailbox(*, config: ImapConfig | None = None, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    if config is None:
        if not settings.INBOUND_IMAP_HOST:
            return {"skipped": "INBOUND_IMAP_HOST is not set"}
        config = ImapConfig.from_settings()
    status = _status()
    if status.next_attempt_at and status.next_attempt_at > now:
        return {"skipped": f"waiting until {status.next_attempt_at.isoformat()}"}
    stored = 0
    try:
        with ImapMailbox(config, now=now.timestamp()) as mailbox:
            for message in mailbox.fetch_unprocessed(
                limit=settings.INBOUND_IMAP_BATCH, max_bytes=settings.INBOUND_MAX_MESSAGE_BYTES
            ):
                if message.oversized:
                    # Recorded unread (commits), then moved aside for staff.
                    record_too_large(
                        message.raw,
                        size=message.size,
                        received_via=ReceivedVia.IMAP,
                        note=_set_aside_note(config),
                    )
                    mailbox.set_aside(message.uid)
                else:
                    ingest(message.raw, received_via=ReceivedVia.IMAP)  # commits
                    mailbox.mark_processed(message.uid)
                stored += 1
    except ImapError as exc:
        log.warning("Support mailbox: %s", exc)
        status = _record_failure(exc, now)
        return {"stored": stored, "error": str(exc), "failures": status.failures}
    _record_success(now)
    return {"stored": stored}
