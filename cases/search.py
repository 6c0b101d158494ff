"""What a customer searches their cases for, as the case list's address carries it, and
the one piece of arithmetic it needs: the days typed in the reader's time zone as a
range of moments. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .models import CLOSED_STATUSES, OPEN_STATUSES, Status

# Long enough for a sentence from an error message; a longer text is refused, not cut,
# so the customer sees what was searched.
TEXT_MAX_LENGTH = 200
# The status filter's own values besides the single statuses.
# (Not "closed": that is a single status of its own.)
ANY_OPEN, ANY_CLOSED = "all_open", "all_closed"


@dataclass(frozen=True)
class CaseSearch:
    text: str = ""
    status: str = ""  # "", ANY_OPEN, ANY_CLOSED or one Status value
    severity: str = ""  # "" or one Severity value
    opened_from: datetime | None = None  # inclusive
    opened_before: datetime | None = None  # exclusive

    def statuses(self) -> tuple[str, ...]:
        """The statuses a case may have to be found."""
        if self.status == ANY_OPEN:
            return tuple(OPEN_STATUSES)
        if self.status == ANY_CLOSED:
            return tuple(CLOSED_STATUSES)
        if self.status:
            return (Status(self.status),)
        return (*OPEN_STATUSES, *CLOSED_STATUSES)

    def shows_open(self) -> bool:
        return any(s in OPEN_STATUSES for s in self.statuses())

    def shows_closed(self) -> bool:
        return any(s in CLOSED_STATUSES for s in self.statuses())


NO_SEARCH = CaseSearch()


def opened_range(
    first: date | None, last: date | None, zone: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """The moments from the start of `first` to the end of `last`, both days as the
    reader's calendar has them (a day of 23 or 25 hours on a daylight saving change):
    (inclusive start, exclusive end); None where the day is not given."""
    start = datetime.combine(first, time(), tzinfo=zone) if first else None
    # The next day's midnight, not 24 hours on: the clock may change that day.
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone) if last else None
    return start, end
