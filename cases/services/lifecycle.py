"""Every change of state of a support case: one function per action.

Each runs in a transaction, locks the case row (two agents racing on one case cannot
both win), checks the move against TRANSITIONS, writes the new state and its audit
event, recomputes deadlines, and queues mail on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from core import outbox

from .. import classification, deadlines, selectors
from ..deadlines import policy_for, recompute_deadlines, recompute_next_update
from ..models import (
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    Category,
    Channel,
    DeadlineKind,
    ResolutionAgreement,
    Severity,
    Status,
    reference_for,
)

Kind = CaseEvent.Kind

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

# Events the customer is mailed about (internal notes and assignments never are).
MAILED_KINDS = frozenset(
    {
        Kind.OPENED,
        Kind.REPLIED,
        Kind.WORKAROUND_PROVIDED,
        Kind.RESOLUTION_PROPOSED,
        Kind.RESOLUTION_ACCEPTED,
        Kind.RECLASSIFIED,
        Kind.STATUS_CHANGED,
        Kind.CLOSED,
        Kind.REOPENED,
        Kind.ESCALATED,
    }
)


class CaseError(Exception):
    """A refused action, with a sentence for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def vars_of(case: Case) -> dict:
    return {"reference": case.reference}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


# --- helpers -----------------------------------------------------------------


def resolve_now(now: datetime | None) -> datetime:
    """The time passed in, or the current time."""
    return now or timezone.now()


def lock_case(case: Case | int) -> Case:
    """The case's row, locked until the transaction ends."""
    pk = case if isinstance(case, int) else case.pk
    return Case.objects.select_for_update().select_related("account").get(pk=pk)


def record_event(
    case: Case, kind: str, *, actor, now, public=True, detail="", **fields
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, at=now, public=public, detail=detail, **fields
    )


def _queue_mail(event: CaseEvent) -> None:
    if event.kind not in MAILED_KINDS or not event.public:
        return
    outbox.enqueue("cases.tasks.send_case_mail", event.pk)


def record_fulfilment(case: Case | None, kind: str, *, start, due, at, actor, subject_id=None):
    """An SLA deadline was fulfilled: met or late, with the minutes it took. The SLA
    report is computed from these events."""
    if case is None or due is None:
        return None
    return record_event(
        case,
        Kind.SLA_FULFILLED,
        actor=actor,
        now=at,
        public=False,
        data={
            "deadline_kind": kind,
            "subject_id": subject_id or case.pk,
            "start": start.isoformat(),
            "due": due.isoformat(),
            "at": at.isoformat(),
            "minutes": round((at - start).total_seconds() / 60, 2),
            "met": at <= due,
        },
    )


def _refuse_move(case: Case, to_status: str) -> None:
    if not can_move(case.status, to_status):
        raise CaseError(
            _("Case %(reference)s is “%(current)s” and cannot become “%(target)s”.")
            % {
                "reference": case.reference,
                "current": Status(case.status).label,
                "target": Status(to_status).label,
            }
        )


def _move(
    case: Case,
    to_status: str,
    *,
    actor,
    now,
    kind=Kind.STATUS_CHANGED,
    detail="",
    mail=True,
    **data,
):
    """Change status (already locked), pause or resume the SLA clock, write the event."""
    _refuse_move(case, to_status)
    from_status = case.status
    case.status = to_status
    case.updated_at = now
    if to_status == Status.WAITING_ON_CUSTOMER:
        case.waiting_since = now
    elif from_status == Status.WAITING_ON_CUSTOMER:
        case.waiting_since = None
    if to_status == Status.RESOLVED:
        case.resolved_at = now
    if to_status == Status.CLOSED:
        case.closed_at = now
    if to_status not in (Status.RESOLVED, Status.CLOSED):
        case.resolved_at = None
        case.closed_at = None
    case.save()
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
    if from_status == Status.WAITING_ON_CUSTOMER:
        recompute_deadlines(case)
    recompute_next_update(case)
    if mail:
        _queue_mail(event)
    return event


def _store_attachments(case, message, files: Iterable[UploadedFile], uploader, now) -> None:
    for f in files:
        Attachment.objects.create(
            case=case,
            message=message,
            file=f,
            original_name=(f.name or "attachment")[:200],
            content_type=(getattr(f, "content_type", "") or "application/octet-stream")[:100],
            size=f.size,
            uploaded_by=uploader,
            uploaded_at=now,
        )


