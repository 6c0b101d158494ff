"""Resolution by mutual agreement: an agent proposes, the customer accepts or rejects
in the portal, or staff record an agreement given by phone, by mail or in person."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines
from ..models import Case, ResolutionAgreement, Status
from .alerts import alert_case_owner
from .base import CaseError, Kind, await_our_response, lock_case, resolve_now, vars_of
from .lifecycle import move, refuse_move
from .messages import assign_if_unassigned, mark_first_response, mark_public_update


@transaction.atomic
def case_propose_resolution(
    *, case: Case, actor, summary: str, now: datetime | None = None
) -> ResolutionAgreement:
    """Propose a resolution; the case is resolved only when the customer agrees."""
    now = resolve_now(now)
    case = lock_case(case)
    refuse_move(case, Status.RESOLUTION_PROPOSED)
    agreement = ResolutionAgreement.objects.create(
        case=case, summary=summary, proposed_by=actor, proposed_at=now
    )
    changed = {"resolution_proposed_at"}
    mark_first_response(case, actor, now, changed)
    # The proposal is an update too; the update clock then waits for the answer.
    mark_public_update(case, actor, now, changed)
    assign_if_unassigned(case, actor, now, changed)
    case.resolution_proposed_at = now
    move(
        case,
        Status.RESOLUTION_PROPOSED,
        actor=actor,
        now=now,
        changed=changed,
        kind=Kind.RESOLUTION_PROPOSED,
        detail=summary,
        agreement=agreement.pk,
    )
    deadlines.save(case, changed)
    return agreement


def _pending_agreement(case: Case, answering: int | None = None) -> ResolutionAgreement:
    """The proposal awaiting the customer's answer; with `answering` (the proposal the
    customer read), only that one: an answer never lands on a proposal made since."""
    agreement = (
        ResolutionAgreement.objects.select_for_update()
        .filter(case=case, outcome=ResolutionAgreement.Outcome.PENDING)
        .first()
    )
    if agreement is None or case.status != Status.RESOLUTION_PROPOSED:
        raise CaseError(
            _("Case %(reference)s has no proposed resolution to answer.") % vars_of(case)
        )
    if answering is not None and agreement.pk != answering:
        raise CaseError(
            _(
                "The proposed resolution of case %(reference)s changed while you read it: "
                "read the new proposal below before you answer."
            )
            % vars_of(case)
        )
    return agreement


def _settle(
    case: Case,
    agreement: ResolutionAgreement,
    *,
    to: str,
    actor,
    now,
    kind,
    detail="",
    awaits_response=False,
    **event,
) -> ResolutionAgreement:
    """Save the answer set on the proposal and move the case with its event: the one way
    every answer (accepted, rejected, recorded by staff) lands. A rejection
    (`awaits_response`) waits for our response."""
    agreement.save()
    changed: set[str] = set()
    if awaits_response:
        await_our_response(case, now, changed)
    move(
        case,
        to,
        actor=actor,
        now=now,
        changed=changed,
        kind=kind,
        detail=detail,
        agreement=agreement.pk,
        **event,
    )
    deadlines.save(case, changed)
    return agreement


@transaction.atomic
def case_accept_resolution(
    *,
    case: Case,
    customer,
    method: str = ResolutionAgreement.Method.PORTAL,
    answering: int | None = None,
    now=None,
) -> ResolutionAgreement:
    """The customer agrees: the case is resolved by mutual agreement. `answering` is the
    proposal the customer saw, when known (the portal sends it)."""
    now = resolve_now(now)
    case = lock_case(case)
    agreement = _pending_agreement(case, answering)
    agreement.outcome = ResolutionAgreement.Outcome.ACCEPTED
    agreement.decided_at = now
    agreement.method = method
    agreement.customer = customer
    agreement.customer_name = customer.full_name or customer.email
    return _settle(
        case,
        agreement,
        to=Status.RESOLVED,
        actor=customer,
        now=now,
        kind=Kind.RESOLUTION_ACCEPTED,
        method=method,
    )


@transaction.atomic
def case_reject_resolution(
    *,
    case: Case,
    customer,
    reason: str,
    answering: int | None = None,
    now: datetime | None = None,
) -> ResolutionAgreement:
    """The customer does not agree, with a reason: the case goes back to work."""
    now = resolve_now(now)
    if not reason.strip():
        raise CaseError(_("Tell us why the proposed resolution does not solve the problem."))
    case = lock_case(case)
    agreement = _pending_agreement(case, answering)
    agreement.outcome = ResolutionAgreement.Outcome.REJECTED
    agreement.decided_at = now
    agreement.method = ResolutionAgreement.Method.PORTAL
    agreement.customer = customer
    agreement.customer_name = customer.full_name or customer.email
    agreement.reason = reason
    _settle(
        case,
        agreement,
        to=Status.IN_PROGRESS,
        actor=customer,
        now=now,
        kind=Kind.RESOLUTION_REJECTED,
        detail=reason,
        awaits_response=True,
    )
    alert_case_owner(case, now=now, what=lambda: _("the customer rejected the proposed resolution"))
    return agreement


@transaction.atomic
def case_record_agreement(
    *,
    case: Case,
    actor,
    customer_name: str,
    agreed_at: datetime,
    method: str,
    now: datetime | None = None,
) -> ResolutionAgreement:
    """Staff record the customer's agreement given by phone (or mail, or in person):
    who agreed, when and how."""
    now = resolve_now(now)
    if not customer_name.strip():
        raise CaseError(_("Give the name of the customer who agreed."))
    if method not in ResolutionAgreement.Method.values or method == "portal":
        raise CaseError(_("Choose how the customer agreed: by phone, by email or in person."))
    if agreed_at > now:
        raise CaseError(_("The agreement cannot be in the future."))
    case = lock_case(case)
    agreement = _pending_agreement(case)
    # To the minute: the form gives minutes, and a call right after the proposal counts.
    if agreed_at < agreement.proposed_at.replace(second=0, microsecond=0):
        raise CaseError(
            _("The customer cannot have agreed before the resolution was proposed (%(when)s).")
            % {"when": timezone.localtime(agreement.proposed_at).strftime("%Y-%m-%d %H:%M")}
        )
    agreement.outcome = ResolutionAgreement.Outcome.ACCEPTED
    agreement.decided_at = agreed_at
    agreement.method = method
    agreement.customer_name = customer_name.strip()
    agreement.recorded_by = actor
    return _settle(
        case,
        agreement,
        to=Status.RESOLVED,
        actor=actor,
        now=now,
        kind=Kind.RESOLUTION_ACCEPTED,
        method=method,
        customer_name=agreement.customer_name,
        agreed_at=agreed_at.isoformat(),
    )
