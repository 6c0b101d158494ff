"""The Severity 1 hotline: the representative records a call (filing a critical case
from it when there is none to link), the on-call agents are alerted, and agents log
their callback attempts; the first one decides the callback SLA."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.alerts import Alert
from accounts.models import Account
from accounts.selectors import on_call_staff
from accounts.services import alert_staff

from .. import deadlines
from ..models import (
    OPEN_STATUSES,
    CallbackAttempt,
    CallbackCounts,
    Case,
    Category,
    Channel,
    DeadlineKind,
    HotlineCall,
    Severity,
)
from .alerts import case_admin_url
from .base import CaseError, Kind, lock_case, record_event, record_fulfilment, resolve_now
from .intake import case_open

DEFAULT_CALLBACK_MINUTES = 15

# --- the hotline ---------------------------------------------------------------


def accounts_matching(query: str, limit: int = 10):
    """Accounts whose name, or a contact's email or phone, matches what the caller said."""
    query = query.strip()
    if len(query) < 2:
        return Account.objects.none()
    return (
        Account.objects.filter(
            Q(name__icontains=query)
            | Q(contacts__user__email__iexact=query)
            | Q(contacts__user__phone__icontains=query)
        )
        .distinct()
        .order_by("name")[:limit]
    )


def open_case_of(case_id: int, accounts) -> Case | None:
    """The open case with this id if it belongs to one of `accounts`, else None."""
    return Case.objects.filter(pk=case_id, account__in=accounts, status__in=OPEN_STATUSES).first()


def open_critical_cases(account: Account):
    return Case.objects.filter(
        account=account, severity=Severity.CRITICAL, status__in=OPEN_STATUSES
    ).order_by("-opened_at")


def _requester_for(account: Account, email: str):
    contacts = account.contacts.select_related("user").order_by("id")
    match = contacts.filter(user__email__iexact=email).first() or contacts.first()
    if match is None:
        raise CaseError(
            _("%(account)s has no contacts yet: add the caller as a contact first.")
            % {"account": account}
        )
    return match.user


@transaction.atomic
def hotline_record_call(
    *,
    recorded_by,
    company_name: str,
    contact_person: str,
    phone: str,
    email: str,
    description: str,
    account: Account | None = None,
    case: Case | None = None,
    now: datetime | None = None,
) -> HotlineCall:
    """Record a Severity 1 hotline call: the callback is due 15 minutes later (policy),
    wall clock, and the on-call agents are alerted at once. With an account but no case
    to link, a critical case is filed from the call."""
    now = resolve_now(now)
    fields = {
        _("company name"): company_name,
        _("contact person"): contact_person,
        _("phone number"): phone,
        _("email address"): email,
        _("description"): description,
    }
    for label, value in fields.items():
        if not (value or "").strip():
            raise CaseError(_("Fill in the %(field)s.") % {"field": label})
    created = False
    if case is not None:
        case = lock_case(case)
        if not case.is_open:
            raise CaseError(
                _("Case %(reference)s is not open: link the call to an open case or file one.")
                % {"reference": case.reference}
            )
        if account is not None and case.account_id != account.pk:
            raise CaseError(
                _("Case %(reference)s belongs to another account.") % {"reference": case.reference}
            )
        account = case.account
    elif account is not None:
        case = case_open(
            account=account,
            requester=_requester_for(account, email),
            subject=(_("Hotline: %(text)s") % {"text": description.strip()})[:200],
            description=description,
            category=Category.SOFTWARE_BUG,
            channel=Channel.HOTLINE,
            # The caller reports ongoing unavailability: the representative files it as
            # critical; agents reclassify if the facts say otherwise.
            severity=Severity.CRITICAL,
            now=now,
        )
        case = lock_case(case)
        created = True
    policy = deadlines.policy_for(Severity.CRITICAL)
    minutes = policy.callback_minutes if policy else DEFAULT_CALLBACK_MINUTES
    call = HotlineCall.objects.create(
        company_name=company_name.strip(),
        contact_person=contact_person.strip(),
        phone=phone.strip(),
        email=email.strip(),
        description=description,
        account=account,
        case=case,
        case_created_at_intake=created,
        recorded_by=recorded_by,
        received_at=now,
        callback_due_at=now + timedelta(minutes=minutes),
        callback_counts=policy.callback_counts if policy else CallbackCounts.FIRST_ATTEMPT,
    )
    if case is not None:
        deadlines.save(case, recompute=[DeadlineKind.CALLBACK])
        record_event(
            case,
            Kind.HOTLINE_CALL,
            actor=recorded_by,
            now=now,
            # The moment, shown in each reader's zone (CaseEvent.shown_detail).
            data={
                "call": call.pk,
                "created_at_intake": created,
                "callback_due_at": call.callback_due_at.isoformat(),
            },
        )
    alert_staff(partial(_call_alert, call, case), on_call_staff(at=now))
    return call


