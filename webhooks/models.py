"""Webhooks to the customer's own systems: the endpoints an account's primary contact
registers, and each delivery of an event to one of them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.events import EventType

URL_MAX_LENGTH = 500
# A few endpoints are all an account's systems need; the cap bounds the rows one event
# writes.
MAX_ENDPOINTS_PER_ACCOUNT = 10
# Test events and redeliveries a primary contact may have waiting at once per endpoint:
# the buttons cannot be used to flood a host with requests.
MAX_PENDING_BY_HAND = 10
# The one event type no subscription asks for: sent by "send test event".
TEST_EVENT_TYPE = "ping"


class Endpoint(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=URL_MAX_LENGTH)
    event_types = models.JSONField(_("event types"), default=list)
    # Signs every delivery (HMAC-SHA256); the primary contact sees it once, at creation
    # and at each rotation, and it is kept to sign with, never shown again.
    secret = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.CharField(_("why it was paused"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["account", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused"]), name="webhook_endpoint_status"
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="https://"), name="webhook_endpoint_https"
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def event_type_labels(self) -> list[str]:
        return [str(EventType(t).label) for t in self.event_types if t in EventType.values]


class Delivery(models.Model):
    """One event sent to one endpoint, with its attempts so far. The body is kept as the
    exact bytes signed, so every attempt sends (and signs) the same."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    # The X-Portal-Delivery header: the same on each retry of the delivery, so a receiver
    # acknowledges an id it has processed already (docs/webhooks.md).
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(_("event"), max_length=32)
    event_type = models.CharField(_("event type"), max_length=40)
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the next attempt is due. A worker claims an attempt by moving it forward (to
    # when the attempt is given up as lost), so of two workers one sends.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    redelivery_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("redelivery of"),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The retry sweep's query: the pending deliveries that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
            # The daily purge's query: deliveries past retention.
            models.Index(fields=["created_at"], name="webhook_delivery_age"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]),
                name="webhook_delivery_status",
            ),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint_id} ({self.delivery_id})"
