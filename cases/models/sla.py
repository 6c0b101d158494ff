"""SLA policies and the claims that a deadline was warned about or breached."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .case import Case
from .choices import DeadlineKind, Severity, choices_check
from .hotline import CallbackCounts


class SlaPolicy(models.Model):
    """How soon the first response is due for a severity: office minutes on the
    account's calendar, or wall-clock minutes around the clock."""

    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    office_hours_only = models.BooleanField(
        _("count office hours only"),
        help_text=_("Off: the minutes run 24 hours a day, 7 days a week, 365 days a year."),
    )
    callback_minutes = models.PositiveIntegerField(
        _("hotline callback within (minutes, wall clock)"), default=15
    )
    callback_retry_minutes = models.PositiveIntegerField(
        _("next callback attempt within (minutes, wall clock)"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_(
            "After a callback attempt that did not reach the customer (no answer, voicemail); "
            "each attempt missed is warned to the agents."
        ),
    )
    callback_counts = models.CharField(
        _("the callback deadline counts"),
        max_length=16,
        choices=CallbackCounts.choices,
        default=CallbackCounts.FIRST_ATTEMPT,
        help_text=_(
            "For hotline calls recorded from now on; the SLA report measures each call "
            "by the rule it was recorded under."
        ),
    )
    update_interval_minutes = models.PositiveIntegerField(
        _("default update interval (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Critical issues: the interval proposed to the customer, wall clock. "
            "Non-critical issues: optional progress updates, in office minutes."
        ),
    )
    first_response_warning_minutes = models.PositiveIntegerField(
        _("warn before the first response deadline (minutes)"), default=5
    )
    callback_warning_minutes = models.PositiveIntegerField(
        _("warn before the callback deadline (minutes)"), default=5
    )
    update_warning_minutes = models.PositiveIntegerField(
        _("warn before an update is due (minutes)"), default=10
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("severity", Severity), name="sla_policy_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0), name="sla_policy_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(callback_retry_minutes__gt=0), name="sla_policy_retry_positive"
            ),
            models.CheckConstraint(
                condition=choices_check("callback_counts", CallbackCounts),
                name="sla_policy_callback_counts_valid",
            ),
        ]

    def __str__(self):
        return str(self.get_severity_display())


class SlaNotice(models.Model):
    """The claim that a deadline was warned about or breached: the unique constraint
    makes each happen once, however many sweeps run at the same time."""

    class Stage(models.TextChoices):
        WARNING = "warning", _("warning")
        BREACH = "breach", _("breach")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="sla_notices"
    )
    # A missed callback retry is not a deadline of the case: the sweep warns of it alone.
    CALLBACK_RETRY = "callback_retry"
    # The next update of a platform incident: warned once for all its linked cases.
    INCIDENT_UPDATE = "incident_update"

    kind = models.CharField(
        max_length=16,
        choices=[
            *DeadlineKind.choices,
            (CALLBACK_RETRY, _("next callback attempt")),
            (INCIDENT_UPDATE, _("next incident update")),
        ],
    )
    # The case for case deadlines, the hotline call for callbacks and their retries, the
    # incident for an incident's next update.
    subject_id = models.PositiveIntegerField()
    deadline = models.DateTimeField()
    stage = models.CharField(max_length=8, choices=Stage.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SLA notice")
        verbose_name_plural = _("SLA notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "deadline", "stage"], name="sla_notice_once"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.stage} {self.deadline:%Y-%m-%d %H:%M}"
