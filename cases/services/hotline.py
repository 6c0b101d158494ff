"""The Severity 1 hotline: the representative records a call (filing a critical case
from it when there is none to link), the on-call agents are alerted, and agents log
their callback attempts; the first one decides the callback SLA."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.alerts import Alert
from accounts.models import Account, Contact
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
    Incident,
    IncidentEvent,
    Severity,
)
from .alerts import case_admin_url
from .base import (
    CaseError,
    Kind,
    lock_case,
    queue_mail,
    record_event,
    record_fulfilment,
    resolve_now,
)
from .incident_links import incident_event, link_case, lock_incident, refuse_unless_active
from .intake import case_open
from .lifecycle import case_reclassify

DEFAULT_CALLBACK_MINUTES = 15
SUBJECT_LENGTH = 120

# --- the hotline ---------------------------------------------------------------


# Recent enough to be the call's case: an outage mailed in first is usually hours old.
CANDIDATE_DAYS = 7
# The digits that identify a number wherever it is dialled from: "+31 6 1234 5678" and
# "06-12345678" share their last nine.
PHONE_TAIL = 9
MIN_PHONE_DIGITS = 6


def _digits(expression):
    for char in " -().+/":
        expression = Replace(expression, Value(char), Value(""))
    return expression


def accounts_matching(*, company_name: str = "", email: str = "", phone: str = "", limit=10):
    """Accounts matching whatever the caller said: part of the company name, a contact's
    email address, or a contact's phone number however it is written."""
    found = Q()
    company_name, email = company_name.strip(), email.strip()
    if len(company_name) >= 2:
        found |= Q(name__icontains=company_name)
    if "@" in email:
        found |= Q(pk__in=Contact.objects.filter(user__email__iexact=email).values("account"))
    digits = "".join(c for c in phone if c.isascii() and c.isdigit())
    if len(digits) >= MIN_PHONE_DIGITS:
        contacts = Contact.objects.alias(phone_digits=_digits(F("user__phone")))
        found |= Q(
            pk__in=contacts.filter(phone_digits__endswith=digits[-PHONE_TAIL:]).values("account")
        )
    if not found:
        return Account.objects.none()
    return Account.objects.filter(found).order_by("name")[:limit]


def open_case_of(case_id: int, accounts) -> Case | None:
    """The open case with this id if it belongs to one of `accounts`, else None."""
    return Case.objects.filter(pk=case_id, account__in=accounts, status__in=OPEN_STATUSES).first()


def intake_candidates(accounts, *, now: datetime) -> list[Case]:
    """The cases a call may be about, in one query: the accounts' open cases filed in the
    last days, of any severity (an outage mailed in first may be filed as non-critical),
    and any open critical case however old; newest first."""
    since = now - timedelta(days=CANDIDATE_DAYS)
    return list(
        Case.objects.filter(account__in=accounts, status__in=OPEN_STATUSES)
        .filter(Q(opened_at__gte=since) | Q(severity=Severity.CRITICAL))
        .only("reference", "subject", "severity", "status", "opened_at", "account_id")
        .order_by("-opened_at", "-pk")
    )


def intake_subject(description: str) -> str:
    """The case's subject from the caller's description: its first line, cut at a word."""
    line = next((x.strip() for x in description.splitlines() if x.strip()), "")
    if len(line) <= SUBJECT_LENGTH:
        return line
    return line[: SUBJECT_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


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
    incident: Incident | None = None,
    now: datetime | None = None,
) -> HotlineCall:
    """Record a Severity 1 hotline call: the callback is due 15 minutes later (policy),
    wall clock, and the on-call agents are alerted at once. A linked non-critical case
    becomes critical, the call as reason. With an account but no case to link, a
    critical case is filed from the call and acknowledged with the callback's deadline.
    A call about an active platform incident is linked to it, and so is its case; the
    call keeps its own callback (the contract promises one per call)."""
    now = resolve_now(now)
    if incident is not None:
        incident = lock_incident(incident)
        refuse_unless_active(incident)
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
        if not case.is_critical:
            # The call says it is an outage: a case mailed in first is this one, not a
            # duplicate of it.
            with translation.override(case.requester.language or settings.LANGUAGE_CODE):
                reason = _("Severity 1 hotline call")
            case_reclassify(
                case=case,
                actor=recorded_by,
                severity=Severity.CRITICAL,
                reason=reason,
                alert_on_call=False,
                now=now,
            )
            case = lock_case(case)
    elif account is not None:
        case = case_open(
            account=account,
            requester=_requester_for(account, email),
            subject=intake_subject(description),
            description=description,
            category=Category.SOFTWARE_BUG,
            channel=Channel.HOTLINE,
            # The caller reports ongoing unavailability: the representative files it as
            # critical; agents reclassify if the facts say otherwise.
            severity=Severity.CRITICAL,
            # Acknowledged below, once the callback it promises is known.
            mail_requester=False,
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
        incident=incident,
    )
    if incident is not None:
        _link_call(incident, call, case, recorded_by, now)
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
    if created:
        _acknowledge_call(case, call)
    alert_staff(partial(_call_alert, call, case), on_call_staff(at=now))
    return call


def _link_call(incident: Incident, call: HotlineCall, case: Case | None, actor, now) -> None:
    """Link the call, and its case when it can be: a case linked to another active
    incident stays there (staff move it on the incident's page). The call and its
    callback are never refused for it: the callback is promised per call."""
    kept_elsewhere = ""
    if case is not None:
        try:
            link_case(incident, case, actor=actor, now=now)
        except CaseError as refused:
            kept_elsewhere = refused.message
    incident_event(
        incident,
        IncidentEvent.Kind.CALL_LINKED,
        actor=actor,
        now=now,
        detail=" ".join(filter(None, [call.company_name, kept_elsewhere])),
        call=call.pk,
        case=case.pk if case else None,
    )


def _acknowledge_call(case: Case, call: HotlineCall) -> None:
    """The customer's acknowledgement of a case filed from their call: the filing's mail,
    saying when the call was received and by when the callback is due (the moments,
    shown in each reader's zone)."""
    opened = case.events.get(kind=Kind.OPENED)
    opened.data = {
        **opened.data,
        "call": call.pk,
        "received_at": call.received_at.isoformat(),
        "callback_due_at": call.callback_due_at.isoformat(),
    }
    opened.save(update_fields=["data"])
    queue_mail(opened)


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
