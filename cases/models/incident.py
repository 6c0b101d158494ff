"""Platform incidents: one outage of the REST API or SMTP injection that many accounts'
critical cases report. Linked cases keep their own contract clocks; one incident update
is the agreed update of each of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from .choices import choices_check

INCIDENT_PREFIX = "INC-"


class Component(models.TextChoices):
    """What the contract's definition of unavailability measures (R1, R2)."""

    API = "api", _("REST API")
    SMTP = "smtp", _("SMTP injection")


class IncidentScope(models.TextChoices):
    API = "api", _("REST API")
    SMTP = "smtp", _("SMTP injection")
    BOTH = "both", _("REST API and SMTP injection")

    @classmethod
    def covering(cls, component: str) -> list[str]:
        """The scopes of incidents that affect `component`."""
        return [component, cls.BOTH]


class IncidentSeverity(models.TextChoices):
    UNAVAILABLE = "unavailable", _("Unavailability")
    DEGRADED = "degraded", _("Degraded service")


class IncidentStatus(models.TextChoices):
    # Opened by the probes, not yet confirmed by staff: customers do not see it.
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RESOLVED = "resolved", _("Resolved")
    # A draft staff found to be no incident (a probe's own fault, a false alarm): never
    # shown to customers, and its outages do not count against availability.
    DISMISSED = "dismissed", _("Dismissed")


class IncidentQuerySet(models.QuerySet):
    def covering_region(self, region_id: int | None) -> IncidentQuerySet:
        """The incidents covering a region: its own and those of every region (a place
        with no region, the whole platform, only by those of every region)."""
        every = Q(region__isnull=True)
        return self.filter(every if region_id is None else every | Q(region=region_id))

    def affecting(self, account) -> IncidentQuerySet:
        """The incidents affecting `account`: `Incident.affects` as a query."""
        if account.region_id is None:
            return self
        return self.filter(Q(region__isnull=True) | Q(region=account.region_id))


class Incident(models.Model):
    scope = models.CharField(_("affected component"), max_length=8, choices=IncidentScope.choices)
    # None: every region.
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region or cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    severity = models.CharField(
        _("severity"),
        max_length=16,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.UNAVAILABLE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    title_nl = models.CharField(_("title in Dutch"), max_length=200)
    text = models.TextField(_("what customers see"), validators=[TextLengthValidator()])
    text_nl = models.TextField(
        _("what customers see, in Dutch"), validators=[TextLengthValidator()]
    )

    started_at = models.DateTimeField(_("started"))
    # Opened by the availability probes rather than declared by staff.
    detected_by_probes = models.BooleanField(_("detected by the probes"), default=False)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the probes saw the component recover: resolution is proposed then.
    recovered_at = models.DateTimeField(_("probes saw recovery"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    dismissed_reason = models.CharField(_("why it was dismissed"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(
        _("post-incident summary"), blank=True, validators=[TextLengthValidator()]
    )
    summary_nl = models.TextField(
        _("post-incident summary, in Dutch"), blank=True, validators=[TextLengthValidator()]
    )

    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    expected_resolution_at = models.DateTimeField(_("expected resolution"), null=True, blank=True)
    # The shortest agreed update interval among the linked open cases decides it; kept
    # by the incident services, found by the sweep through its index.
    next_update_due_at = models.DateTimeField(_("next update due"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform incident")
        verbose_name_plural = _("platform incidents")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["status", "-started_at"], name="incident_status_started"),
            models.Index(
                fields=["next_update_due_at"],
                name="incident_next_update_due",
                condition=Q(next_update_due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("scope", IncidentScope), name="incident_scope_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("severity", IncidentSeverity),
                name="incident_severity_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("status", IncidentStatus), name="incident_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="incident_resolved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def affects(self, account) -> bool:
        """Who an incident affects: an incident of no region affects every account, an
        account of no region is affected by every incident, else their regions match."""
        return (
            self.region_id is None
            or account.region_id is None
            or self.region_id == account.region_id
        )

    @property
    def reference(self) -> str:
        return f"{INCIDENT_PREFIX}{self.pk or 0:05d}"

    @property
    def is_current(self) -> bool:
        return self.status == IncidentStatus.ACTIVE

    def title_for(self, language: str) -> str:
        return self.title_nl if language == "nl" and self.title_nl else self.title

    def text_for(self, language: str) -> str:
        return self.text_nl if language == "nl" and self.text_nl else self.text

    def summary_for(self, language: str) -> str:
        return self.summary_nl if language == "nl" and self.summary_nl else self.summary


class IncidentUpdate(models.Model):
    """One update of an incident: posted to every linked case as a public reply in its
    customer's language, and mailed once per contact."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField(_("update"), validators=[TextLengthValidator()])
    text_nl = models.TextField(_("update, in Dutch"), validators=[TextLengthValidator()])
    expected_resolution_at = models.DateTimeField(_("expected resolution"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["posted_at", "id"]
        indexes = [models.Index(fields=["incident", "posted_at"], name="incident_update_time")]

    def __str__(self):
        return f"{self.incident.reference} {self.posted_at:%Y-%m-%d %H:%M}"

    def text_for(self, language: str) -> str:
        return self.text_nl if language == "nl" and self.text_nl else self.text


class IncidentEvent(models.Model):
    """The incident's timeline as staff see it."""

    class Kind(models.TextChoices):
        DETECTED = "detected", _("Detected by the probes")
        DECLARED = "declared", _("Declared")
        CASE_LINKED = "case_linked", _("Case linked")
        CASE_UNLINKED = "case_unlinked", _("Case unlinked")
        CALL_LINKED = "call_linked", _("Hotline call linked")
        UPDATE_POSTED = "update_posted", _("Update posted")
        UPDATE_WARNING = "update_warning", _("Update due soon")
        UPDATE_MISSED = "update_missed", _("Update missed")
        RECOVERED = "recovered", _("Probes saw recovery")
        UNMEASURED = "unmeasured", _("Probes stopped measuring")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    detail = models.TextField(_("detail"), blank=True, validators=[TextLengthValidator()])
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="incident_event_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
