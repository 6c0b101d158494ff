"""First-response deadlines as stored columns: computed from the SLA policy of the
case's severity, the account's office-hours calendar and the waiting-on-customer pauses
in the audit log (the arithmetic itself is pure, in `sla.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import Account

from . import sla
from .models import OPEN_STATUSES, Case, CaseEvent, Severity, SlaPolicy


def policy_target(severity: str) -> sla.Target:
    policy = SlaPolicy.objects.filter(severity=severity).first()
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
    due = sla.due_at(target, schedule, case.opened_at, pauses)
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
