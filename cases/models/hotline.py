"""Severity 1 hotline calls and the callback attempts that answer them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import dates
from core.text_limits import TextLengthValidator

from .case import Case
from .choices import choices_check


class CallbackCounts(models.TextChoices):
    """What fulfils the hotline callback deadline: a policy choice."""

    FIRST_ATTEMPT = "first_attempt", _("the first callback attempt")
    FIRST_REACH = "first_reach", _("the first callback that reaches the customer")


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
    # The platform incident the caller reports: the call keeps its own callback.
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("platform incident"),
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
    # When the callback deadline was fulfilled, by the rule the call was recorded under:
    # the first attempt, or the first attempt that reached the customer.
    called_back_at = models.DateTimeField(_("callback counted"), null=True, blank=True)
    callback_counts = models.CharField(
        _("the callback deadline counts"),
        max_length=16,
        choices=CallbackCounts.choices,
        default=CallbackCounts.FIRST_ATTEMPT,
    )
    reached_at = models.DateTimeField(_("customer reached"), null=True, blank=True)
    # After an attempt that did not reach the customer, until one does.
    next_attempt_due_at = models.DateTimeField(
        _("next callback attempt due"), null=True, blank=True
    )

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
            models.Index(
                fields=["next_attempt_due_at"],
                name="hotline_next_attempt_due",
                condition=Q(reached_at__isnull=True, next_attempt_due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("callback_counts", CallbackCounts),
                name="hotline_callback_counts_valid",
            ),
        ]

    def __str__(self):
        return f"{self.company_name} · {self.contact_person} · {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def last_attempt(self) -> CallbackAttempt | None:
        """The latest callback attempt (from `attempts` as prefetched, oldest first)."""
        attempts = list(self.attempts.all())
        return attempts[-1] if attempts else None

    def progress(self, now: datetime, *, customer: bool) -> str:
        """Where the callback stands after its latest attempt, as the reader sees it;
        empty before the first attempt."""
        attempt = self.last_attempt
        if attempt is None:
            return ""
        return attempt_sentence(
            attempt.outcome, attempt.at, self.next_attempt_due_at, customer=customer, now=now
        )


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
                condition=choices_check("outcome", CallbackOutcome), name="callback_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def reached(self) -> bool:
        return self.outcome == CallbackOutcome.REACHED


def _clock(moment: datetime, since: datetime) -> str:
    """The time in the reader's zone, with the date when it is not the day of `since`."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(since).date():
        return formats.time_format(local, "H:i")
    return dates.date_format(local, "j M, H:i")


def attempt_sentence(
    outcome: str,
    at: datetime,
    next_due: datetime | None,
    *,
    customer: bool,
    now: datetime | None = None,
) -> str:
    """A callback attempt in the reader's language and time zone ("we called at 11:37, no
    answer; we will try again by 11:52"): to the customer, or to staff. With `now`, a next
    attempt already due says it is late."""
    when = {"at": formats.time_format(timezone.localtime(at), "H:i")}
    if customer:
        said = {
            CallbackOutcome.REACHED: gettext("we called at %(at)s and reached you"),
            CallbackOutcome.VOICEMAIL: gettext("we called at %(at)s and left a voicemail"),
            CallbackOutcome.NO_ANSWER: gettext("we called at %(at)s, no answer"),
        }
    else:
        said = {
            CallbackOutcome.REACHED: gettext("reached the customer at %(at)s"),
            CallbackOutcome.VOICEMAIL: gettext("voicemail left at %(at)s"),
            CallbackOutcome.NO_ANSWER: gettext("no answer at %(at)s"),
        }
    text = said[CallbackOutcome(outcome)] % when
    if next_due is None or outcome == CallbackOutcome.REACHED:
        return text
    late = now is not None and next_due < now
    if customer and late:
        then = gettext("our next attempt, due by %(next)s, is late")
    elif customer:
        then = gettext("we will try again by %(next)s")
    elif late:
        then = gettext("next attempt overdue since %(next)s")
    else:
        then = gettext("next attempt due by %(next)s")
    return f"{text}; {then % {'next': _clock(next_due, at)}}"
