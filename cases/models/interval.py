"""The update interval by mutual agreement: each proposal and the other side's answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .case import Case
from .choices import choices_check


class IntervalSide(models.TextChoices):
    CUSTOMER = "customer", _("The customer")
    STAFF = "staff", _("Email Enterprise Support")


class IntervalOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REPLACED = "replaced", _("Replaced by a new proposal")


class IntervalProposal(models.Model):
    """A new update interval proposed by one side (the customer or staff); it takes
    effect only when the other side accepts it. A new proposal replaces one still
    pending."""

    Side = IntervalSide
    Outcome = IntervalOutcome

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interval_proposals")
    minutes = models.PositiveIntegerField(_("proposed update interval (minutes)"))
    side = models.CharField(_("proposed by side"), max_length=8, choices=Side.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The next update that was already overdue when the interval took effect: it stays
    # due until that update is given (the new interval applies from then on).
    overdue_update_due_at = models.DateTimeField(_("overdue update kept"), null=True, blank=True)

    class Meta:
        verbose_name = _("update interval proposal")
        verbose_name_plural = _("update interval proposals")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("outcome", IntervalOutcome), name="interval_outcome_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("side", IntervalSide), name="interval_side_valid"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(outcome="pending"),
                name="interval_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_at__isnull=False),
                name="interval_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.minutes} {self.get_outcome_display()}"

    @property
    def answering_side(self) -> str:
        """The side whose acceptance the proposal waits for."""
        return self.Side.STAFF if self.side == self.Side.CUSTOMER else self.Side.CUSTOMER
