"""Every deadline of a support case, worked out and stored here alone.

A case stores its deadlines as plain indexed columns, so the agents' queue and the SLA
sweep find them through indexes: the first response (from the SLA policy of its severity,
the account's office-hours calendar and the waiting-on-customer pauses in the audit log),
the earliest hotline callback still to make, our response to what the customer did
since our last update, the next agreed update, and the nearest of
those, `next_due_at` with `next_due_kind`, which the queue orders and filters by; and the
next update of a platform incident, the earliest next update of its linked cases. Services
change what a deadline depends on and call `save` once, inside their transaction; it
works out what those changes move and writes the case row once. The arithmetic itself is
pure, in `sla.py`, and so are `nearest`, `for_queue` and `for_customer` below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery

from accounts.models import Account

from . import sla
from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    DeadlineKind,
    Incident,
    IncidentStatus,
    IntervalProposal,
    Severity,
    SlaPolicy,
    Status,
)

# --- the nearest deadline, pure ----------------------------------------------------

# When two deadlines fall at the same moment, the one named first is shown.
PRECEDENCE = (
    DeadlineKind.CALLBACK,
    DeadlineKind.FIRST_RESPONSE,
    DeadlineKind.RESPONSE,
    DeadlineKind.NEXT_UPDATE,
)


@dataclass(frozen=True)
class Deadline:
    due: datetime
    kind: str  # a DeadlineKind


def nearest(
    *,
    is_open: bool,
    awaiting_first_response: bool,
    callback_due_at: datetime | None,
    first_response_due_at: datetime | None,
    next_update_due_at: datetime | None,
    response_due_at: datetime | None = None,
) -> Deadline | None:
    """The nearest deadline agents work to on an open case: a hotline callback not yet
    made, the first response while the customer waits for it, our response to what the
    customer did since, or the next update agreed with them (set only while that clock
    runs); else none."""
    if not is_open:
        return None
    candidates = {
        DeadlineKind.CALLBACK: callback_due_at,
        DeadlineKind.FIRST_RESPONSE: first_response_due_at if awaiting_first_response else None,
        DeadlineKind.RESPONSE: response_due_at,
        DeadlineKind.NEXT_UPDATE: next_update_due_at,
    }
    present = [
        (due, PRECEDENCE.index(kind), kind) for kind, due in candidates.items() if due is not None
    ]
    if not present:
        return None
    due, _order, kind = min(present)
    return Deadline(due, kind)


def next_deadline(case: Case) -> Deadline | None:
    """`nearest` from the case's deadline columns and state (what `save` stores)."""
    return nearest(
        is_open=case.is_open,
        awaiting_first_response=case.awaiting_first_response,
        callback_due_at=case.callback_due_at,
        first_response_due_at=case.first_response_due_at,
        next_update_due_at=case.next_update_due_at,
        response_due_at=case.response_due_at,
    )


# --- what the queue and the customer are shown, pure -------------------------------

DUE_SOON = timedelta(hours=1)

OVERDUE, SOON, LATER, PAUSED, NONE = "overdue", "soon", "later", "paused", "none"


@dataclass(frozen=True)
class QueueDeadline:
    """The agents' queue cell: the stored next deadline, what it waits for (`kind`, a
    DeadlineKind; `label`, its name), and how near it is (`state`: overdue, soon, later;
    or paused while a first response waits on the customer; or none)."""

    due: datetime | None
    kind: str
    label: str
    state: str


def for_queue(case: Case, now: datetime, soon: timedelta = DUE_SOON) -> QueueDeadline:
    """From the stored `next_due_at` and `next_due_kind` alone: nothing is worked out
    again per row."""
    due = case.next_due_at
    if due is None:
        paused = case.is_open and case.first_response_at is None and case.waiting_since
        return QueueDeadline(None, "", "", PAUSED if paused else NONE)
    kind = case.next_due_kind
    label = DeadlineKind(kind).label if kind else ""
    if due < now:
        state = OVERDUE
    elif due <= now + soon:
        state = SOON
    else:
        state = LATER
    return QueueDeadline(due, kind, label, state)


