"""The conversation on a case: public replies (the first one is the first response),
the customer's replies, internal notes and a workaround given as a reply."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import deadlines
from ..models import Attachment, Case, CaseMessage, Channel, DeadlineKind, Status
from .alerts import alert_case_owner
from .base import (
    CaseError,
    Kind,
    await_our_response,
    emit_public_message,
    lock_case,
    queue_mail,
    record_event,
    record_fulfilment,
    resolve_now,
    store_attachments,
    vars_of,
)
from .duplicates import original_of
from .intake import case_open
from .lifecycle import move, refuse_move


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
    wait_on_customer: bool = False,
    now: datetime | None = None,
) -> CaseMessage:
    """A public reply by staff: mailed to the customer; the first one meets the
    first-response target. A new case moves to in progress; with `wait_on_customer`
    (the reply asks for information) it waits on the customer instead. Either move is
    told in the reply's one mail, not in a mail of its own."""
    now = resolve_now(now)
    case = lock_case(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("Case %(reference)s is closed; reopen it first.") % vars_of(case))
    if wait_on_customer and case.status != Status.WAITING_ON_CUSTOMER:
        refuse_move(case, Status.WAITING_ON_CUSTOMER)
    message = CaseMessage.objects.create(
        case=case, author=author, body=body, channel=channel, created_at=now
    )
    store_attachments(case, message, attachments, author, now)
    changed: set[str] = set()
    mark_first_response(case, author, now, changed)
    mark_public_update(case, author, now, changed)
    assign_if_unassigned(case, author, now, changed)
    # The reply itself is mailed; the move it brings is not, separately.
    if wait_on_customer and case.status != Status.WAITING_ON_CUSTOMER:
        move(case, Status.WAITING_ON_CUSTOMER, actor=author, now=now, changed=changed, mail=False)
    elif case.status == Status.NEW:
        move(case, Status.IN_PROGRESS, actor=author, now=now, changed=changed, mail=False)
    case.updated_at = now
    changed.add("updated_at")
    event = record_event(
        case,
        Kind.REPLIED,
        actor=author,
        now=now,
        data={"message": message.pk, "status": case.status},
    )
    # One UPDATE of the case row for all of the above, with the deadlines they move.
    deadlines.save(case, changed)
    queue_mail(event)
    emit_public_message(case, message, by="support", now=now)
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
    """The customer adds information; a case waiting on them goes back to work. A
    resolved or closed case reopens, within its reopen window; after it, a new case
    follows up on it and the message is that case's (`message.case`). Either way the
    customer is mailed (the reopening, or the filing) and the case's owner is told."""
    now = resolve_now(now)
    # A duplicate's replies belong to the case it was merged into.
    case = original_of(lock_case(case))
    changed = {"updated_at"}
    replied_to, reopened = case, False
    if not case.is_open:
        if not case.reopens_on_reply(now):
            case = _follow_up(case, author, now, channel)
        else:
            # The reopening is mailed to the customer: the acknowledgement of the reply.
            move(
                case,
                Status.IN_PROGRESS,
                actor=author,
                now=now,
                changed=changed,
                kind=Kind.REOPENED,
                detail=_("Reopened by the customer's reply."),
            )
            reopened = True
    message = CaseMessage.objects.create(
        case=case, author=author, body=body, channel=channel, created_at=now
    )
    store_attachments(case, message, attachments, author, now)
    if case.status == Status.WAITING_ON_CUSTOMER:
        move(case, Status.IN_PROGRESS, actor=author, now=now, changed=changed, mail=False)
    case.updated_at = now
    await_our_response(case, now, changed)
    record_event(case, Kind.CUSTOMER_REPLIED, actor=author, now=now, data={"message": message.pk})
    deadlines.save(case, changed)
    emit_public_message(case, message, by="customer", now=now)
    files = Attachment.objects.filter(message=message).count() if attachments else 0
    alert_case_owner(
        case, now=now, what=partial(_reply_told, replied_to, case, reopened=reopened, files=files)
    )
    return message


def _reply_told(replied_to: Case, case: Case, *, reopened: bool, files: int) -> str:
    """What the case's owner is told of a customer's reply (in their language)."""
    if replied_to.pk != case.pk:
        return _("the customer replied to %(reference)s after its reopen window") % {
            "reference": replied_to.reference
        }
    if reopened:
        return _("the customer's reply reopened the case")
    if files:
        return ngettext(
            "the customer replied, with %(n)d attachment",
            "the customer replied, with %(n)d attachments",
            files,
        ) % {"n": files}
    return _("the customer replied")


def _follow_up(old: Case, author, now, channel) -> Case:
    """A reply to a case resolved longer ago than the reopen window opens a new case that
    follows up on it, with the same agent when they are still here; its filing is mailed
    to the customer as for any case, and the reply is its first message."""
    case = case_open(
        account=old.account,
        requester=author,
        subject=old.subject,
        description=_(
            "Follows up on case %(reference)s, resolved on %(date)s: the customer replied "
            "after the reopen window of %(days)s days. Their reply is below."
        )
        % {
            "reference": old.reference,
            "date": formats.date_format(timezone.localtime(old.ended_at), "DATE_FORMAT"),
            "days": settings.CASES_REOPEN_WINDOW_DAYS,
        },
        category=old.category,
        channel=channel,
        follows_up=old,
        now=now,
    )
    case = lock_case(case)
    agent = old.assigned_agent if old.assigned_agent_id else None
    if agent is not None and agent.is_active:
        changed: set[str] = set()
        assign_if_unassigned(case, agent, now, changed)
        deadlines.save(case, changed)
    record_event(
        old,
        Kind.FOLLOWED_UP,
        actor=author,
        now=now,
        public=False,
        detail=_("The customer replied after the reopen window: case %(reference)s follows up.")
        % {"reference": case.reference},
        data={"follow_up": case.pk},
    )
    return case


@transaction.atomic
def case_add_note(
    *,
    case: Case,
    author,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    channel: str = Channel.STAFF,
    now: datetime | None = None,
) -> CaseMessage:
    """An internal note: never shown or mailed to the customer (nor its files)."""
    now = resolve_now(now)
    case = lock_case(case)
    message = CaseMessage.objects.create(
        case=case,
        author=author,
        body=body,
        visibility=CaseMessage.Visibility.INTERNAL,
        channel=channel,
        created_at=now,
    )
    store_attachments(case, message, attachments, author, now)
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
    emit_public_message(case, message, by="support", now=now)
    return message
