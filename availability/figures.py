"""Monthly availability from outages, pure: no database, time passed in.

An outage is a period (start, end); an end of None means it is still going on at `now`.
A month is measured in UTC, from its first day at midnight to the next month's.

Only the part of the month that has happened is measured: before the month ends, the
percentage is the share of the elapsed time (up to `now`) in which the component was
available, not of the whole month. Counting the rest of the month as available would
show a figure nobody measured, and one that looks better the earlier in the month it is
read (a ten-hour outage on the 2nd would read 98.6% instead of the 80% of the time so
far); once the month is over both ways give the same figure. Likewise only the time since
measuring began (`since`, the probes' first result) is measured: a month that has not
begun, or that ended before measuring began, has no figure (None), never 100%.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

Interval = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class MonthFigure:
    month: date  # the first day of the month
    measured: timedelta  # the part of the month that has happened
    unavailable: timedelta

    @property
    def minutes_unavailable(self) -> float:
        return self.unavailable.total_seconds() / 60

    @property
    def whole_minutes_unavailable(self) -> int:
        """Rounded up: a part of a minute unavailable still shows."""
        return math.ceil(self.minutes_unavailable)

    @property
    def percentage(self) -> float | None:
        """Percentage of the measured time the component was available, 0 to 100; None
        when none of the month was measured (not begun, or before measuring began)."""
        if not self.measured:
            return None
        return 100 * (1 - self.unavailable / self.measured)

    @property
    def share(self) -> float | None:
        """The same as a share, 0 to 1."""
        percentage = self.percentage
        return None if percentage is None else percentage / 100


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month of `month` as UTC datetimes: its first midnight and the next month's."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def months_back(month: date, count: int) -> list[date]:
    """`count` months ending with `month`, oldest first."""
    year, index = month.year, month.month - 1
    firsts = []
    for back in range(count - 1, -1, -1):
        y, m = divmod(index - back, 12)
        firsts.append(date(year + y, m + 1, 1))
    return firsts


def merged(outages: Iterable[Interval], now: datetime) -> list[tuple[datetime, datetime]]:
    """The outages as disjoint periods, in order: ongoing ones end at `now`, overlapping
    and touching ones are joined, empty ones (and what starts after `now`) dropped."""
    closed = []
    for start, end in outages:
        end = now if end is None else min(end, now)
        if end > start:
            closed.append((start, end))
    closed.sort()
    periods: list[tuple[datetime, datetime]] = []
    for start, end in closed:
        if periods and start <= periods[-1][1]:
            if end > periods[-1][1]:
                periods[-1] = (periods[-1][0], end)
        else:
            periods.append((start, end))
    return periods


def not_measured(month: date) -> MonthFigure:
    """A month nobody measured: no figure."""
    return MonthFigure(month=month_start(month), measured=timedelta(0), unavailable=timedelta(0))


def month_figure(
    outages: Iterable[Interval], month: date, now: datetime, *, since: datetime | None = None
) -> MonthFigure:
    """Time unavailable and measured in the month of `month`, from `since` (measuring
    began; None: before the month) up to `now`. Outages before `since` do not count."""
    start, end = month_bounds(month)
    if since is not None:
        start = min(max(start, since), end)
    end = max(start, min(end, now))
    unavailable = timedelta(0)
    for a, b in merged(outages, now):
        a, b = max(a, start), min(b, end)
        if b > a:
            unavailable += b - a
    return MonthFigure(month=month_start(month), measured=end - start, unavailable=unavailable)