# What the customer's case waits for, as the case list and the case page say it.
CLOSED = "closed"  # not open: the status says it
CUSTOMER_INFORMATION = "customer_information"  # the customer's information
CUSTOMER_ANSWER = "customer_answer"  # their answer to a proposed resolution
AGENT_WORK = "agent_work"  # an agent works on it, no update promised
NEXT_UPDATE = DeadlineKind.NEXT_UPDATE.value  # our next agreed update, by `due`
RESPONSE = DeadlineKind.RESPONSE.value  # our response to what they sent, by `due`
FIRST_RESPONSE = DeadlineKind.FIRST_RESPONSE.value  # our first response, by `due`
CALLBACK = DeadlineKind.CALLBACK.value  # our callback after their hotline call, by `due`


@dataclass(frozen=True)
class CustomerDeadline:
    """What the case waits for (`waits_for`, one of the names above), by when we promised
    it (`due`, for our callback, first response, response or next update) and whether
    that has passed (`late`: the promise is missed, and the page says so)."""

    waits_for: str
    due: datetime | None = None
    late: bool = False


def for_customer(case: Case, now: datetime, *, with_callback: bool = True) -> CustomerDeadline:
    """The customer's side of the deadlines: what they wait for from us, or what we wait
    for from them. A callback still to make after their hotline call comes first: on a
    critical case nothing is more pressing (the case page, which shows the calls, asks
    without it)."""
    if not case.is_open:
        return CustomerDeadline(CLOSED)
    if with_callback and case.callback_due_at:
        due = case.callback_due_at
        return CustomerDeadline(CALLBACK, due, due < now)
    if case.waiting_since:
        return CustomerDeadline(CUSTOMER_INFORMATION)
    if case.status == Status.RESOLUTION_PROPOSED:
        return CustomerDeadline(CUSTOMER_ANSWER)
    if case.first_response_at and case.response_due_at:
        due = case.response_due_at
        return CustomerDeadline(RESPONSE, due, due < now)
    if case.first_response_at:
        due = case.next_update_due_at
        if due is None:
            return CustomerDeadline(AGENT_WORK)
        return CustomerDeadline(NEXT_UPDATE, due, due < now)
    due = case.first_response_due_at
    return CustomerDeadline(FIRST_RESPONSE, due, due is not None and due < now)


# What became of the customer's Severity 1 hotline call, as the case page says it.
CALLBACK_DUE, CALLBACK_TRYING, CALLBACK_MISSED, CALLBACK_MADE = "due", "trying", "missed", "made"


@dataclass(frozen=True)
class CallbackPromise:
    """The call the page speaks of and our callback's state: `due` by the call's
    `callback_due_at`; `trying` after an attempt that did not reach the customer, the
    next attempt due; `missed` when the moment we promised (`due`) passed before we
    reached them; or `made`, the customer reached."""

    state: str
    call: object  # a HotlineCall
    due: datetime | None = None


def callback_promise(calls: Iterable, now: datetime) -> CallbackPromise | None:
    """The earliest call whose customer we have not reached yet, else the call whose
    customer we reached last; None when no call is on record."""
    calls = list(calls)
    waiting = [c for c in calls if c.reached_at is None]
    if waiting:
        call = min(waiting, key=lambda c: c.received_at)
        due = call.next_attempt_due_at or call.callback_due_at
        if due < now:
            state = CALLBACK_MISSED
        else:
            state = CALLBACK_TRYING if call.next_attempt_due_at else CALLBACK_DUE
        return CallbackPromise(state, call, due)
    if calls:
        return CallbackPromise(CALLBACK_MADE, max(calls, key=lambda c: c.reached_at))
    return None


# --- reading what the deadlines depend on ------------------------------------------


def policy_for(severity: str) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(severity=severity).first()


def policy_target(severity: str) -> sla.Target:
    return _target(policy_for(severity), severity)


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


