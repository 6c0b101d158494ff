"""Probes, their results and the outages found in them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import Component
from cases.models.choices import choices_check


class Probe(models.Model):
    """A synthetic check of one component in one region, run every minute: an HTTP
    request to the API endpoint, or an SMTP injection to the injection endpoint."""

    class Method(models.TextChoices):
        GET = "GET", "GET"
        HEAD = "HEAD", "HEAD"
        POST = "POST", "POST"

    name = models.CharField(_("name"), max_length=100)
    component = models.CharField(_("component"), max_length=8, choices=Component.choices)
    # None: the platform as a whole.
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region or cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="probes",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("timeout (seconds)"), default=10)

    # REST API probes.
    method = models.CharField(
        _("HTTP method"), max_length=8, choices=Method.choices, default=Method.GET
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    expected_status = models.PositiveSmallIntegerField(_("expected status"), default=200)

    # SMTP injection probes.
    host = models.CharField(_("SMTP host"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("SMTP port"), default=587)
    starttls = models.BooleanField(_("STARTTLS"), default=True)
    username = models.CharField(_("probe credential: user name"), max_length=255, blank=True)
    password = models.CharField(_("probe credential: password"), max_length=255, blank=True)
    mail_from = models.EmailField(_("MAIL FROM"), blank=True)
    rcpt_to = models.EmailField(_("RCPT TO (a sink address)"), blank=True)

    class Meta:
        verbose_name = _("probe")
        verbose_name_plural = _("probes")
        ordering = ["component", "region__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("component", Component), name="probe_component_valid"
            ),
        ]

    def __str__(self):
        return self.name


class ProbeResult(models.Model):
    probe = models.ForeignKey(Probe, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField(_("when"))
    ok = models.BooleanField(_("succeeded"))
    # A failure the contract counts: a server-side timeout or error (not ours, not the
    # probe's own configuration).
    server_side = models.BooleanField(_("server-side failure"), default=False)
    # The HTTP status or the SMTP reply code that decided the result, if any.
    code = models.PositiveSmallIntegerField(_("status or reply code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    reply = models.CharField(_("server reply"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("probe result")
        verbose_name_plural = _("probe results")
        ordering = ["-at"]
        indexes = [models.Index(fields=["probe", "-at"], name="probe_result_time")]
        constraints = [
            # `at` is the minute the run was scheduled for: a task run twice, or by two
            # workers, records one result.
            models.UniqueConstraint(fields=["probe", "at"], name="probe_result_once"),
        ]

    def __str__(self):
        return f"{self.probe} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"


class Outage(models.Model):
    """A period in which every probe of a component in a region failed server-side: the
    contract's unavailability, as the probe record shows it."""

    component = models.CharField(_("component"), max_length=8, choices=Component.choices)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region or cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outages",
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("platform incident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outages",
    )

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["component", "region", "-started_at"], name="outage_time"),
            models.Index(
                fields=["component", "region"],
                name="outage_open",
                condition=Q(ended_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("component", Component), name="outage_component_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="outage_period_valid",
            ),
            # One open outage per component and region (no region: the whole platform),
            # however many evaluations find it at once.
            models.UniqueConstraint(
                models.F("component"),
                Coalesce("region", models.Value(0)),
                condition=Q(ended_at__isnull=True),
                name="outage_one_open",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_component_display()} {self.region or ''} {self.started_at:%Y-%m-%d %H:%M}"
        )
