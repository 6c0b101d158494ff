"""Resolution by mutual agreement: each proposal and the customer's answer."""

from __future__ import annotations

from datetime import timedelta

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


# The rating's comment: a few sentences, not a second case.
RATING_COMMENT_MAX_LENGTH = 2000
RATING_SCORES = range(1, 6)
# A score at or below this tells the account's TAM.
RATING_LOW = 2
# The contact who rated may change their mind this long; then the rating is on record.
RATING_CHANGE_DAYS = 7


class ResolutionRating(models.Model):
    """The customer's rating of a resolution they agreed to: one per case, given by one
    contact of the account, who may change it for RATING_CHANGE_DAYS."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    # The accepted proposal rated; its author is the agent the SLA report credits.
    agreement = models.ForeignKey(
        ResolutionAgreement, on_delete=models.CASCADE, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(
        _("comment"),
        blank=True,
        validators=[TextLengthValidator(RATING_COMMENT_MAX_LENGTH)],
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated"))
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution rating")
        verbose_name_plural = _("resolution ratings")
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.score}/5"

    @property
    def is_low(self) -> bool:
        return self.score <= RATING_LOW

    @property
    def changeable_until(self):
        return self.rated_at + timedelta(days=RATING_CHANGE_DAYS)