def first_response_due(case: Case):
    """The first-response deadline from the policy, the account's calendar and the
    recorded waiting-on-customer pauses."""
    target = policy_target(case.severity)
    schedule = account_schedule(case.account)
    transitions = CaseEvent.objects.filter(case=case).exclude(to_status="")
    pauses = sla.pauses_from_transitions(
        (e.at, e.from_status, e.to_status)
        for e in transitions.only("at", "from_status", "to_status")
    )
    return sla.due_at(target, schedule, first_response_start(case), pauses)


def callback_due(case: Case):
    """The earliest callback due of the case's hotline calls not yet called back (the
    calls themselves hold the truth)."""
    return case.hotline_calls.filter(called_back_at__isnull=True).aggregate(
        due=Min("callback_due_at")
    )["due"]


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
    overdue = overdue_update_kept(case, resumed_at)
    if overdue is not None:
        return overdue
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


def overdue_update_kept(case: Case, resumed_at) -> datetime | None:
    """An update already overdue when the interval last agreed took effect stays due
    until it is given (or the clock restarts after a wait on the customer): a new
    interval never erases a late update, and applies from the next update on."""
    agreed_at = case.update_interval_agreed_at
    if agreed_at is None:
        return None
    for since in (case.last_public_update_at, resumed_at):
        if since is not None and since >= agreed_at:
            return None
    return (
        IntervalProposal.objects.filter(
            case_id=case.pk, outcome=IntervalProposal.Outcome.ACCEPTED, decided_at=agreed_at
        )
        .order_by("-id")
        .values_list("overdue_update_due_at", flat=True)
        .first()
    )


def response_due(case: Case):
    """Our response to the customer's action since our last public update: the SLA
    policy's first-response target from that action (office hours for non-critical, wall
    clock for critical); none while the case waits on them or is no longer open."""
    if case.customer_action_at is None or case.status not in OPEN_STATUSES:
        return None
    if case.waiting_since is not None or case.status in WAITING_FOR_THE_CUSTOMER:
        return None
    target = policy_target(case.severity)
    schedule = account_schedule(case.account) if target.office_hours_only else None
    return sla.due_at(target, schedule, case.customer_action_at)


# --- the one writer ------------------------------------------------------------------

# The case columns each stored deadline is worked out from (besides the audit log, the
# policy and the calendar). A change of one of them moves that deadline.
NEXT_UPDATE_INPUTS = frozenset(
    {
        "status",
        "waiting_since",
        "workaround_at",
        "last_public_update_at",
        "agreed_update_interval",
        "update_interval_office_hours",
        "update_interval_agreed_at",
    }
)
RESPONSE_INPUTS = frozenset({"customer_action_at", "severity", "status", "waiting_since"})
NEXT_DUE_INPUTS = frozenset(
    {
        "response_due_at",
        "status",
        "first_response_at",
        "waiting_since",
        "first_response_due_at",
        "callback_due_at",
        "next_update_due_at",
    }
)


