"""Resolution by mutual agreement: each proposal and the customer's answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from .case import Case
from .choices import choices_check


class AgreementOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting the customer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ResolutionAgreement(models.Model):
    """A proposed resolution and the customer's answer: resolution is mutual, and each
    agreement says who agreed, when and how."""

    Outcome = AgreementOutcome

    class Method(models.TextChoices):
        PORTAL = "portal", _("In the portal")
        EMAIL = "email", _("By email")
        PHONE = "phone", _("By phone")
        IN_PERSON = "in_person", _("In person")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    summary = models.TextField(_("proposed resolution"), validators=[TextLengthValidator()])
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, blank=True)
    # The customer who agreed or rejected: a portal user, or a name given by phone.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_name = models.CharField(_("who agreed"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, validators=[TextLengthValidator()])

    class Meta:
        verbose_name = _("resolution agreement")
        verbose_name_plural = _("resolution agreements")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("outcome", AgreementOutcome),
                name="agreement_outcome_valid",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(outcome="pending"),
                name="agreement_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending")
                | Q(outcome="withdrawn")
                | Q(decided_at__isnull=False),
                name="agreement_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.get_outcome_display()}"
