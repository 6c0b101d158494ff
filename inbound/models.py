"""Every message that reached the designated support address, where it went and why."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    POSTED = "posted", _("Posted to a case")
    OPENED = "opened", _("Opened a case")
    QUARANTINED = "quarantined", _("Quarantined")
    DELIVERY_FAILURE = "delivery_failure", _("Delivery failure linked to a case")
    DISCARDED = "discarded", _("Discarded")
    TOO_LARGE = "too_large", _("Too large, not read")


class ReceivedVia(models.TextChoices):
    MTA = "mta", _("Mail server (ingest_email)")
    IMAP = "imap", _("IMAP mailbox")
    STAFF = "staff", _("Staff upload")
    WEBHOOK = "webhook", _("Mail provider's webhook")


def raw_message_path(instance, filename):
    # Random names under the day it arrived: nothing the sender wrote reaches the path.
    return f"inbound-raw/{instance.received_at:%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class InboundMessage(models.Model):
    """One row per message: the same content again (trace headers aside: an MTA's
    retry, the IMAP copy and the pipe's) is counted on the first row, never stored
    again. A different message that reuses a stored Message-ID is stored too, and
    points at the earlier one (`reused_message_id_of`)."""

    dedup_key = models.CharField(_("de-duplication key"), max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    received_via = models.CharField(
        _("received via"), max_length=8, choices=ReceivedVia.choices, default=ReceivedVia.MTA
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    times_received = models.PositiveIntegerField(_("times received"), default=1)
    last_received_at = models.DateTimeField(_("last received"))

    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent (Date header)"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    verdict = models.CharField(_("kind of mail"), max_length=16, blank=True)
    spf = models.CharField("SPF", max_length=16, blank=True)
    dkim = models.CharField("DKIM", max_length=16, blank=True)
    dmarc = models.CharField("DMARC", max_length=16, blank=True)

    # The reply as posted (quoted history trimmed) and the whole text, for staff.
    reply_text = models.TextField(_("reply text"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    attachment_notes = models.TextField(_("attachments not accepted"), blank=True)
    # Kept for audit in the file storage (the bucket of every host, or MEDIA_ROOT);
    # deleted after INBOUND_RAW_MESSAGE_RETENTION_DAYS, when the name is emptied.
    raw = models.FileField(_("raw message"), upload_to=raw_message_path, blank=True)
    raw_purged_at = models.DateTimeField(_("raw message deleted"), null=True, blank=True)

    # A delivery report about one of our notifications: what failed, for whom.
    failed_recipient = models.CharField(_("failed recipient"), max_length=320, blank=True)
    delivery_status = models.CharField(_("delivery status"), max_length=16, blank=True)
    diagnostic_code = models.TextField(_("diagnostic"), blank=True)

    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("support case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    case_message = models.ForeignKey(
        "cases.CaseMessage",
        verbose_name=_("case message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The first stored message with the same Message-ID, when this one's content differs.
    reused_message_id_of = models.ForeignKey(
        "self",
        verbose_name=_("earlier message with this Message-ID"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who settled a quarantined message (opened a case, attached it, discarded it).
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["-received_at"],
                name="inbound_quarantine",
                condition=Q(outcome="quarantined"),
            ),
            models.Index(fields=["case", "received_at"], name="inbound_case_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="inbound_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.from_address or '—'}: {self.subject or '—'}"

    @property
    def is_quarantined(self) -> bool:
        return self.outcome == Outcome.QUARANTINED

    @property
    def sender_verified(self) -> bool:
        """The trusted Authentication-Results gave a DMARC pass for the From address."""
        return self.dmarc == "pass"

    def raw_bytes(self, limit: int | None = None) -> bytes | None:
        """The raw message as stored (its first `limit` bytes), or None when it was
        deleted or is missing from the file storage."""
        if not self.raw:
            return None
        try:
            with self.raw.storage.open(self.raw.name, "rb") as handle:
                return handle.read() if limit is None else handle.read(limit)
        except FileNotFoundError:
            return None


class AccessReply(models.Model):
    """An automatic reply to a sender: the polite reply to an unknown sender on how to
    get access, or the notice to a staff member that their message was held. At most
    one of either per address per INBOUND_ACCESS_REPLY_INTERVAL_HOURS."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("How to get access")
        HELD = "held", _("Staff message held")

    address = models.CharField(_("address"), max_length=320)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ACCESS)
    sent_at = models.DateTimeField(_("sent"))
    inbound = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="access_replies"
    )

    class Meta:
        verbose_name = _("access reply")
        verbose_name_plural = _("access replies")
        indexes = [models.Index(fields=["address", "-sent_at"], name="access_reply_address")]

    def __str__(self):
        return f"{self.address} {self.sent_at:%Y-%m-%d %H:%M}"


class MailboxStatus(models.Model):
    """The IMAP poll's health: a failure streak is reported to staff once, and the next
    attempt waits longer after every failure."""

    name = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    reported_at = models.DateTimeField(_("reported to staff"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox status")
        verbose_name_plural = _("mailbox status")

    def __str__(self):
        return self.name
