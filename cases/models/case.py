"""Support cases (Supportzaak): the case, its messages, audit events, attachments,
resolution agreements, SLA policies and the mail sent about it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from core.text_limits import TextLengthValidator

REFERENCE_PREFIX = "EE-"


def reference_for(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:06d}"


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical issue")
    NON_CRITICAL = "non_critical", _("Non-critical issue")


class Category(models.TextChoices):
    SOFTWARE_BUG = "software_bug", _("Software bug")
    CONFIGURATION = "configuration", _("Configuration request")
    INFORMATION = "information", _("Information request")


class FailureCause(models.TextChoices):
    SERVER = "server", _("Server-side timeouts or internal service errors (5xx)")
    OTHER = "other", _("Another reason (4xx, authentication, some calls still succeed)")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    WORKAROUND_PROVIDED = "workaround_provided", _("Workaround provided")
    RESOLUTION_PROPOSED = "resolution_proposed", _("Resolution proposed")
    RESOLVED = "resolved", _("Resolved by mutual agreement")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CUSTOMER,
    Status.WORKAROUND_PROVIDED,
    Status.RESOLUTION_PROPOSED,
)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    HOTLINE = "hotline", _("Severity 1 hotline")
    STAFF = "staff", _("Staff")


def _choices_check(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


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
                condition=_choices_check("severity", Severity), name="sla_policy_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0), name="sla_policy_minutes_positive"
            ),
        ]

    def __str__(self):
        return str(self.get_severity_display())


def next_due_expression():
    """The nearest deadline agents work to on an open case: a hotline callback not yet
    made, the first response while the customer waits for it, or the next update agreed
    with them (set only while that clock runs); else nothing. Stored as
    `Case.next_due_at`, which the agents' queue orders by."""
    is_open = Q(status__in=list(OPEN_STATUSES))

    def while_(condition, field):
        return models.Case(
            models.When(condition, then=models.F(field)),
            default=None,
            output_field=models.DateTimeField(),
        )

    deadlines = [
        while_(is_open, "callback_due_at"),
        while_(
            is_open & Q(first_response_at__isnull=True) & Q(waiting_since__isnull=True),
            "first_response_due_at",
        ),
        while_(is_open, "next_update_due_at"),
    ]
    # LEAST skips NULLs in PostgreSQL but returns NULL in SQLite: each deadline leads
    # one COALESCE in which the others stand in for it when it is NULL.
    return Least(*(Coalesce(*deadlines[i:], *deadlines[:i]) for i in range(len(deadlines))))


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
    # Since when the case waits on the customer: the SLA clock is paused meanwhile.
    waiting_since = models.DateTimeField(_("waiting on customer since"), null=True, blank=True)

    # Deadlines are columns: the agents' queue and the sweep find them through indexes.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    # The earliest callback due of the case's hotline calls not yet called back (kept by
    # cases.critical; the calls themselves hold the truth).
    callback_due_at = models.DateTimeField(_("hotline callback due"), null=True, blank=True)
    # Kept by the database from the columns above, so every write path keeps it true and
    # the agents' queue reads and orders by a plain indexed column.
    next_due_at = models.GeneratedField(
        expression=next_due_expression(),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
        verbose_name=_("next deadline"),
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

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["account", "-opened_at"], name="case_account_opened"),
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
            # Ascending puts NULLs last in PostgreSQL, as the queue's ordering asks.
            models.Index(fields=["next_due_at", "-opened_at"], name="case_queue_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_choices_check("severity", Severity), name="case_severity_valid"
            ),
            models.CheckConstraint(
                condition=_choices_check("status", Status), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=_choices_check("category", Category), name="case_category_valid"
            ),
            models.CheckConstraint(
                condition=_choices_check("channel", Channel), name="case_channel_valid"
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
    def is_critical(self) -> bool:
        return self.severity == Severity.CRITICAL

    @property
    def awaiting_first_response(self) -> bool:
        return self.is_open and self.first_response_at is None and self.waiting_since is None


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class CaseMessage(models.Model):
    Visibility = Visibility

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="case_messages",
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    body = models.TextField(_("message"), validators=[TextLengthValidator()])
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.PORTAL
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        ordering = ["created_at", "id"]
        # Public replies are read with the case; internal notes need this permission.
        permissions = [("view_internal_note", "Can read internal notes")]
        indexes = [models.Index(fields=["case", "created_at"], name="case_message_case_time")]
        constraints = [
            models.CheckConstraint(
                condition=_choices_check("visibility", Visibility),
                name="case_message_visibility_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_visibility_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == self.Visibility.INTERNAL


class CaseEvent(models.Model):
    """The audit log of a case: every change of state, with who and when. SLA verdicts
    are recomputed from it."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case filed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REPLIED = "replied", _("Public reply")
        CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
        NOTE_ADDED = "note_added", _("Internal note")
        ASSIGNED = "assigned", _("Assigned")
        WORKAROUND_PROVIDED = "workaround_provided", _("Workaround provided")
        RESOLUTION_PROPOSED = "resolution_proposed", _("Resolution proposed")
        RESOLUTION_ACCEPTED = "resolution_accepted", _("Resolution accepted")
        RESOLUTION_REJECTED = "resolution_rejected", _("Resolution rejected")
        RECLASSIFIED = "reclassified", _("Reclassified")
        ESCALATED = "escalated", _("Escalated to the Technical Account Manager")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        FIRST_RESPONSE = "first_response", _("First response given")
        DEADLINE_SET = "deadline_set", _("Deadline set")
        HOTLINE_CALL = "hotline_call", _("Severity 1 hotline call recorded")
        CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")
        INTERVAL_AGREED = "interval_agreed", _("Update interval agreed")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        SLA_FULFILLED = "sla_fulfilled", _("SLA deadline fulfilled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    # Shown to the customer on the case timeline (internal notes and assignments are not).
    public = models.BooleanField(default=True)
    detail = models.TextField(_("detail"), blank=True, validators=[TextLengthValidator()])
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    # Random names: the original name is kept in a column, never trusted on disk.
    return f"case-attachments/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


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
                condition=_choices_check("outcome", AgreementOutcome),
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


class OutboundMessage(models.Model):
    """A mail sent about a case; its Message-ID threads the customer's reply later."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outbound_messages")
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32)
    # The event or message the mail is about: one mail per (kind, source, recipient).
    source_key = models.CharField(max_length=64)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mail")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key", "recipient"], name="outbound_once_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class DeadlineKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    CALLBACK = "callback", _("hotline callback")
    NEXT_UPDATE = "next_update", _("next update")


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
                condition=_choices_check("outcome", CallbackOutcome), name="callback_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.at:%Y-%m-%d %H:%M}"


class SlaNotice(models.Model):
    """The claim that a deadline was warned about or breached: the unique constraint
    makes each happen once, however many sweeps run at the same time."""

    class Stage(models.TextChoices):
        WARNING = "warning", _("warning")
        BREACH = "breach", _("breach")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="sla_notices"
    )
    kind = models.CharField(max_length=16, choices=DeadlineKind.choices)
    # The case for case deadlines, the hotline call for callbacks.
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
