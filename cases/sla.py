"""SLA deadlines, pure: no ORM and no clock. Times are passed in.

Non-critical first responses are due after N office minutes on the account's
calendar; critical ones after N wall-clock minutes (24/7/365). Time waiting on the
customer does not count: each pause pushes the deadline by the time it covered
(office time, or wall time for a wall-clock target).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accounts import office_hours

WAITING = "waiting_on_customer"

MET = "met"
BREACHED = "breached"
PENDING = "pending"
PAUSED = "paused"


@dataclass(frozen=True)
class Target:
    minutes: int
    office_hours_only: bool


Pause = tuple[datetime, datetime | None]


def _elapsed(target: Target, schedule: office_hours.Schedule, a: datetime, b: datetime):
    if target.office_hours_only:
        return office_hours.office_minutes_between(schedule, a, b)
    # In UTC: two times of one zone subtract as wall-clock readings, wrong across DST.
    return (b.astimezone(UTC) - a.astimezone(UTC)) / timedelta(minutes=1)


def _add(target: Target, schedule: office_hours.Schedule, t: datetime, minutes: float):
    if target.office_hours_only:
        # Office minutes are whole minutes on the calendar; round a partial one up.
        whole = int(minutes) + (0 if float(minutes).is_integer() else 1)
        return office_hours.add_office_minutes(schedule, t, whole)
    return t.astimezone(UTC) + timedelta(minutes=minutes)


def due_at(
    target: Target,
    schedule: office_hours.Schedule,
    start: datetime,
    pauses: Sequence[Pause] = (),
) -> datetime:
    """The deadline of a target started at `start`, pushed by the finished pauses that
    began before it. An unfinished pause is ignored here (see `status`)."""
    due = _add(target, schedule, start, target.minutes)
    for paused, resumed in sorted(pauses, key=lambda p: p[0]):
        if resumed is None or paused >= due:
            continue
        due = _add(target, schedule, due, _elapsed(target, schedule, max(paused, start), resumed))
    return due


def pauses_from_transitions(transitions: Iterable[tuple[datetime, str, str]]) -> list[Pause]:
    """Waiting-on-customer intervals from (at, from_status, to_status) transitions."""
    pauses: list[Pause] = []
    since: datetime | None = None
    for at, from_status, to_status in sorted(transitions, key=lambda t: t[0]):
        if to_status == WAITING and since is None:
            since = at
        elif from_status == WAITING and to_status != WAITING and since is not None:
            pauses.append((since, at))
            since = None
    if since is not None:
        pauses.append((since, None))
    return pauses


def verdict(
    due: datetime | None,
    fulfilled_at: datetime | None,
    now: datetime,
    *,
    paused_since: datetime | None = None,
) -> str:
    """Met, breached, pending or paused: decided from recorded times alone."""
    if due is None:
        return PENDING
    if fulfilled_at is not None:
        return MET if fulfilled_at <= due else BREACHED
    if paused_since is not None and paused_since < due:
        return PAUSED
    return BREACHED if now > due else PENDING
