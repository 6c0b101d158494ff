"""The support case (Supportzaak): what the customer reported, its state and its
deadlines."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

from ..classification import EXCLUDED_REQUESTS
from .choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    DeadlineKind,
    FailureCause,
    Severity,
    Status,
    choices_check,
)


class Case(models.Model):
    # NULL only inside the transaction that files the case, until its id is known.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=16, unique=True, null=True
    )
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_cases",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), validators=[TextLengthValidator()])
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    # The customer's answers to the contract's definition of unavailability.
    api_all_failing = models.BooleanField(_("all API calls failing"), default=False)
    api_failure_cause = models.CharField(
        _("cause of the API failures"), max_length=8, choices=FailureCause.choices, blank=True
    )
    smtp_all_failing = models.BooleanField(_("all SMTP injections failing"), default=False)
    smtp_failure_cause = models.CharField(
        _("cause of the SMTP failures"), max_length=8, choices=FailureCause.choices, blank=True
    )
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    error_samples = models.TextField(
        _("sample request ids or error text"), blank=True, validators=[TextLengthValidator()]
    )

    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    # A case filed by mail cannot answer the form's questions: what its words suggest
    # (inbound.signs) is flagged for staff, who reclassify or dismiss it.
    possibly_critical = models.BooleanField(_("possibly critical"), default=False)
    out_of_scope = models.CharField(
        _("asks for what the contract excludes"), max_length=32, blank=True
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.PORTAL
    )
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        limit_choices_to={"is_staff": True},
    )

    # Other contacts of the account who get the case's mail too.
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followers"),
        blank=True,
        related_name="followed_cases",
    )

    opened_at = models.DateTimeField(_("opened"))
    updated_at = models.DateTimeField(_("updated"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    workaround_at = models.DateTimeField(_("workaround provided"), null=True, blank=True)
    resolution_proposed_at = models.DateTimeField(_("resolution proposed"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the TAM"), null=True, blank=True)
    # A case opened by the customer's reply to this older one after its reopen window.
    follows_up = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    # A case staff found to report what an earlier case of the account already does: it
    # is closed, the customer sees only the original, and their replies go there.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # The platform incident this case reports: its updates are this case's agreed
    # updates, its resolution is proposed here (the customer still agrees on their own).
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("platform incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    incident_linked_at = models.DateTimeField(_("linked to the incident"), null=True, blank=True)
    # Since when the case waits on the customer: the SLA clock is paused meanwhile.
    waiting_since = models.DateTimeField(_("waiting on customer since"), null=True, blank=True)

    # Deadlines are columns, kept by `cases.deadlines`: the agents' queue and the sweep
    # find them through indexes.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    # The earliest callback due of the case's hotline calls not yet called back (the
    # calls themselves hold the truth).
    callback_due_at = models.DateTimeField(_("hotline callback due"), null=True, blank=True)
    # The nearest of the deadlines and which one it is, which the agents' queue orders and
    # filters by: stored with the columns it comes from by `cases.deadlines.save`.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    next_due_kind = models.CharField(
        _("kind of next deadline"), max_length=16, choices=DeadlineKind.choices, blank=True
    )

    # The update interval agreed with the customer (critical: wall clock; non-critical:
    # office minutes), who agreed it and when. Every change is a CaseEvent too.
    agreed_update_interval = models.PositiveIntegerField(
        _("agreed update interval (minutes)"), null=True, blank=True
    )
    update_interval_office_hours = models.BooleanField(
        _("update interval counts office hours only"), default=False
    )
    update_interval_agreed_by = models.CharField(
        _("interval agreed by"), max_length=150, blank=True
    )
    update_interval_agreed_at = models.DateTimeField(_("interval agreed"), null=True, blank=True)
    last_public_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    next_update_due_at = models.DateTimeField(_("next update due"), null=True, blank=True)
    # The customer's first action (a reply, a rejection, an escalation...) since our last
    # public update, once the first response was given: it waits for our response, due
    # by the SLA policy's first-response target from that moment.
    customer_action_at = models.DateTimeField(_("customer waiting since"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["account", "-opened_at"], name="case_account_opened"),
            # The customer's case list: a page of open cases newest first, a page of
            # closed ones last changed first, and the open count, each from an index
            # holding only its own rows (an account may have thousands closed).
            models.Index(
                fields=["account", "-opened_at", "-id"],
                name="case_account_open",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["account", "-updated_at", "-id"],
                name="case_account_closed",
                condition=Q(status__in=CLOSED_STATUSES),
            ),
            models.Index(
                fields=["first_response_due_at"],
                name="case_first_response_due",
                condition=Q(first_response_at__isnull=True),
            ),
            models.Index(fields=["status", "first_response_due_at"], name="case_status_due"),
            models.Index(fields=["assigned_agent", "status"], name="case_agent_status"),
            models.Index(
                fields=["next_update_due_at"],
                name="case_next_update_due",
                condition=Q(next_update_due_at__isnull=False),
            ),
            models.Index(
                fields=["response_due_at"],
                name="case_response_due",
                condition=Q(response_due_at__isnull=False),
            ),
            # Ascending puts NULLs last in PostgreSQL, as the queue's ordering asks.
            models.Index(fields=["next_due_at", "-opened_at"], name="case_queue_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("severity", Severity), name="case_severity_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("status", Status), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("category", Category), name="case_category_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("channel", Channel), name="case_channel_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("next_due_kind", DeadlineKind) | Q(next_due_kind=""),
                name="case_next_due_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="case_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="case_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.reference or '—'} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def resolved_by_agreement(self) -> bool:
        """Resolved by mutual agreement (perhaps closed since), not reopened since:
        reopening clears `resolved_at`, and no other way resolves a case."""
        return self.resolved_at is not None and self.status in CLOSED_STATUSES

    @property
    def is_critical(self) -> bool:
        return self.severity == Severity.CRITICAL

    @property
    def ended_at(self):
        """When the case was last resolved or closed (None while it is open)."""
        if self.is_open:
            return None
        return max((t for t in (self.resolved_at, self.closed_at) if t), default=self.opened_at)

    def reopens_on_reply(self, now) -> bool:
        """Whether a customer's reply now reopens the case (within the reopen window of
        its resolution) rather than opening a new case that follows up on it."""
        window = timedelta(days=settings.CASES_REOPEN_WINDOW_DAYS)
        return self.is_open or now - self.ended_at <= window

    @property
    def out_of_scope_label(self) -> str:
        """The excluded request the case asks for, in the contract's words."""
        entry = EXCLUDED_REQUESTS.get(self.out_of_scope)
        return str(entry[0]) if entry else ""

    @property
    def awaiting_first_response(self) -> bool:
        return self.is_open and self.first_response_at is None and self.waiting_since is None
