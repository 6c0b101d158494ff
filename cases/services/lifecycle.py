"""The lifecycle of a support case: one function per change of state.

Each runs in a transaction, locks the case row (two agents racing on one case cannot
both win), checks the move against TRANSITIONS, writes the new state and its audit
event, recomputes deadlines, and queues mail on commit.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.events import EventType

from .. import deadlines, selectors
from ..models import Case, ResolutionAgreement, Severity, Status
from .alerts import alert_case_owner, alert_critical_case
from .base import (
    CaseError,
    Kind,
    await_our_response,
    emit_case_event,
    lock_case,
    queue_mail,
    record_event,
    resolve_now,
    vars_of,
)
from .update_interval import default_update_interval

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {
            Status.IN_PROGRESS,
            Status.WAITING_ON_CUSTOMER,
            Status.WORKAROUND_PROVIDED,
            Status.RESOLUTION_PROPOSED,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED, Status.RESOLUTION_PROPOSED}
    ),
    Status.WAITING_ON_CUSTOMER: frozenset(
        {Status.IN_PROGRESS, Status.WORKAROUND_PROVIDED, Status.RESOLUTION_PROPOSED}
    ),
    Status.WORKAROUND_PROVIDED: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER, Status.RESOLUTION_PROPOSED}
    ),
    Status.RESOLUTION_PROPOSED: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def refuse_move(case: Case, to_status: str) -> None:
    if not can_move(case.status, to_status):
        raise CaseError(
            _("Case %(reference)s is “%(current)s” and cannot become “%(target)s”.")
            % {
                "reference": case.reference,
                "current": Status(case.status).label,
                "target": Status(to_status).label,
            }
        )


def move(
    case: Case,
    to_status: str,
    *,
    actor,
    now,
    changed: set[str],
    kind=Kind.STATUS_CHANGED,
    detail="",
    mail=True,
    **data,
):
    """Change status (already locked), pause or resume the SLA clock, write the event.
    The fields it sets join `changed`, which the caller saves with `deadlines.save`."""
    refuse_move(case, to_status)
    from_status = case.status
    case.status = to_status
    case.updated_at = now
    changed.update(("status", "updated_at"))
    if to_status == Status.WAITING_ON_CUSTOMER:
        _set(case, "waiting_since", now, changed)
    elif from_status == Status.WAITING_ON_CUSTOMER:
        _set(case, "waiting_since", None, changed)
    if to_status == Status.RESOLVED:
        _set(case, "resolved_at", now, changed)
    if to_status == Status.CLOSED:
        _set(case, "closed_at", now, changed)
    if to_status not in (Status.RESOLVED, Status.CLOSED):
        _set(case, "resolved_at", None, changed)
        _set(case, "closed_at", None, changed)
    event = record_event(
        case,
        kind,
        actor=actor,
        now=now,
        detail=detail,
        from_status=from_status,
        to_status=to_status,
        data=data,
    )
    if mail:
        queue_mail(event)
    emit_case_event(
        case, EventType.CASE_STATUS_CHANGED, now=now, from_status=from_status, to_status=to_status
    )
    if to_status == Status.RESOLUTION_PROPOSED:
        emit_case_event(case, EventType.CASE_RESOLUTION_PROPOSED, now=now)
    elif to_status == Status.RESOLVED:
        emit_case_event(case, EventType.CASE_RESOLVED, now=now)
    return event


def _set(case: Case, field: str, value, changed: set[str]) -> None:
    if getattr(case, field) != value:
        setattr(case, field, value)
        changed.add(field)


# --- work --------------------------------------------------------------------------


@transaction.atomic
def case_assign(
    *, case: Case, agent, actor, only_if_unassigned: bool = False, now: datetime | None = None
) -> Case:
    """Give the case to an agent, who then has primary responsibility for contact."""
    now = resolve_now(now)
    case = lock_case(case)
    if not agent.is_staff:
        raise CaseError(_("Only staff members can be assigned to a case."))
    if only_if_unassigned and case.assigned_agent_id not in (None, agent.pk):
        raise CaseError(
            _("%(agent)s already took case %(reference)s.")
            % {"agent": case.assigned_agent, "reference": case.reference}
        )
    if case.assigned_agent_id == agent.pk:
        return case
    case.assigned_agent = agent
    case.updated_at = now
    case.save(update_fields=["assigned_agent", "updated_at"])
    record_event(case, Kind.ASSIGNED, actor=actor, now=now, public=False, data={"agent": agent.pk})
    return case


@transaction.atomic
def case_set_status(
    *, case: Case, status: str, actor, detail: str = "", now: datetime | None = None
) -> Case:
    """Start work, or wait on the customer (the SLA clock pauses meanwhile)."""
    now = resolve_now(now)
    case = lock_case(case)
    if status not in (Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER):
        raise CaseError(_("Use the matching action for this status."))
    refuse_move(case, status)
    if case.status == Status.RESOLUTION_PROPOSED:
        # Back to work without the customer's answer: the proposal is withdrawn.
        ResolutionAgreement.objects.filter(
            case=case, outcome=ResolutionAgreement.Outcome.PENDING
        ).update(outcome=ResolutionAgreement.Outcome.WITHDRAWN, decided_at=now)
    changed: set[str] = set()
    move(case, status, actor=actor, now=now, changed=changed, detail=detail)
    deadlines.save(case, changed)
    return case


@transaction.atomic
def case_close(*, case: Case, actor, now: datetime | None = None) -> Case:
    now = resolve_now(now)
    case = lock_case(case)
    changed: set[str] = set()
    move(case, Status.CLOSED, actor=actor, now=now, changed=changed, kind=Kind.CLOSED)
    deadlines.save(case, changed)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str, now: datetime | None = None) -> Case:
    now = resolve_now(now)
    if not reason.strip():
        raise CaseError(_("Give a reason to reopen the case."))
    case = lock_case(case)
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise CaseError(_("Case %(reference)s is still open.") % vars_of(case))
    changed: set[str] = set()
    move(
        case,
        Status.IN_PROGRESS,
        actor=actor,
        now=now,
        changed=changed,
        kind=Kind.REOPENED,
        detail=reason,
    )
    # A duplicate reopened is a case of its own again.
    _set(case, "duplicate_of_id", None, changed)
    deadlines.save(case, changed)
    return case


@transaction.atomic
def case_reclassify(
    *,
    case: Case,
    actor,
    severity: str,
    reason: str,
    alert_on_call: bool = True,
    now: datetime | None = None,
) -> Case:
    """Staff change the severity, with a reason the customer is told. Deadlines follow.
    A hotline call that reclassifies its case alerts on-call itself (`alert_on_call`)."""
    now = resolve_now(now)
    if severity not in Severity.values:
        raise CaseError(_("Choose a severity: critical or non-critical."))
    if not reason.strip():
        raise CaseError(_("Give the reason for the new severity; the customer is told."))
    case = lock_case(case)
    if case.severity == severity:
        raise CaseError(
            _("Case %(reference)s is already “%(severity)s”.")
            % {"reference": case.reference, "severity": Severity(severity).label}
        )
    old = case.severity
    case.severity = severity
    case.updated_at = now
    changed = {"severity", "updated_at"}
    # Staff have weighed what the mail suggested.
    _set(case, "possibly_critical", False, changed)
    event = record_event(
        case,
        Kind.RECLASSIFIED,
        actor=actor,
        now=now,
        detail=reason,
        data={"from": old, "to": severity},
    )
    if case.update_interval_agreed_at is None:
        default_update_interval(case, changed)
    # After the event: a critical first-response clock starts at the reclassification.
    deadlines.save(case, changed)
    queue_mail(event)
    if severity == Severity.CRITICAL and alert_on_call:
        alert_critical_case(
            case,
            now=now,
            why=lambda: (
                _("Reclassified as critical by %(who)s: %(reason)s")
                % {"who": actor.full_name or actor.email, "reason": reason.strip()}
            ),
        )
    return case


@transaction.atomic
def case_dismiss_flag(*, case: Case, actor, reason: str, now: datetime | None = None) -> Case:
    """Staff weighed a mailed case's flags (possibly critical, outside the contract) and
    keep the case as it is, with the reason on record."""
    now = resolve_now(now)
    if not reason.strip():
        raise CaseError(_("Give the reason the flag does not apply."))
    case = lock_case(case)
    if not (case.possibly_critical or case.out_of_scope):
        raise CaseError(_("Case %(reference)s has no flag to dismiss.") % vars_of(case))
    flags = {"possibly_critical": case.possibly_critical, "out_of_scope": case.out_of_scope}
    case.possibly_critical = False
    case.out_of_scope = ""
    case.save(update_fields=["possibly_critical", "out_of_scope"])
    record_event(
        case, Kind.FLAG_DISMISSED, actor=actor, now=now, public=False, detail=reason, data=flags
    )
    return case


def escalation_wait_sentence(case: Case, again_at: datetime) -> str:
    return _(
        "Case %(reference)s was escalated to your Technical Account Manager less than "
        "%(hours)d hours ago; you can escalate it again from %(when)s."
    ) % {
        **vars_of(case),
        "hours": settings.CASES_ESCALATION_INTERVAL_HOURS,
        "when": dates.date_format(timezone.localtime(again_at), "j M Y, H:i"),
    }


@transaction.atomic
def case_escalate(*, case: Case, customer, reason: str, now: datetime | None = None) -> Case:
    """The customer asks their Technical Account Manager to step in; the TAM is mailed."""
    now = resolve_now(now)
    if not reason.strip():
        raise CaseError(_("Tell your Technical Account Manager why the case needs attention."))
    case = lock_case(case)
    if not case.is_open:
        raise CaseError(_("Case %(reference)s is no longer open.") % vars_of(case))
    # Once a day per case: the row lock above makes a second request wait for the first.
    again_at = selectors.next_escalation_at(case, now)
    if again_at is not None:
        raise CaseError(escalation_wait_sentence(case, again_at))
    case.escalated_at = now
    case.updated_at = now
    changed = {"escalated_at", "updated_at"}
    await_our_response(case, now, changed)
    event = record_event(
        case,
        Kind.ESCALATED,
        actor=customer,
        now=now,
        detail=reason,
        data={"tam": case.account.tam_id},
    )
    deadlines.save(case, changed)
    queue_mail(event)
    alert_case_owner(
        case,
        now=now,
        what=lambda: _("the customer escalated the case to their Technical Account Manager"),
    )
    return case


@transaction.atomic
def case_set_following(*, case: Case, user, follow: bool) -> None:
    """A contact of the case's account follows (or stops following) its mail."""
    case = lock_case(case)
    if user.is_staff or not case.account.contacts.filter(user=user).exists():
        raise CaseError(_("Only contacts of the account can follow its cases."))
    if follow:
        case.followers.add(user)
    else:
        case.followers.remove(user)
