"""The TAM's programme: warm-up and migration plans, Tier 1 remediation requests, planning
sessions with next steps, and notes on industry trends."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from cases.rendering import render_article
from core.text_limits import TextLengthValidator

from . import actuals, warmup


class ProviderChoice(models.TextChoices):
    GMAIL = warmup.Provider.GMAIL, "Gmail"
    MICROSOFT = warmup.Provider.MICROSOFT, "Microsoft"
    YAHOO = warmup.Provider.YAHOO, "Yahoo/AOL"
    APPLE = warmup.Provider.APPLE, "Apple"
    OTHERS = warmup.Provider.OTHERS, _("Others")


_PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class WarmupPlan(models.Model):
    """An IP warm-up plan for an account: new IPs ramped up to a target daily volume."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="warmup_plans", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=120)
    ips = models.ManyToManyField(
        "deliverability.SendingIP", related_name="warmup_plans", verbose_name=_("new IPs")
    )
    target_daily_volume = models.PositiveIntegerField(_("target daily volume"))
    start_date = models.DateField(_("start date"))
    share_gmail = models.DecimalField(
        _("share Gmail (%)"), max_digits=5, decimal_places=2, default=40, validators=_PERCENT
    )
    share_microsoft = models.DecimalField(
        _("share Microsoft (%)"), max_digits=5, decimal_places=2, default=25, validators=_PERCENT
    )
    share_yahoo = models.DecimalField(
        _("share Yahoo/AOL (%)"), max_digits=5, decimal_places=2, default=15, validators=_PERCENT
    )
    share_apple = models.DecimalField(
        _("share Apple (%)"), max_digits=5, decimal_places=2, default=10, validators=_PERCENT
    )
    share_others = models.DecimalField(
        _("share others (%)"), max_digits=5, decimal_places=2, default=10, validators=_PERCENT
    )
    start_per_ip = models.PositiveIntegerField(
        _("starting volume per IP"), default=warmup.DEFAULT_START_PER_IP
    )
    growth = models.DecimalField(
        _("daily growth factor"),
        max_digits=4,
        decimal_places=2,
        default=warmup.DEFAULT_GROWTH,
        help_text=_("Between 1.05 and 3; 1.5 grows the volume by half each day."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("IP warm-up plan")
        verbose_name_plural = _("IP warm-up plans")
        ordering = ["-start_date", "pk"]

    def __str__(self):
        return self.name

    def shares(self) -> dict[str, Decimal]:
        return {
            warmup.Provider.GMAIL: self.share_gmail,
            warmup.Provider.MICROSOFT: self.share_microsoft,
            warmup.Provider.YAHOO: self.share_yahoo,
            warmup.Provider.APPLE: self.share_apple,
            warmup.Provider.OTHERS: self.share_others,
        }

    def warmup_input(self, ip_count: int) -> warmup.WarmupInput:
        return warmup.WarmupInput(
            ip_count=ip_count,
            target_daily_volume=self.target_daily_volume,
            start_date=self.start_date,
            provider_shares=self.shares(),
            start_per_ip=self.start_per_ip,
            growth=self.growth,
        )


class MigrationPhase(models.Model):
    """A phase of the gradual move of traffic from the previous provider."""

    plan = models.ForeignKey(
        WarmupPlan, on_delete=models.CASCADE, related_name="phases", verbose_name=_("plan")
    )
    start_date = models.DateField(_("start date"))
    share_moved = models.DecimalField(
        _("share moved (%)"),
        max_digits=5,
        decimal_places=2,
        validators=_PERCENT,
        help_text=_("Of all traffic, on the new IPs from this phase on (cumulative)."),
    )

    class Meta:
        verbose_name = _("migration phase")
        verbose_name_plural = _("migration phases")
        ordering = ["plan_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "start_date"], name="phase_unique_start")
        ]

    def __str__(self):
        return f"{self.start_date}: {self.share_moved}%"


class DailyActual(models.Model):
    """What was really sent from the new IPs to one provider on one day."""

    plan = models.ForeignKey(
        WarmupPlan, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("plan")
    )
    date = models.DateField(_("date"))
    provider = models.CharField(_("mailbox provider"), max_length=16, choices=ProviderChoice)
    sent = models.PositiveIntegerField(_("sent"))
    delivered = models.PositiveIntegerField(_("delivered"))
    bounces = models.PositiveIntegerField(_("bounces"))
    complaints = models.PositiveIntegerField(_("complaints"))

    class Meta:
        verbose_name = _("daily actual")
        verbose_name_plural = _("daily actuals")
        ordering = ["plan_id", "date", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "date", "provider"], name="actual_unique_per_day"
            ),
            models.CheckConstraint(
                condition=Q(delivered__lte=models.F("sent")) & Q(bounces__lte=models.F("sent")),
                name="actual_within_sent",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.provider}"

    def as_pure(self) -> actuals.DailyActual:
        return actuals.DailyActual(
            date=self.date,
            provider=self.provider,
            sent=self.sent,
            delivered=self.delivered,
            bounces=self.bounces,
            complaints=self.complaints,
        )


class RemediationRequest(models.Model):
    """A Tier 1 ISP-block remediation request: a kind of support case with the fields the
    mailbox providers' standard forms ask for."""

    class IpType(models.TextChoices):
        DEDICATED = "dedicated", _("Dedicated IPs")
        SHARED = "shared", _("Shared IPs")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SUBMITTED = "submitted", _("Submitted to the mailbox provider")
        ANSWERED = "answered", _("Mailbox provider answered")
        RESOLVED = "resolved", _("Block lifted")
        NOT_RESOLVED = "not_resolved", _("Block not lifted")
        TIER2 = "tier2", _("Tier 2: out of scope")

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="remediation_request",
        verbose_name=_("support case"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="remediation_requests",
        verbose_name=_("account"),
    )
    # Empty for a blocklist listing: the request goes to the list's operator instead.
    provider = models.CharField(
        _("mailbox provider"), max_length=16, choices=ProviderChoice, blank=True
    )
    affected_ips = models.TextField(
        _("affected IPs or ranges"),
        help_text=_("One per line, or separated by ';'."),
        validators=[TextLengthValidator()],
    )
    from_domain = models.CharField(_("From domain"), max_length=253)
    dkim_domain = models.CharField(_("DKIM d= domain"), max_length=253)
    return_path_domain = models.CharField(_("Return-Path domain"), max_length=253)
    bounce_text = models.TextField(
        _("bounce text with timestamps"), validators=[TextLengthValidator()]
    )
    sample_headers = models.TextField(
        _("sample headers"), blank=True, validators=[TextLengthValidator()]
    )
    daily_volume = models.PositiveIntegerField(_("daily volume to this provider"))
    ip_type = models.CharField(_("dedicated or shared IPs"), max_length=16, choices=IpType)
    first_seen = models.DateField(_("first seen"))
    authentication_in_place = models.BooleanField(_("SPF, DKIM and DMARC in place"))
    one_click_unsubscribe = models.BooleanField(_("one-click unsubscribe"))
    complaint_rate_ok = models.BooleanField(_("complaint rate under the thresholds"))
    warmup_followed = models.BooleanField(_("warm-up plan followed"))
    bounce_rule = models.CharField(_("bounce rule"), max_length=64, blank=True)
    listing = models.ForeignKey(
        "deliverability.ListingState",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("blocklist listing"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.RECEIVED)
    tier2_reason = models.TextField(_("why Tier 2"), blank=True, validators=[TextLengthValidator()])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ISP-block remediation request")
        verbose_name_plural = _("ISP-block remediation requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "submitted",
                        "answered",
                        "resolved",
                        "not_resolved",
                        "tier2",
                    ]
                ),
                name="remediation_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.case.reference or '—'} {self.counterpart}"

    @property
    def counterpart(self) -> str:
        """Whom the request goes to: the mailbox provider, or the blocklist of the listing."""
        if self.provider:
            return self.get_provider_display()
        return self.listing.blocklist.name if self.listing else "—"


class RemediationStep(models.Model):
    """One step of a remediation request, recorded by staff and shown to the customer."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted to the mailbox provider")
        ANSWER = "answer", _("Answer from the mailbox provider")
        OUTCOME = "outcome", _("Outcome")
        TIER2 = "tier2", _("Marked Tier 2")

    class Channel(models.TextChoices):
        FORM = "form", _("Provider's web form")
        EMAIL = "email", _("Email")
        PORTAL = "portal", _("Provider's portal")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Block lifted")
        NOT_RESOLVED = "not_resolved", _("Block not lifted")

    request = models.ForeignKey(
        RemediationRequest,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("step"), max_length=16, choices=Kind)
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    text = models.TextField(_("text"), blank=True, validators=[TextLengthValidator()])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    mailed_at = models.DateTimeField(_("mailed to the contacts at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remediation step")
        verbose_name_plural = _("remediation steps")
        ordering = ["request_id", "on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class TrendNote(models.Model):
    """A TAM's note on industry trends and best practices, published to their accounts."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Markdown; shown sanitised."), validators=[TextLengthValidator()]
    )
    accounts = models.ManyToManyField(
        Account, related_name="trend_notes", verbose_name=_("published to")
    )
    published_on = models.DateField(_("published on"))

    class Meta:
        verbose_name = _("industry trends note")
        verbose_name_plural = _("industry trends notes")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title

    def html(self) -> str:
        return render_article(self.body)


class PlanningSession(models.Model):
    """A TAM planning session with the customer, on record."""

    class Topic(models.TextChoices):
        MIGRATION = "migration", _("Migration")
        CAPACITY = "capacity", _("Capacity growth")
        NEW_BUSINESS = "new_business", _("New business needs")
        FEATURES = "features", _("Feature planning")

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="planning_sessions",
        verbose_name=_("account"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic)
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"), validators=[TextLengthValidator()])
    notes = models.TextField(_("notes"), validators=[TextLengthValidator()])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("planning session")
        verbose_name_plural = _("planning sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.get_topic_display()} {self.held_on}"


class NextStep(models.Model):
    """An agreed next step of a planning session, with its owner and due date."""

    session = models.ForeignKey(
        PlanningSession,
        on_delete=models.CASCADE,
        related_name="next_steps",
        verbose_name=_("session"),
    )
    description = models.CharField(_("next step"), max_length=300)
    owner = models.CharField(_("owner"), max_length=120)
    due_on = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    reminded_at = models.DateTimeField(_("TAM reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="nextstep_reminder_due",
                condition=Q(done=False, reminded_at__isnull=True),
            )
        ]

    def __str__(self):
        return self.description
