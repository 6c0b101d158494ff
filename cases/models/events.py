"""The audit log of a case."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import dates
from core.text_limits import TextLengthValidator

from .case import Case
from .choices import Status
from .hotline import CallbackOutcome, attempt_sentence


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
        RESOLUTION_RATED = "resolution_rated", _("Resolution rated")
        RECLASSIFIED = "reclassified", _("Reclassified")
        ESCALATED = "escalated", _("Escalated to the Technical Account Manager")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        FIRST_RESPONSE = "first_response", _("First response given")
        DEADLINE_SET = "deadline_set", _("Deadline set")
        HOTLINE_CALL = "hotline_call", _("Severity 1 hotline call recorded")
        CALLBACK_ATTEMPT = "callback_attempt", _("Callback attempt")
        INTERVAL_PROPOSED = "interval_proposed", _("Update interval proposed")
        INTERVAL_AGREED = "interval_agreed", _("Update interval agreed")
        INTERVAL_DECLINED = "interval_declined", _("Update interval declined")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        SLA_FULFILLED = "sla_fulfilled", _("SLA deadline fulfilled")
        FLAGGED = "flagged", _("Flagged for staff")
        FLAG_DISMISSED = "flag_dismissed", _("Flag dismissed")
        FOLLOWED_UP = "followed_up", _("Followed up by a new case")
        MERGED_AS_DUPLICATE = "merged_as_duplicate", _("Merged into the original case")
        DUPLICATE_MERGED = "duplicate_merged", _("A duplicate case was merged into this one")
        INCIDENT_LINKED = "incident_linked", _("Linked to a platform incident")
        INCIDENT_UNLINKED = "incident_unlinked", _("Unlinked from a platform incident")

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
        indexes = [
            models.Index(fields=["case", "at"], name="case_event_case_time"),
            # The SLA report reads a month of verdicts out of every event of every case.
            models.Index(
                fields=["at"],
                name="case_event_sla_time",
                condition=models.Q(kind__in=["sla_fulfilled", "sla_breach"]),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def shown_detail(self) -> str:
        """The detail as its reader sees it. A moment the event holds (a callback due) is
        stored as the moment and shown in the reader's language and time zone, not as a
        text in the zone of whoever recorded it."""
        if self.kind == self.Kind.CALLBACK_ATTEMPT:
            return self._attempt(customer=False)
        due = self.data.get("callback_due_at") if self.kind == self.Kind.HOTLINE_CALL else None
        if due:
            return gettext("callback due by %(due)s") % {"due": _moment(due)}
        if self.kind in INTERVAL_KINDS and not self.detail:
            return self._interval_detail()
        return self.detail

    def _interval_detail(self) -> str:
        minutes = self.data.get("minutes") or self.data.get("to")
        every = ngettext("every %(minutes)s minute", "every %(minutes)s minutes", minutes) % {
            "minutes": minutes
        }
        overdue = self.data.get("overdue_update_due")
        if overdue:
            return gettext(
                "%(every)s from the next update on; the update due %(due)s was overdue and "
                "stays due"
            ) % {"every": every, "due": _moment(overdue)}
        return every

    @property
    def customer_detail(self) -> str:
        """What the customer's timeline says of the event beside its kind (a callback
        attempt: what it was, and when we try again)."""
        if self.kind == self.Kind.CALLBACK_ATTEMPT:
            return self._attempt(customer=True)
        return ""

    def _attempt(self, *, customer: bool) -> str:
        outcome = self.data.get("outcome")
        if outcome not in CallbackOutcome.values:
            return self.detail
        at = self.data.get("at")
        next_due = self.data.get("next_attempt_due_at")
        return attempt_sentence(
            outcome,
            datetime.fromisoformat(at) if at else self.at,
            datetime.fromisoformat(next_due) if next_due else None,
            customer=customer,
        )


def _moment(iso: str) -> str:
    """A moment stored in an event's data, in the reader's time zone."""
    return dates.date_format(timezone.localtime(datetime.fromisoformat(iso)), "j M Y, H:i T")


INTERVAL_KINDS = (
    CaseEvent.Kind.INTERVAL_PROPOSED,
    CaseEvent.Kind.INTERVAL_AGREED,
    CaseEvent.Kind.INTERVAL_DECLINED,
)
