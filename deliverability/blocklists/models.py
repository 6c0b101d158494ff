"""Sending assets, the blocklist catalogue, check runs, and what each list says about each asset."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account

from . import dnsbl


class SendingIP(models.Model):
    """A sending IP of a customer: one of their message streams."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="sending_ips", verbose_name=_("account")
    )
    address = models.GenericIPAddressField(_("address"), unique=True)
    stream = models.CharField(
        _("stream or pool"),
        max_length=100,
        blank=True,
        help_text=_("The message stream or IP pool this address carries, e.g. transactional."),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sending IP")
        verbose_name_plural = _("sending IPs")
        ordering = ["account_id", "address"]

    def __str__(self):
        return self.address

    @property
    def version(self) -> int:
        return ipaddress.ip_address(self.address).version


class SendingDomain(models.Model):
    """A domain a customer sends with: From, DKIM d=, Return-Path or tracking links."""

    class Purpose(models.TextChoices):
        FROM = "from", _("From")
        DKIM = "dkim", _("DKIM d=")
        RETURN_PATH = "return_path", _("Return-Path")
        TRACKING = "tracking", _("Tracking links")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="sending_domains", verbose_name=_("account")
    )
    name = models.CharField(_("domain"), max_length=253)
    purpose = models.CharField(_("used as"), max_length=16, choices=Purpose.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sending domain")
        verbose_name_plural = _("sending domains")
        ordering = ["account_id", "name", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name", "purpose"], name="sendingdomain_unique_per_account"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=["from", "dkim", "return_path", "tracking"]),
                name="sendingdomain_purpose_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.name = dnsbl.normalise_host(self.name)
        except ValueError:
            raise ValidationError(
                {"name": _("Enter a domain name such as mail.example.com.")}
            ) from None
        if dnsbl.registrable_domain(self.name) is None:
            raise ValidationError(
                {"name": _("This is a public suffix, not a domain someone can register.")}
            )

    @property
    def registrable(self) -> str:
        return dnsbl.registrable_domain(self.name) or self.name


class Blocklist(models.Model):
    """One list of the catalogue, with what its answers mean."""

    class Kind(models.TextChoices):
        IP = "ip", _("IP addresses")
        DOMAIN = "domain", _("Domains")

    name = models.CharField(_("name"), max_length=100, unique=True)
    zone = models.CharField(_("zone"), max_length=200, unique=True)
    dqs_zone = models.CharField(
        _("Data Query Service zone"),
        max_length=200,
        blank=True,
        help_text=_("Queried as <key>.<zone> when a Spamhaus Data Query Service key is set."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    codes = models.JSONField(_("answer codes"), default=dict, blank=True)
    bitmask = models.JSONField(_("bitmask meanings"), default=dict, blank=True)
    error_codes = models.JSONField(_("error codes"), default=dict, blank=True)
    supports_ipv6 = models.BooleanField(_("answers for IPv6"), default=False)
    test_domain = models.CharField(_("test domain"), max_length=200, blank=True)
    major = models.BooleanField(_("major list"), default=False)
    providers = models.CharField(_("mailbox providers that use it"), max_length=300, blank=True)
    delisting_url = models.URLField(_("delisting page"), blank=True)
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("Retired lists are never queried.")
    )
    retired_note = models.CharField(_("why retired"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("blocklist")
        verbose_name_plural = _("blocklists")
        ordering = ["retired", "-major", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["ip", "domain"]), name="blocklist_kind")
        ]

    def __str__(self):
        return self.name

    def spec(self, dqs_key: str = "") -> dnsbl.ListSpec:
        return dnsbl.ListSpec(
            zone=dnsbl.effective_zone(self.zone, self.dqs_zone, dqs_key),
            kind=self.kind,
            codes=dict(self.codes),
            bitmask={int(bit): meaning for bit, meaning in self.bitmask.items()},
            error_codes=dict(self.error_codes),
        )

    def applies_to_ip(self, address: str) -> bool:
        return self.kind == self.Kind.IP and (
            self.supports_ipv6 or ipaddress.ip_address(address).version == 4
        )


class CheckRun(models.Model):
    """One check of every asset (or one account's) against every active list."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        STAFF = "staff", _("Staff")
        CUSTOMER = "customer", _("Customer")
        COMMAND = "command", _("Command line")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocklist_runs",
        verbose_name=_("account"),
        help_text=_("Empty: every account."),
    )
    trigger = models.CharField(_("started by"), max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    zone_health = models.JSONField(_("zone health"), default=dict, blank=True)
    # Every list failed its test points: the resolver, not the lists, failed, and the run
    # checked nothing (see services.run_execute).
    resolver_failed = models.BooleanField(_("resolver failed"), default=False)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    queries = models.PositiveIntegerField(_("queries"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "finished"]), name="checkrun_status"
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=["schedule", "staff", "customer", "command"]),
                name="checkrun_trigger",
            ),
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.FINISHED:
            return 100
        if not self.chunks_total:
            return 0
        return int(100 * self.chunks_done / self.chunks_total)

    @property
    def unhealthy_zones(self) -> list[str]:
        return sorted(zone for zone, healthy in self.zone_health.items() if not healthy)


class CheckFailureStreak(models.Model):
    """Check runs that could not run, one after another, until one runs again: staff are
    alerted once per streak. One row, locked while a run's outcome is recorded."""

    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failed_runs = models.PositiveIntegerField(_("failed runs"), default=0)
    alerted_at = models.DateTimeField(_("staff alerted at"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last run that could run"), null=True, blank=True)

    class Meta:
        verbose_name = _("check failure streak")
        verbose_name_plural = _("check failure streaks")

    def __str__(self):
        return f"{self.failed_runs} failed runs since {self.failing_since}"


class CheckChunk(models.Model):
    """A slice of a run's assets: a worker that dies loses this slice only, and redoes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    ip_ids = models.JSONField(default=list, blank=True)
    domain_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("check chunk")
        verbose_name_plural = _("check chunks")
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="checkchunk_unique_index"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done"]), name="checkchunk_status"
            ),
        ]

    def __str__(self):
        return f"{self.run} #{self.index}"


class _AssetOnList(models.Model):
    """Common columns: which asset (an IP or a domain) on which list."""

    sending_ip = models.ForeignKey(
        SendingIP, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("sending IP")
    )
    sending_domain = models.ForeignKey(
        SendingDomain,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("sending domain"),
    )
    blocklist = models.ForeignKey(Blocklist, on_delete=models.CASCADE, verbose_name=_("blocklist"))

    class Meta:
        abstract = True

    @property
    def asset(self):
        return self.sending_ip or self.sending_domain


def _one_asset(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(sending_ip__isnull=False, sending_domain__isnull=True)
        | Q(sending_ip__isnull=True, sending_domain__isnull=False),
        name=f"{prefix}_exactly_one_asset",
    )


class ListingState(_AssetOnList):
    """What one list says about one asset now, and since when.

    `state` is the last believed answer (listed or clean); a failed query does not change
    it but is kept in `error_kind`, so an error is shown as an error, never as listed or
    clean. `state` is "unknown" until a first answer is believed.
    """

    class State(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked yet")
        CLEAN = "clean", _("Not listed")
        LISTED = "listed", _("Listed")

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.UNKNOWN
    )
    since = models.DateTimeField(_("since"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    codes = models.JSONField(_("answer codes"), default=list, blank=True)
    txt = models.TextField(_("TXT record"), blank=True)
    error_kind = models.CharField(_("error in the last check"), max_length=32, blank=True)
    error_since = models.DateTimeField(_("error since"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # The last check that the list really answered; an error moves last_checked_at only.
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    last_run = models.ForeignKey(
        CheckRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("listing state")
        verbose_name_plural = _("listing states")
        constraints = [
            _one_asset("listingstate"),
            models.UniqueConstraint(
                fields=["sending_ip", "blocklist"],
                condition=Q(sending_ip__isnull=False),
                name="listingstate_unique_ip",
            ),
            models.UniqueConstraint(
                fields=["sending_domain", "blocklist"],
                condition=Q(sending_domain__isnull=False),
                name="listingstate_unique_domain",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["unknown", "clean", "listed"]), name="listingstate_state"
            ),
        ]

    def __str__(self):
        return f"{self.asset} on {self.blocklist}: {self.state}"


class ListingEvent(_AssetOnList):
    """A listing or a delisting, with its time. A baseline event is a listing found at the
    asset's first answered check on that list: it is reported as there when monitoring
    started, not as new."""

    class Kind(models.TextChoices):
        LISTED = "listed", _("Listed")
        DELISTED = "delisted", _("Delisted")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="listing_events", verbose_name=_("account")
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    run = models.ForeignKey(
        CheckRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    baseline = models.BooleanField(_("first check"), default=False)
    notified_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["run", "account"],
                condition=Q(notified_at__isnull=True),
                name="listingevent_unreported",
            ),
            models.Index(fields=["account", "-at"], name="listingevent_account_at"),
        ]
        constraints = [
            _one_asset("listingevent"),
            models.CheckConstraint(
                condition=Q(kind__in=["listed", "delisted"]), name="listingevent_kind"
            ),
        ]

    def __str__(self):
        return f"{self.asset} {self.kind} on {self.blocklist} at {self.at:%Y-%m-%d %H:%M}"
