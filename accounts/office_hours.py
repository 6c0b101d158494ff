"""Business-hours arithmetic on an office-hours calendar. Pure: no ORM, no clock.

A calendar is a time zone, weekly opening ranges in local time (several a day),
holidays (closed all day) and dated vendor changes that replace the hours of every
day in their period. Opening ranges are computed per local date and turned into UTC
intervals, so DST days simply have longer or shorter intervals.

An interval includes its closing instant: a deadline that falls exactly at closing
time ("by 17:00") is in office time, which keeps add_office_minutes associative.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How far ahead to look for an opening before deciding a calendar is never open.
HORIZON_DAYS = 3 * 366

Range = tuple[time, time]
MIDNIGHT = time(0)


class NeverOpen(ValueError):
    """The calendar has no opening time within the horizon."""


@dataclass(frozen=True)
class Change:
    """A vendor change: from first to last (inclusive) the day's hours are `ranges`
    (empty: closed)."""

    first: date
    last: date
    ranges: tuple[Range, ...]

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Schedule:
    time_zone: str
    # weekday (0 = Monday) -> opening ranges in local time
    weekly: dict[int, tuple[Range, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    changes: tuple[Change, ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def ranges_on(self, day: date) -> tuple[Range, ...]:
        """The local opening ranges of one local date, after holidays and changes."""
        # The latest-starting change wins where changes overlap.
        for change in sorted(self.changes, key=lambda c: c.first, reverse=True):
            if change.covers(day):
                return change.ranges
        if day in self.holidays:
            return ()
        return self.weekly.get(day.weekday(), ())

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening intervals of one local date, in UTC, sorted."""
        tz = self.tz
        result = []
        for opens, closes in merge_ranges(self.ranges_on(day)):
            start = datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
            # Closing at 00:00 means the end of the day (a range "00:00-00:00" is all day).
            close_day = day + timedelta(days=1) if closes == MIDNIGHT else day
            end = datetime.combine(close_day, closes, tzinfo=tz).astimezone(UTC)
            if end > start:  # a range swallowed by a DST gap is empty
                result.append((start, end))
        return result


def _local_date(schedule: Schedule, t: datetime) -> date:
    return t.astimezone(schedule.tz).date()


def intervals_from(schedule: Schedule, t: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Opening intervals that end at or after t, in order, clipped to start at t."""
    _require_aware(t)
    # Start a day early: a local date's interval can begin before t's local date in UTC.
    day = _local_date(schedule, t) - timedelta(days=1)
    for _ in range(HORIZON_DAYS):
        for start, end in schedule.intervals_on(day):
            if end >= t:
                yield max(start, t), end
        day += timedelta(days=1)


def is_open(schedule: Schedule, t: datetime) -> bool:
    _require_aware(t)
    day = _local_date(schedule, t)
    return any(
        start <= t <= end
        for d in (day - timedelta(days=1), day)
        for start, end in schedule.intervals_on(d)
    )


def next_opening(schedule: Schedule, t: datetime) -> datetime:
    """t itself when open, else the start of the next opening interval."""
    for start, _end in intervals_from(schedule, t):
        return start
    raise NeverOpen(f"The calendar has no office hours within {HORIZON_DAYS} days.")


def next_closing(schedule: Schedule, t: datetime) -> datetime:
    """When the interval that is open at t (or the next one) closes."""
    for _start, end in intervals_from(schedule, t):
        return end
    raise NeverOpen(f"The calendar has no office hours within {HORIZON_DAYS} days.")


def add_office_minutes(schedule: Schedule, t: datetime, minutes: int) -> datetime:
    """The instant when `minutes` of office time have passed since t."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = timedelta(minutes=minutes)
    for start, end in intervals_from(schedule, t):
        if start + remaining <= end:
            return start + remaining
        remaining -= end - start
    raise NeverOpen(f"The calendar has no office hours within {HORIZON_DAYS} days.")


def office_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Office time between two instants, in minutes (0 when end <= start)."""
    total = timedelta(0)
    if end <= start:
        return 0.0
    for a, b in intervals_from(schedule, start):
        if a >= end:
            break
        total += min(b, end) - a
    return total / timedelta(minutes=1)


def upcoming_intervals(
    schedule: Schedule, t: datetime, days: int
) -> list[tuple[datetime, datetime]]:
    """Opening intervals (UTC) of the calendar's local dates from t's date on, for `days` days."""
    first = _local_date(schedule, t)
    out: list[tuple[datetime, datetime]] = []
    for offset in range(days):
        out.extend(schedule.intervals_on(first + timedelta(days=offset)))
    return out


def merge_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted, with overlapping or touching ranges joined."""
    merged: list[list[time]] = []
    for opens, closes in sorted(ranges):
        if merged and merged[-1][1] == MIDNIGHT:
            break  # the previous range already runs to the end of the day
        if merged and opens <= merged[-1][1]:
            merged[-1][1] = MIDNIGHT if closes == MIDNIGHT else max(merged[-1][1], closes)
        else:
            merged.append([opens, closes])
    return tuple((a, b) for a, b in merged)


def _require_aware(t: datetime) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("office-hours arithmetic needs a time-zone-aware datetime")


def by_local_day(
    intervals: Iterable[tuple[datetime, datetime]], tz: ZoneInfo, first: date, days: int
) -> list[tuple[date, list[tuple[datetime, datetime]]]]:
    """Group UTC intervals by the local date (in tz) they start on, for `days` days from
    first; days without an interval are listed empty (closed)."""
    rows: dict[date, list[tuple[datetime, datetime]]] = {
        first + timedelta(days=i): [] for i in range(days)
    }
    for start, end in intervals:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        if local_start.date() in rows:
            rows[local_start.date()].append((local_start, local_end))
    return list(rows.items())
