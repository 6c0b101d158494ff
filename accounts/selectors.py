"""Reads shared by views, admin and tasks, with their joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from . import office_hours, roles
from .models import Account, OfficeHoursCalendar, OfficeHoursChange, User

# How far ahead customers are told about vendor changes of office hours.
CHANGE_NOTICE_DAYS = 60


def account_for_home(account_id: int, *, today: date) -> Account:
    """The account with its TAM and everything its calendar needs, in four queries."""
    return (
        Account.objects.select_related("tam", "office_hours")
        .prefetch_related(
            "office_hours__opening_ranges",
            "office_hours__holidays",
            Prefetch(
                "office_hours__changes",
                queryset=OfficeHoursChange.objects.filter(ends_on__gte=today - timedelta(days=1)),
            ),
        )
        .get(pk=account_id)
    )


@dataclass(frozen=True)
class Availability:
    """Whether the office-hours calendar is open now, and what the coming days look like."""

    open_now: bool
    next_opening: datetime | None
    closes_at: datetime | None
    coming_days: list[tuple[datetime, datetime]]
    changes: list[OfficeHoursChange]


def availability(calendar: OfficeHoursCalendar, *, now: datetime, days: int = 7) -> Availability:
    """Open now or next opening, the next `days` days of hours, and current or upcoming
    vendor changes. Expects the calendar's relations prefetched (see account_for_home)."""
    schedule = calendar.schedule()
    today = now.astimezone(schedule.tz).date()
    open_now = office_hours.is_open(schedule, now)
    try:
        nxt = None if open_now else office_hours.next_opening(schedule, now)
        closes = office_hours.next_closing(schedule, now) if open_now else None
    except office_hours.NeverOpen:
        nxt, closes = None, None
    horizon = today + timedelta(days=CHANGE_NOTICE_DAYS)
    changes = [c for c in calendar.changes.all() if c.ends_on >= today and c.starts_on <= horizon]
    return Availability(
        open_now=open_now,
        next_opening=nxt,
        closes_at=closes,
        # From the day before: in a zone ahead of the calendar's, yesterday's hours may be today.
        coming_days=office_hours.upcoming_intervals(schedule, now - timedelta(days=1), days + 1),
        changes=sorted(changes, key=lambda c: c.starts_on),
    )


def on_call_staff(*, at: datetime) -> list[User]:
    """Who is alerted at once at `at`: the staff on a rota shift covering that moment or,
    when no shift covers it, every Support Agent and Support Manager, so an alert is
    never sent to nobody."""
    on_shift = list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            on_call_shifts__starts_at__lte=at,
            on_call_shifts__ends_at__gt=at,
        )
        .distinct()
        .order_by("full_name")
    )
    if on_shift:
        return on_shift
    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            groups__name__in=[roles.SUPPORT_AGENTS, roles.SUPPORT_MANAGERS],
        )
        .distinct()
        .order_by("full_name")
    )