def _mark_first_response(case: Case, actor, now) -> None:
    if case.first_response_at is None:
        case.first_response_at = now
        case.save(update_fields=["first_response_at"])
        record_event(case, Kind.FIRST_RESPONSE, actor=actor, now=now, public=False)
        record_fulfilment(
            case,
            DeadlineKind.FIRST_RESPONSE,
            start=case.opened_at,
            due=case.first_response_due_at,
            at=now,
            actor=actor,
        )


def _assign_if_unassigned(case: Case, agent, now) -> None:
    """The first agent to write to the customer takes primary responsibility for
    contact, unless someone has it already."""
    if case.assigned_agent_id is None:
        case.assigned_agent = agent
        case.save(update_fields=["assigned_agent"])
        record_event(
            case, Kind.ASSIGNED, actor=agent, now=now, public=False, data={"agent": agent.pk}
        )


def _mark_public_update(case: Case, actor, now) -> None:
    """A public update to the customer: meets the next-update deadline and restarts the
    agreed interval."""
    if case.next_update_due_at is not None:
        record_fulfilment(
            case,
            DeadlineKind.NEXT_UPDATE,
            start=case.last_public_update_at or case.opened_at,
            due=case.next_update_due_at,
            at=now,
            actor=actor,
        )
    case.last_public_update_at = now
    case.save(update_fields=["last_public_update_at"])
    recompute_next_update(case)


def _default_update_interval(case: Case) -> None:
    policy = policy_for(case.severity)
    minutes = policy.update_interval_minutes if policy else None
    case.agreed_update_interval = minutes
    case.update_interval_office_hours = not case.is_critical
    case.update_interval_agreed_by = ""
    case.update_interval_agreed_at = None
    case.save(
        update_fields=[
            "agreed_update_interval",
            "update_interval_office_hours",
            "update_interval_agreed_by",
            "update_interval_agreed_at",
        ]
    )
    recompute_next_update(case)


# --- intake --------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    account: Account,
    requester,
    subject: str,
    description: str,
    category: str,
    api_all_failing: bool = False,
    api_failure_cause: str = "",
    smtp_all_failing: bool = False,
    smtp_failure_cause: str = "",
    failing_since: datetime | None = None,
    error_samples: str = "",
    channel: str = Channel.PORTAL,
    attachments: Iterable[UploadedFile] = (),
    severity: str | None = None,
    mail_requester: bool = True,
    now: datetime | None = None,
) -> Case:
    """File a support case. Severity follows the contract's definition, not the typing;
    staff filing for a caller (the hotline) may state it with `severity`. A caller that
    answers the filing itself (the acknowledgement of a case opened by mail) passes
    `mail_requester=False`: the customer gets one mail, not two."""
    now = resolve_now(now)
    if category not in Category.values:
        raise CaseError(_("Choose what you need: a software bug, configuration or information."))
    if severity is not None and severity not in Severity.values:
        raise CaseError(_("Choose a severity: critical or non-critical."))
    answers = classification.Answers(
        category=category,
        api_all_failing=api_all_failing,
        api_failure_cause=api_failure_cause if api_all_failing else "",
        smtp_all_failing=smtp_all_failing,
        smtp_failure_cause=smtp_failure_cause if smtp_all_failing else "",
    )
    severity = severity or classification.severity(answers)
    case = Case.objects.create(
        account=account,
        requester=requester,
        # One line, whichever way it came in (a hotline description, a folded mail
        # header): it heads every mail about the case.
        subject=" ".join(subject.split()),
        description=description,
        category=category,
        api_all_failing=answers.api_all_failing,
        api_failure_cause=answers.api_failure_cause,
        smtp_all_failing=answers.smtp_all_failing,
        smtp_failure_cause=answers.smtp_failure_cause,
        failing_since=failing_since,
        error_samples=error_samples,
        severity=severity,
        channel=channel,
        opened_at=now,
        updated_at=now,
        **deadlines.at_filing(severity, account, now),
    )
    case.reference = reference_for(case.pk)
    case.save(update_fields=["reference"])
    _store_attachments(case, None, attachments, requester, now)
    event = record_event(
        case,
        Kind.OPENED,
        actor=requester,
        now=now,
        to_status=Status.NEW,
        data={"severity": case.severity, "channel": channel},
    )
    if mail_requester:
        _queue_mail(event)
    return case


