"""The conversation on a case: public replies (the first one is the first response),
the customer's replies, internal notes and a workaround given as a reply."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import deadlines
from ..models import Attachment, Case, CaseMessage, Channel, DeadlineKind, Status
from .alerts import alert_case_owner
from .base import (
    CaseError,
    Kind,
    await_our_response,
    lock_case,
    queue_mail,
    record_event,
    record_fulfilment,
    resolve_now,
    vars_of,
)
from .lifecycle import move, refuse_move


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


def mark_first_response(case: Case, actor, now, changed: set[str]) -> None:
    if case.first_response_at is None:
        case.first_response_at = now
        changed.add("first_response_at")
        record_event(case, Kind.FIRST_RESPONSE, actor=actor, now=now, public=False)
        record_fulfilment(
            case,
            DeadlineKind.FIRST_RESPONSE,
            start=case.opened_at,
            due=case.first_response_due_at,
            at=now,
            actor=actor,
        )


def assign_if_unassigned(case: Case, agent, now, changed: set[str]) -> None:
    """The first agent to write to the customer takes primary responsibility for
    contact, unless someone has it already."""
    if case.assigned_agent_id is None:
        case.assigned_agent = agent
        changed.add("assigned_agent")
        record_event(
            case, Kind.ASSIGNED, actor=agent, now=now, public=False, data={"agent": agent.pk}
        )


def mark_public_update(case: Case, actor, now, changed: set[str]) -> None:
    """A public update to the customer: meets the next-update deadline and restarts the
    agreed interval (`deadlines.save` works out the next one)."""
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
    changed.add("last_public_update_at")
    # It answers what the customer sent since the last update, too.
    if case.customer_action_at is not None:
        record_fulfilment(
            case,
            DeadlineKind.RESPONSE,
            start=case.customer_action_at,
            due=case.response_due_at,
            at=now,
            actor=actor,
        )
        case.customer_action_at = None
        changed.add("customer_action_at")


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
    store_attachments(case, message, attachments, author, now)
    changed: set[str] = set()
    mark_first_response(case, author, now, changed)
    mark_public_update(case, author, now, changed)
    assign_if_unassigned(case, author, now, changed)
    if case.status == Status.NEW:
        # The reply itself is mailed; the implied start of work is not, separately.
        move(case, Status.IN_PROGRESS, actor=author, now=now, changed=changed, mail=False)
    case.updated_at = now
    changed.add("updated_at")
    event = record_event(case, Kind.REPLIED, actor=author, now=now, data={"message": message.pk})
    # One UPDATE of the case row for all of the above, with the deadlines they move.
    deadlines.save(case, changed)
    queue_mail(event)
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
    store_attachments(case, message, attachments, author, now)
    changed = {"updated_at"}
    if case.status == Status.WAITING_ON_CUSTOMER:
        move(case, Status.IN_PROGRESS, actor=author, now=now, changed=changed, mail=False)
    case.updated_at = now
    await_our_response(case, now, changed)
    record_event(case, Kind.CUSTOMER_REPLIED, actor=author, now=now, data={"message": message.pk})
    deadlines.save(case, changed)
    files = Attachment.objects.filter(message=message).count() if attachments else 0
    alert_case_owner(
        case,
        now=now,
        what=ngettext(
            "the customer replied, with %(n)d attachment",
            "the customer replied, with %(n)d attachments",
            files,
        )
        % {"n": files}
        if files
        else _("the customer replied"),
    )
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


@transaction.atomic
def case_provide_workaround(
    *, case: Case, actor, body: str, now: datetime | None = None
) -> CaseMessage:
    """A workaround (tijdelijke oplossing) is given to the customer as a public reply."""
    now = resolve_now(now)
    case = lock_case(case)
    refuse_move(case, Status.WORKAROUND_PROVIDED)
    message = CaseMessage.objects.create(
        case=case, author=actor, body=body, channel=Channel.STAFF, created_at=now
    )
    changed: set[str] = set()
    mark_first_response(case, actor, now, changed)
    mark_public_update(case, actor, now, changed)
    assign_if_unassigned(case, actor, now, changed)
    if case.workaround_at is None:
        case.workaround_at = now
        changed.add("workaround_at")
    move(
        case,
        Status.WORKAROUND_PROVIDED,
        actor=actor,
        now=now,
        changed=changed,
        kind=Kind.WORKAROUND_PROVIDED,
        message=message.pk,
    )
    deadlines.save(case, changed)
    return message
