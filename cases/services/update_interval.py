"""The update interval agreed with the customer: the default from the SLA policy, and
every interval customer and vendor agree since."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from .. import deadlines
from ..models import Case, Severity
from .alerts import alert_case_owner
from .base import CaseError, Kind, await_our_response, lock_case, record_event, resolve_now

MIN_INTERVAL, MAX_INTERVAL = 5, 7 * 24 * 60


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


@transaction.atomic
def case_agree_update_interval(
    *,
    case: Case,
    minutes: int,
    agreed_by: str,
    actor,
    now: datetime | None = None,
) -> Case:
    """Customer and vendor agree (again) how often the customer gets an update; the next
    update is due one interval after the last one. Every change is on record."""
    now = resolve_now(now)
    if not MIN_INTERVAL <= int(minutes) <= MAX_INTERVAL:
        raise CaseError(
            _("The update interval must be between %(min)s minutes and %(max)s days.")
            % {"min": MIN_INTERVAL, "max": MAX_INTERVAL // (24 * 60)}
        )
    if not (agreed_by or "").strip():
        raise CaseError(_("Give the name of the person who agreed the interval."))
    case = lock_case(case)
    if not case.is_open:
        raise CaseError(_("Case %(reference)s is no longer open.") % {"reference": case.reference})
    if not actor.is_staff and case.severity != Severity.CRITICAL:
        # The agreed update interval is a term of critical cases only.
        raise CaseError(_("An update interval can only be agreed for a critical case."))
    before = case.agreed_update_interval
    case.agreed_update_interval = int(minutes)
    case.update_interval_agreed_by = agreed_by.strip()[:150]
    case.update_interval_agreed_at = now
    record_event(
        case,
        Kind.INTERVAL_AGREED,
        actor=actor,
        now=now,
        detail=_("every %(minutes)s minutes, agreed by %(who)s")
        % {"minutes": minutes, "who": case.update_interval_agreed_by},
        data={
            "from": before,
            "to": int(minutes),
            "agreed_by": case.update_interval_agreed_by,
            "side": "staff" if actor.is_staff else "customer",
        },
    )
    changed = {"agreed_update_interval", "update_interval_agreed_by", "update_interval_agreed_at"}
    if not actor.is_staff:
        await_our_response(case, now, changed)
    deadlines.save(case, changed)
    if not actor.is_staff:
        alert_case_owner(
            case,
            now=now,
            what=lambda: (
                _("the customer changed the update interval to every %(minutes)s minutes")
                % {"minutes": int(minutes)}
            ),
        )
    return case