# --- conversation ----------------------------------------------------------------


@transaction.atomic
def case_reply(
    *,
    case: Case,
    author,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    channel: str = Channel.STAFF,
    now: datetime | None = None,
) -> CaseMessage:
    """A public reply by staff: mailed to the customer; the first one meets the
    first-response target. A new case moves to in progress."""
    now = resolve_now(now)
    case = lock_case(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("Case %(reference)s is closed; reopen it first.") % vars_of(case))
    message = CaseMessage.objects.create(
        case=case, author=author, body=body, channel=channel, created_at=now
    )
    _store_attachments(case, message, attachments, author, now)
    _mark_first_response(case, author, now)
    _mark_public_update(case, author, now)
    _assign_if_unassigned(case, author, now)
    if case.status == Status.NEW:
        # The reply itself is mailed; the implied start of work is not, separately.
        _move(case, Status.IN_PROGRESS, actor=author, now=now, mail=False)
    case.updated_at = now
    case.save(update_fields=["updated_at"])
    event = record_event(case, Kind.REPLIED, actor=author, now=now, data={"message": message.pk})
    _queue_mail(event)
    return message


@transaction.atomic
def case_customer_reply(
    *,
    case: Case,
    author,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    channel: str = Channel.PORTAL,
    now: datetime | None = None,
) -> CaseMessage:
    """The customer adds information; a case waiting on them goes back to work."""
    now = resolve_now(now)
    case = lock_case(case)
    if case.status in (Status.RESOLVED, Status.CLOSED):
        raise CaseError(
            _("Case %(reference)s is resolved; file a new case or ask us to reopen it.")
            % vars_of(case)
        )
    message = CaseMessage.objects.create(
        case=case, author=author, body=body, channel=channel, created_at=now
    )
    _store_attachments(case, message, attachments, author, now)
    if case.status == Status.WAITING_ON_CUSTOMER:
        _move(case, Status.IN_PROGRESS, actor=author, now=now, mail=False)
    case.updated_at = now
    case.save(update_fields=["updated_at"])
    record_event(case, Kind.CUSTOMER_REPLIED, actor=author, now=now, data={"message": message.pk})
    return message


@transaction.atomic
def case_add_note(*, case: Case, author, body: str, now: datetime | None = None) -> CaseMessage:
    """An internal note: never shown or mailed to the customer."""
    now = resolve_now(now)
    case = lock_case(case)
    message = CaseMessage.objects.create(
        case=case,
        author=author,
        body=body,
        visibility=CaseMessage.Visibility.INTERNAL,
        channel=Channel.STAFF,
        created_at=now,
    )
    record_event(
        case, Kind.NOTE_ADDED, actor=author, now=now, public=False, data={"message": message.pk}
    )
    return message


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
    _refuse_move(case, status)
    if case.status == Status.RESOLUTION_PROPOSED:
        # Back to work without the customer's answer: the proposal is withdrawn.
        ResolutionAgreement.objects.filter(
            case=case, outcome=ResolutionAgreement.Outcome.PENDING
        ).update(outcome=ResolutionAgreement.Outcome.WITHDRAWN, decided_at=now)
    _move(case, status, actor=actor, now=now, detail=detail)
    return case


@transaction.atomic
def case_provide_workaround(
    *, case: Case, actor, body: str, now: datetime | None = None
) -> CaseMessage:
    """A workaround (tijdelijke oplossing) is given to the customer as a public reply."""
    now = resolve_now(now)
    case = lock_case(case)
    _refuse_move(case, Status.WORKAROUND_PROVIDED)
    message = CaseMessage.objects.create(
        case=case, author=actor, body=body, channel=Channel.STAFF, created_at=now
    )
    _mark_first_response(case, actor, now)
    _mark_public_update(case, actor, now)
    _assign_if_unassigned(case, actor, now)
    case.workaround_at = case.workaround_at or now
    case.save(update_fields=["workaround_at"])
    _move(
        case,
        Status.WORKAROUND_PROVIDED,
        actor=actor,
        now=now,
        kind=Kind.WORKAROUND_PROVIDED,
        message=message.pk,
    )
    return message


