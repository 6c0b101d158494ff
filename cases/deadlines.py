"""First-response deadlines as stored columns: computed from the SLA policy of the
case's severity, the account's office-hours calendar and the waiting-on-customer pauses
in the audit log (the arithmetic itself is pure, in `sla.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import Account

from . import sla
from .models import OPEN_STATUSES, Case, CaseEvent, Severity, SlaPolicy, Status


def policy_target(severity: str) -> sla.Target:
    return _target(SlaPolicy.objects.filter(severity=severity).first(), severity)


def _target(policy: SlaPolicy | None, severity: str) -> sla.Target:
    if policy is not None:
        return sla.Target(policy.first_response_minutes, policy.office_hours_only)
    if severity == Severity.CRITICAL:
        return sla.Target(settings.CASES_CRITICAL_FIRST_RESPONSE_MINUTES, False)
    return sla.Target(settings.CASES_NON_CRITICAL_FIRST_RESPONSE_MINUTES, True)


def account_schedule(account: Account):
    calendar = (
        type(account.office_hours)
        .objects.prefetch_related("opening_ranges", "holidays", "changes")
        .get(pk=account.office_hours_id)
    )
    return calendar.schedule()


def at_filing(severity: str, account: Account, opened_at) -> dict:
    """The deadline columns of a case filed at `opened_at`, for its INSERT: what
    `recompute_deadlines` and the default update interval with `recompute_next_update`
    store on a case with no history yet (no pauses, no reclassification, no update), from
    one read of the policy and, when office hours count, one of the calendar."""
    policy = policy_for(severity)
    target = _target(policy, severity)
    interval = policy.update_interval_minutes if policy else None
    office = severity != Severity.CRITICAL
    needs_calendar = target.office_hours_only or (interval and office)
    schedule = account_schedule(account) if needs_calendar else None
    next_update = None
    if interval:
        next_update = sla.due_at(sla.Target(interval, office), schedule, opened_at)
    return {
        "first_response_due_at": sla.due_at(target, schedule, opened_at),
        "agreed_update_interval": interval,
        "update_interval_office_hours": office,
        "next_update_due_at": next_update,
    }


def first_response_start(case: Case):
    """When the first-response clock starts: at filing, or for a case reclassified to
    critical, at the (last) reclassification; a critical clock never runs backwards."""
    if case.severity != Severity.CRITICAL:
        return case.opened_at
    reclassified_at = (
        CaseEvent.objects.filter(
            case_id=case.pk, kind=CaseEvent.Kind.RECLASSIFIED, data__to=Severity.CRITICAL
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return max(case.opened_at, reclassified_at) if reclassified_at else case.opened_at


def recompute_deadlines(case: Case) -> None:
    """Store the first-response deadline from the policy, the account's calendar and the
    recorded waiting-on-customer pauses. Call inside the transaction that changed them."""
    target = policy_target(case.severity)
    schedule = account_schedule(case.account)
    transitions = CaseEvent.objects.filter(case=case).exclude(to_status="")
    pauses = sla.pauses_from_transitions(
        (e.at, e.from_status, e.to_status)
        for e in transitions.only("at", "from_status", "to_status")
    )
    due = sla.due_at(target, schedule, first_response_start(case), pauses)
    if due != case.first_response_due_at:
        Case.objects.filter(pk=case.pk).update(first_response_due_at=due)
        case.first_response_due_at = due


def recompute_open_deadlines(*, calendar_id: int | None = None, severity: str | None = None):
    """After a calendar or an SLA policy changed: recompute the deadline of every open
    case still awaiting a first response (optionally only one calendar's or severity's).
    Returns how many deadlines moved."""
    cases = Case.objects.filter(status__in=OPEN_STATUSES, first_response_at__isnull=True)
    if calendar_id is not None:
        cases = cases.filter(account__office_hours_id=calendar_id)
    if severity is not None:
        cases = cases.filter(severity=severity)
    moved = 0
    for pk in cases.values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("account").get(pk=pk)
            before = case.first_response_due_at
            recompute_deadlines(case)
            moved += case.first_response_due_at != before
    return moved


def recompute_for_calendar(calendar_id: int) -> int:
    return recompute_open_deadlines(calendar_id=calendar_id)


def policy_for(severity: str) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(severity=severity).first()


WAITING_FOR_THE_CUSTOMER = (Status.WAITING_ON_CUSTOMER, Status.RESOLUTION_PROPOSED)


def update_clock_running(case: Case) -> bool:
    """The update clock runs while the case is open, until a workaround is provided; an
    interval agreed after the workaround (e.g. daily) starts it again. It stops while the
    case waits on the customer (for information, like the first-response clock, or for
    their answer to a proposed resolution)."""
    if not case.agreed_update_interval or case.status not in OPEN_STATUSES:
        return False
    if case.waiting_since is not None or case.status in WAITING_FOR_THE_CUSTOMER:
        return False
    if case.workaround_at is None:
        return True
    return bool(
        case.update_interval_agreed_at and case.update_interval_agreed_at >= case.workaround_at
    )


def next_update_due(case: Case):
    """One agreed interval after the last public update (or after the case was filed or
    the interval agreed, whichever is later, when there was none since)."""
    if not update_clock_running(case):
        return None
    # After a wait on the customer the clock starts again from the moment it ended.
    resumed_at = (
        CaseEvent.objects.filter(case_id=case.pk, from_status__in=WAITING_FOR_THE_CUSTOMER)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    starts = [
        first_response_start(case),
        case.last_public_update_at,
        case.update_interval_agreed_at,
        resumed_at,
    ]
    base = max(t for t in starts if t is not None)
    target = sla.Target(case.agreed_update_interval, case.update_interval_office_hours)
    schedule = account_schedule(case.account) if target.office_hours_only else None
    return sla.due_at(target, schedule, base)


def recompute_next_update(case: Case) -> None:
    due = next_update_due(case)
    if due != case.next_update_due_at:
        Case.objects.filter(pk=case.pk).update(next_update_due_at=due)
        case.next_update_due_at = due
