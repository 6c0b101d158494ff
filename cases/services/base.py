"""What every case service shares: the refusal error, the row lock, the audit event
and the mail queued for it, and the record of a fulfilled SLA deadline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone

from core import events, outbox

from ..models import Attachment, Case, CaseEvent

Kind = CaseEvent.Kind

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
        # Only staff's side is mailed: a proposal to the customer, or staff's answer.
        Kind.INTERVAL_PROPOSED,
        Kind.INTERVAL_AGREED,
        Kind.INTERVAL_DECLINED,
        Kind.MERGED_AS_DUPLICATE,
        # Linked by staff to a platform incident: what it is and its latest update.
        Kind.INCIDENT_LINKED,
    }
)


class CaseError(Exception):
    """A refused action, with a sentence for the person who tried it."""

    # The page's status: the case's state refuses the action.
    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CaseForbidden(CaseError):
    """An action on a case the reader may see but not take."""

    status = 403


def vars_of(case: Case) -> dict:
    return {"reference": case.reference}


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


def queue_mail(event: CaseEvent) -> None:
    if event.kind not in MAILED_KINDS or not event.public:
        return
    outbox.enqueue("cases.tasks.send_case_mail", event.pk)


def case_summary(case: Case) -> dict:
    """The case as an event's payload tells customers' systems of it (docs/webhooks.md):
    what the customer sees on the case page, never an internal note."""
    return {
        "reference": case.reference,
        "subject": case.subject,
        "status": case.status,
        "severity": case.severity,
        "url": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("cases:detail", args=[case.reference]),
    }


def emit_case_event(case: Case, event_type: str, *, now, **data) -> None:
    """Tell the account's listeners (its webhooks) what happened to the case."""
    events.emit(case.account_id, event_type, {"case": case_summary(case), **data}, occurred_at=now)


def emit_public_message(case: Case, message, *, by: str, now) -> None:
    """A public message on the case: "support" wrote it, or the "customer"."""
    emit_case_event(
        case,
        events.EventType.CASE_REPLIED,
        now=now,
        message={"id": message.pk, "by": by, "created_at": message.created_at.isoformat()},
    )


def record_fulfilment(
    case: Case | None, kind: str, *, start, due, at, actor, subject_id=None, extra=None
):
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
            **(extra or {}),
        },
    )


def await_our_response(case: Case, now, changed: set[str]) -> None:
    """What the customer just did waits for our response: once the first response was
    given (before it, that deadline covers everything), the response clock starts at the
    first such action since our last public update (`deadlines.save` works out when it
    is due). The caller tells the case's owner (`alert_case_owner`) after saving."""
    if case.first_response_at is not None and case.customer_action_at is None:
        case.customer_action_at = now
        changed.add("customer_action_at")


def store_attachments(case, message, files: Iterable[UploadedFile], uploader, now) -> None:
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
