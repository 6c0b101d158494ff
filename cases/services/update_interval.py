"""The update interval agreed with the customer: the default from the SLA policy, and
every interval customer and vendor agree since. A new interval is proposed by one side
and takes effect when the other side accepts it; proposal and answer are on record."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from .. import deadlines
from ..models import Case, IntervalProposal, Severity
from .alerts import alert_case_owner
from .base import (
    CaseError,
    Kind,
    await_our_response,
    lock_case,
    queue_mail,
    record_event,
    resolve_now,
    vars_of,
)

MIN_INTERVAL, MAX_INTERVAL = 5, 7 * 24 * 60

Side = IntervalProposal.Side
Outcome = IntervalProposal.Outcome


def default_update_interval(case: Case, changed: set[str]) -> None:
    """The SLA policy's interval for the case's severity, agreed by no one yet (the
    fields join `changed`, which the caller saves with `deadlines.save`)."""
    policy = deadlines.policy_for(case.severity)
    minutes = policy.update_interval_minutes if policy else None
    case.agreed_update_interval = minutes
    case.update_interval_office_hours = not case.is_critical
    case.update_interval_agreed_by = ""
    case.update_interval_agreed_at = None
    changed.update(
        (
            "agreed_update_interval",
            "update_interval_office_hours",
            "update_interval_agreed_by",
            "update_interval_agreed_at",
        )
    )


def _side(user) -> str:
    return Side.STAFF if user.is_staff else Side.CUSTOMER


def _refuse_unless_open(case: Case) -> None:
    if not case.is_open:
        raise CaseError(_("Case %(reference)s is no longer open.") % vars_of(case))


@transaction.atomic
def case_propose_update_interval(
    *, case: Case, minutes: int, actor, now: datetime | None = None
) -> IntervalProposal:
    """One side proposes a new update interval; it takes effect when the other side
    accepts it. A proposal still pending is replaced (and stays on record). The other
    side is told: the customer by the case mail, the case's agent (or on-call) by an
    alert, with a response deadline on the case."""
    now = resolve_now(now)
    if not MIN_INTERVAL <= int(minutes) <= MAX_INTERVAL:
        raise CaseError(
            _("The update interval must be between %(min)s minutes and %(max)s days.")
            % {"min": MIN_INTERVAL, "max": MAX_INTERVAL // (24 * 60)}
        )
    case = lock_case(case)
    _refuse_unless_open(case)
    side = _side(actor)
    if side == Side.CUSTOMER and case.severity != Severity.CRITICAL:
        # The agreed update interval is a term of critical cases only.
        raise CaseError(_("An update interval can only be agreed for a critical case."))
    replaced = (
        IntervalProposal.objects.select_for_update()
        .filter(case=case, outcome=Outcome.PENDING)
        .first()
    )
    if replaced is not None:
        replaced.outcome = Outcome.REPLACED
        replaced.decided_by = actor
        replaced.decided_at = now
        replaced.save(update_fields=["outcome", "decided_by", "decided_at"])
    proposal = IntervalProposal.objects.create(
        case=case, minutes=int(minutes), side=side, proposed_by=actor, proposed_at=now
    )
    event = record_event(
        case,
        Kind.INTERVAL_PROPOSED,
        actor=actor,
        now=now,
        data={
            "proposal": proposal.pk,
            "minutes": proposal.minutes,
            "from": case.agreed_update_interval,
            "side": side,
            "replaces": replaced.pk if replaced else None,
        },
    )
    _tell_the_other_side(
        case,
        event,
        now=now,
        what=lambda: (
            _("the customer proposes a new update interval: every %(minutes)s minutes")
            % {"minutes": proposal.minutes}
        ),
    )
    return proposal


def _tell_the_other_side(case: Case, event, *, now, what) -> None:
    """Staff's proposal or answer is mailed to the customer; the customer's waits for
    our response, and the case's agent (or on-call) is told (`what`)."""
    if event.actor.is_staff:
        queue_mail(event)
        return
    changed: set[str] = set()
    await_our_response(case, now, changed)
    deadlines.save(case, changed)
    alert_case_owner(case, now=now, what=what)


def _pending_proposal(case: Case, actor, answering: int | None) -> IntervalProposal:
    """The proposal awaiting an answer from the actor's side; with `answering` (the
    proposal the actor read), only that one: an answer never lands on a proposal made
    since."""
    proposal = (
        IntervalProposal.objects.select_for_update()
        .filter(case=case, outcome=Outcome.PENDING)
        .first()
    )
    if proposal is None:
        raise CaseError(
            _("Case %(reference)s has no proposed update interval to answer.") % vars_of(case)
        )
    if answering is not None and proposal.pk != answering:
        raise CaseError(
            _(
                "The proposed update interval of case %(reference)s changed while you read "
                "it: read the new proposal before you answer."
            )
            % vars_of(case)
        )
    if proposal.answering_side != _side(actor):
        raise CaseError(
            _("The other side answers this proposal: a proposal is agreed by both sides.")
        )
    return proposal


def _answer(case: Case, actor, answering: int | None, outcome: str, now):
    """The locked case and its pending proposal, answered by `actor` (not saved yet)."""
    case = lock_case(case)
    _refuse_unless_open(case)
    proposal = _pending_proposal(case, actor, answering)
    proposal.outcome = outcome
    proposal.decided_by = actor
    proposal.decided_at = now
    return case, proposal


@transaction.atomic
def case_accept_update_interval(
    *, case: Case, actor, answering: int | None = None, now: datetime | None = None
) -> IntervalProposal:
    """The other side accepts the proposed interval: it is agreed from now on. An update
    already overdue stays due (and late) until it is given; the new interval applies
    from the next update on."""
    now = resolve_now(now)
    case, proposal = _answer(case, actor, answering, Outcome.ACCEPTED, now)
    due = case.next_update_due_at
    proposal.overdue_update_due_at = due if due is not None and due <= now else None
    proposal.save()
    customer = proposal.proposed_by if proposal.side == Side.CUSTOMER else actor
    before = case.agreed_update_interval
    case.agreed_update_interval = proposal.minutes
    case.update_interval_agreed_by = (customer.full_name or customer.email)[:150]
    case.update_interval_agreed_at = now
    event = record_event(
        case,
        Kind.INTERVAL_AGREED,
        actor=actor,
        now=now,
        data={
            "proposal": proposal.pk,
            "from": before,
            "to": proposal.minutes,
            "agreed_by": case.update_interval_agreed_by,
            "side": _side(actor),
            "overdue_update_due": due.isoformat() if proposal.overdue_update_due_at else None,
        },
    )
    deadlines.save(
        case, {"agreed_update_interval", "update_interval_agreed_by", "update_interval_agreed_at"}
    )
    if actor.is_staff:
        queue_mail(event)
    return proposal


@transaction.atomic
def case_decline_update_interval(
    *, case: Case, actor, answering: int | None = None, now: datetime | None = None
) -> IntervalProposal:
    """The other side declines the proposed interval: the agreed one stays."""
    now = resolve_now(now)
    case, proposal = _answer(case, actor, answering, Outcome.DECLINED, now)
    proposal.save()
    event = record_event(
        case,
        Kind.INTERVAL_DECLINED,
        actor=actor,
        now=now,
        data={"proposal": proposal.pk, "minutes": proposal.minutes, "side": _side(actor)},
    )
    _tell_the_other_side(
        case,
        event,
        now=now,
        what=lambda: (
            _("the customer declined the proposed update interval of every %(minutes)s minutes")
            % {"minutes": proposal.minutes}
        ),
    )
    return proposal
