"""The conversation on a case: messages and internal notes, their attachments, and
the mail sent about it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from .case import Case
from .choices import Channel, choices_check


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class CaseMessage(models.Model):
    Visibility = Visibility

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="case_messages",
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    body = models.TextField(_("message"), validators=[TextLengthValidator()])
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.PORTAL
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        ordering = ["created_at", "id"]
        # Public replies are read with the case; internal notes need this permission.
        permissions = [("view_internal_note", "Can read internal notes")]
        indexes = [models.Index(fields=["case", "created_at"], name="case_message_case_time")]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("visibility", Visibility),
                name="case_message_visibility_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_visibility_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == self.Visibility.INTERNAL


def attachment_path(instance, filename):
    # Random names: the original name is kept in a column, never trusted on disk.
    return f"case-attachments/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class OutboundMessage(models.Model):
    """A mail sent about a case; its Message-ID threads the customer's reply later."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_messages")
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32)
    # The event or message the mail is about: one mail per (kind, source, recipient).
    source_key = models.CharField(max_length=64)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mail")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key", "recipient"], name="outbound_once_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