def _call_alert(call: HotlineCall, case: Case | None) -> Alert:
    """The on-call agents' alert of a call, in the reader's language and time zone."""
    return Alert(
        kind="hotline_call",
        subject=_("Severity 1 hotline: call back %(company)s by %(due)s")
        % {
            "company": call.company_name,
            "due": timezone.localtime(call.callback_due_at).strftime("%H:%M %Z"),
        },
        body="\n".join(
            [
                f"{_('company name')}: {call.company_name}",
                f"{_('contact person')}: {call.contact_person}",
                f"{_('phone number')}: {call.phone}",
                f"{_('email address')}: {call.email}",
                f"{_('support case')}: {case.reference if case else '—'}",
                "",
                call.description,
            ]
        ),
        url=case_admin_url(case.pk if case else None),
        data={
            "call": call.pk,
            "case": case.pk if case else None,
            "callback_due_at": call.callback_due_at.isoformat(),
        },
    )


@transaction.atomic
def callback_log_attempt(
    *,
    call: HotlineCall,
    agent,
    outcome: str,
    notes: str = "",
    at: datetime | None = None,
    now: datetime | None = None,
) -> CallbackAttempt:
    """An agent called the customer back. The attempt the call's rule counts (the first,
    or the first that reached the customer) fulfils the callback deadline; one that did
    not reach the customer schedules the next attempt a policy interval later, until
    one does."""
    now = resolve_now(now)
    at = at or now
    if outcome not in CallbackAttempt.Outcome.values:
        raise CaseError(_("Choose the outcome: reached, voicemail or no answer."))
    if at > now + timedelta(minutes=1):
        raise CaseError(_("The callback time cannot be in the future."))
    call = HotlineCall.objects.select_for_update().get(pk=call.pk)
    if at < call.received_at:
        raise CaseError(_("The callback cannot be before the call was received."))
    attempt = CallbackAttempt.objects.create(
        call=call, at=at, outcome=outcome, notes=notes, agent=agent
    )
    reached = attempt.reached
    changed = []
    counted = call.called_back_at is None and (
        reached or call.callback_counts == CallbackCounts.FIRST_ATTEMPT
    )
    if counted:
        call.called_back_at = at
        changed.append("called_back_at")
    if call.reached_at is None:
        if reached:
            call.reached_at, call.next_attempt_due_at = at, None
        else:
            call.next_attempt_due_at = max(
                at + timedelta(minutes=callback_retry_minutes()),
                call.next_attempt_due_at or at,
            )
        changed += ["reached_at", "next_attempt_due_at"]
    if changed:
        call.save(update_fields=changed)
    if call.case_id:
        case = lock_case(call.case_id)
        data = {"call": call.pk, "attempt": attempt.pk, "outcome": outcome, "at": at.isoformat()}
        if call.reached_at is None:
            # The moment promised, shown in each reader's zone (CaseEvent.shown_detail).
            data["next_attempt_due_at"] = call.next_attempt_due_at.isoformat()
        record_event(
            case,
            Kind.CALLBACK_ATTEMPT,
            actor=agent,
            now=at,
            detail=CallbackAttempt.Outcome(outcome).label,
            data=data,
        )
        if counted:
            deadlines.save(case, recompute=[DeadlineKind.CALLBACK])
            record_fulfilment(
                case,
                DeadlineKind.CALLBACK,
                start=call.received_at,
                due=call.callback_due_at,
                at=at,
                actor=agent,
                subject_id=call.pk,
                # The SLA report measures each call by the rule it was recorded under.
                extra={"counts": call.callback_counts},
            )
    return attempt


def callback_retry_minutes() -> int:
    """How long after an attempt that did not reach the customer the next is due."""
    policy = deadlines.policy_for(Severity.CRITICAL)
    return policy.callback_retry_minutes if policy else DEFAULT_CALLBACK_MINUTES