@transaction.atomic
def case_propose_resolution(
    *, case: Case, actor, summary: str, now: datetime | None = None
) -> ResolutionAgreement:
    """Propose a resolution; the case is resolved only when the customer agrees."""
    now = resolve_now(now)
    case = lock_case(case)
    _refuse_move(case, Status.RESOLUTION_PROPOSED)
    agreement = ResolutionAgreement.objects.create(
        case=case, summary=summary, proposed_by=actor, proposed_at=now
    )
    _mark_first_response(case, actor, now)
    # The proposal is an update too; the update clock then waits for the answer.
    _mark_public_update(case, actor, now)
    _assign_if_unassigned(case, actor, now)
    case.resolution_proposed_at = now
    case.save(update_fields=["resolution_proposed_at"])
    _move(
        case,
        Status.RESOLUTION_PROPOSED,
        actor=actor,
        now=now,
        kind=Kind.RESOLUTION_PROPOSED,
        detail=summary,
        agreement=agreement.pk,
    )
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
    agreement.save()
    _move(
        case,
        Status.RESOLVED,
        actor=customer,
        now=now,
        kind=Kind.RESOLUTION_ACCEPTED,
        agreement=agreement.pk,
        method=method,
    )
    return agreement


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
    agreement.save()
    _move(
        case,
        Status.IN_PROGRESS,
        actor=customer,
        now=now,
        kind=Kind.RESOLUTION_REJECTED,
        detail=reason,
        agreement=agreement.pk,
    )
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
    agreement.save()
    _move(
        case,
        Status.RESOLVED,
        actor=actor,
        now=now,
        kind=Kind.RESOLUTION_ACCEPTED,
        agreement=agreement.pk,
        method=method,
        customer_name=agreement.customer_name,
        agreed_at=agreed_at.isoformat(),
    )
    return agreement


@transaction.atomic
def case_close(*, case: Case, actor, now: datetime | None = None) -> Case:
    now = resolve_now(now)
    case = lock_case(case)
    _move(case, Status.CLOSED, actor=actor, now=now, kind=Kind.CLOSED)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str, now: datetime | None = None) -> Case:
    now = resolve_now(now)
    if not reason.strip():
        raise CaseError(_("Give a reason to reopen the case."))
    case = lock_case(case)
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise CaseError(_("Case %(reference)s is still open.") % vars_of(case))
    _move(case, Status.IN_PROGRESS, actor=actor, now=now, kind=Kind.REOPENED, detail=reason)
    return case


@transaction.atomic
def case_reclassify(
    *, case: Case, actor, severity: str, reason: str, now: datetime | None = None
) -> Case:
    """Staff change the severity, with a reason the customer is told. Deadlines follow."""
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
    case.save(update_fields=["severity", "updated_at"])
    event = record_event(
        case,
        Kind.RECLASSIFIED,
        actor=actor,
        now=now,
        detail=reason,
        data={"from": old, "to": severity},
    )
    # The event first: a critical first-response clock starts at the reclassification.
    recompute_deadlines(case)
    if case.update_interval_agreed_at is None:
        _default_update_interval(case)
    _queue_mail(event)
    return case


def escalation_wait_sentence(case: Case, again_at: datetime) -> str:
    return _(
        "Case %(reference)s was escalated to your Technical Account Manager less than "
        "%(hours)d hours ago; you can escalate it again from %(when)s."
    ) % {
        **vars_of(case),
        "hours": settings.CASES_ESCALATION_INTERVAL_HOURS,
        "when": formats.date_format(timezone.localtime(again_at), "j M Y, H:i"),
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
    case.save(update_fields=["escalated_at", "updated_at"])
    event = record_event(
        case,
        Kind.ESCALATED,
        actor=customer,
        now=now,
        detail=reason,
        data={"tam": case.account.tam_id},
    )
    _queue_mail(event)
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


def sla_sweep(*, now: datetime | None = None):
    """Warn of deadlines coming up, escalate breached ones, send what the outbox holds.
    Safe to run concurrently: each warning and breach is claimed once."""
    from .sweep import sweep

    return sweep(now=resolve_now(now))
