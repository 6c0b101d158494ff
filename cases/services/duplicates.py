"""A duplicate case: one the customer filed (or a call filed) about what an earlier case
of the account already reports. Staff merge it into the original: it is closed with an
event pointing there, its hotline calls and the customer's later replies go to the
original, and the customer sees one case."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.events import EventType

from .. import deadlines
from ..models import Case, DeadlineKind, HotlineCall, Status
from .base import (
    CaseError,
    Kind,
    emit_case_event,
    lock_case,
    queue_mail,
    record_event,
    resolve_now,
)


def original_of(case: Case) -> Case:
    """The case a reply to `case` belongs to: its original when it is a duplicate."""
    return lock_case(case.duplicate_of_id) if case.duplicate_of_id else case


@transaction.atomic
def case_merge_duplicate(*, case: Case, original: Case, actor, now: datetime | None = None) -> Case:
    """Merge `case` into `original`, an earlier report of the same account's problem."""
    now = resolve_now(now)
    # Both rows locked in id order: two agents merging the pair both ways cannot deadlock.
    first, second = sorted([case.pk, original.pk])
    locked = {pk: lock_case(pk) for pk in (first, second)}
    case, original = locked[case.pk], locked[original.pk]
    if case.pk == original.pk:
        raise CaseError(_("A case cannot be a duplicate of itself: give the original's reference."))
    if case.account_id != original.account_id:
        raise CaseError(
            _("Case %(original)s belongs to another account: merge only cases of one account.")
            % {"original": original.reference}
        )
    if case.duplicate_of_id:
        raise CaseError(
            _("Case %(reference)s is already merged into another case.")
            % {"reference": case.reference}
        )
    if original.duplicate_of_id:
        raise CaseError(
            _("Case %(original)s is itself merged into %(target)s: merge into that one.")
            % {"original": original.reference, "target": original.duplicate_of.reference}
        )
    if not case.is_open:
        raise CaseError(
            _("Case %(reference)s is no longer open: only an open case is merged.")
            % {"reference": case.reference}
        )
    # A merged case's own duplicates follow it to the original: no chains.
    Case.objects.filter(duplicate_of=case).update(duplicate_of=original)
    calls = HotlineCall.objects.filter(case=case).update(case=original)
    from_status = case.status
    case.duplicate_of = original
    case.status = Status.CLOSED
    case.closed_at = now
    case.waiting_since = None
    case.updated_at = now
    event = record_event(
        case,
        Kind.MERGED_AS_DUPLICATE,
        actor=actor,
        now=now,
        from_status=from_status,
        to_status=Status.CLOSED,
        detail=original.reference,
        data={"original": original.pk},
    )
    deadlines.save(
        case,
        ["duplicate_of", "status", "closed_at", "waiting_since", "updated_at"],
        recompute=[DeadlineKind.CALLBACK] if calls else [],
    )
    record_event(
        original,
        Kind.DUPLICATE_MERGED,
        actor=actor,
        now=now,
        detail=case.reference,
        data={"duplicate": case.pk, "subject": case.subject},
    )
    original.updated_at = now
    deadlines.save(original, ["updated_at"], recompute=[DeadlineKind.CALLBACK] if calls else [])
    queue_mail(event)
    # Closed by the merge: the account's systems hear of it as of any other close.
    emit_case_event(
        case,
        EventType.CASE_STATUS_CHANGED,
        now=now,
        from_status=from_status,
        to_status=Status.CLOSED,
    )
    return case