def save(case: Case, fields: Iterable[str] = (), *, recompute: Iterable[str] = ()) -> None:
    """Save the case's changed `fields` with every deadline they move, in one UPDATE of
    the case row (none when nothing changed). `recompute` names deadlines whose inputs
    changed outside the row: DeadlineKind.CALLBACK after a hotline call or callback,
    FIRST_RESPONSE after the policy or the calendar changed. Call it once per change,
    inside its transaction, with the case locked and its audit events already written
    (the first-response pauses and the update clock's restarts are read from them)."""
    changed = set(fields)
    recompute = set(recompute)
    # Leaving a wait on the customer ends a pause; a new severity means a new policy.
    resumed = "waiting_since" in changed and case.waiting_since is None
    if "severity" in changed or resumed:
        recompute.add(DeadlineKind.FIRST_RESPONSE)
    if changed & NEXT_UPDATE_INPUTS:
        recompute.add(DeadlineKind.NEXT_UPDATE)
    if changed & RESPONSE_INPUTS:
        recompute.add(DeadlineKind.RESPONSE)
    if DeadlineKind.FIRST_RESPONSE in recompute:
        _set(case, "first_response_due_at", first_response_due(case), changed)
    if DeadlineKind.CALLBACK in recompute:
        _set(case, "callback_due_at", callback_due(case), changed)
    if DeadlineKind.NEXT_UPDATE in recompute:
        _set(case, "next_update_due_at", next_update_due(case), changed)
    if DeadlineKind.RESPONSE in recompute:
        _set(case, "response_due_at", response_due(case), changed)
    if changed & NEXT_DUE_INPUTS:
        changed |= set_next_deadline(case)
    if changed:
        case.save(update_fields=sorted(changed))
    if case.incident_id and changed & INCIDENT_INPUTS:
        # After the commit, in a statement of its own: the incident services lock the
        # incident before its cases, so a case's change must not wait on the incident
        # while holding the case. The sweep stores it again before it looks.
        transaction.on_commit(partial(incident_next_update_save, case.incident_id))


# What moves the next update of the incident a case is linked to.
INCIDENT_INPUTS = frozenset({"next_update_due_at", "status", "incident"})


def incident_next_update_save(incident_id: int | None = None) -> None:
    """Store an active incident's next update due (every active incident's without
    `incident_id`): the earliest next update of its linked open cases, so the shortest
    agreed interval among them decides it (none when no linked case's update clock
    runs). One UPDATE, whatever moved it: a link, an update, a case resolved or waiting
    on its customer."""
    earliest = (
        Case.objects.filter(incident=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("incident")
        .annotate(due=Min("next_update_due_at"))
        .values("due")
    )
    incidents = Incident.objects.filter(status=IncidentStatus.ACTIVE)
    if incident_id is not None:
        incidents = incidents.filter(pk=incident_id)
    incidents.update(next_update_due_at=Subquery(earliest))


def set_next_deadline(case: Case) -> set[str]:
    """Set `next_due_at` and `next_due_kind` from the case's other deadline columns, in
    memory; returns the fields that changed. For rows written in bulk (benchmark data),
    which `save` does not see."""
    deadline = next_deadline(case)
    changed: set[str] = set()
    _set(case, "next_due_at", deadline.due if deadline else None, changed)
    _set(case, "next_due_kind", deadline.kind if deadline else "", changed)
    return changed


def _set(case: Case, field: str, value, changed: set[str]) -> None:
    if getattr(case, field) != value:
        setattr(case, field, value)
        changed.add(field)


def at_filing(severity: str, account: Account, opened_at) -> dict:
    """The deadline columns of a case filed at `opened_at`, for its INSERT: what `save`
    stores on a case with no history yet (no pauses, no reclassification, no update, no
    call), from one read of the policy and, when office hours count, one of the
    calendar."""
    policy = policy_for(severity)
    target = _target(policy, severity)
    interval = policy.update_interval_minutes if policy else None
    office = severity != Severity.CRITICAL
    needs_calendar = target.office_hours_only or (interval and office)
    schedule = account_schedule(account) if needs_calendar else None
    first_response = sla.due_at(target, schedule, opened_at)
    next_update = None
    if interval:
        next_update = sla.due_at(sla.Target(interval, office), schedule, opened_at)
    deadline = nearest(
        is_open=True,
        awaiting_first_response=True,
        callback_due_at=None,
        first_response_due_at=first_response,
        next_update_due_at=next_update,
    )
    return {
        "first_response_due_at": first_response,
        "agreed_update_interval": interval,
        "update_interval_office_hours": office,
        "next_update_due_at": next_update,
        "next_due_at": deadline.due,
        "next_due_kind": deadline.kind,
    }


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
            save(case, recompute=[DeadlineKind.FIRST_RESPONSE])
            moved += case.first_response_due_at != before
    return moved


def recompute_for_calendar(calendar_id: int) -> int:
    return recompute_open_deadlines(calendar_id=calendar_id)
