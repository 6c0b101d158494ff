"""Severity 1 hotline calls and the callback attempts that answer them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from .case import Case
from .choices import choices_check


class HotlineCall(models.Model):
    """A call to the Severity 1 hotline (Ernst 1 Hotline), recorded by a customer service
    representative; a support agent calls back by `callback_due_at`."""

    company_name = models.CharField(_("company name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=40)
    email = models.EmailField(_("email address"))
    description = models.TextField(
        _("description of the critical issue"), validators=[TextLengthValidator()]
    )
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_calls",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("support case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_calls",
    )
    case_created_at_intake = models.BooleanField(_("case created at intake"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"))
    callback_due_at = models.DateTimeField(_("callback due"))
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["callback_due_at"],
                name="hotline_callback_due",
                condition=Q(called_back_at__isnull=True),
            ),
            models.Index(fields=["case", "received_at"], name="hotline_case_received"),
        ]

    def __str__(self):
        return f"{self.company_name} · {self.contact_person} · {self.received_at:%Y-%m-%d %H:%M}"


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    VOICEMAIL = "voicemail", _("Voicemail")
    NO_ANSWER = "no_answer", _("No answer")


class CallbackAttempt(models.Model):
    Outcome = CallbackOutcome

    call = models.ForeignKey(HotlineCall, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("when"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True, validators=[TextLengthValidator()])
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("outcome", CallbackOutcome), name="callback_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.at:%Y-%m-%d %H:%M}"
