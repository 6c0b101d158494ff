"""When a failed delivery is tried again: backoff that grows from a minute to six hours,
for 24 hours from the delivery's creation, then no more (the endpoint is paused)."""

from __future__ import annotations

from datetime import datetime, timedelta

# The wait after the 1st, 2nd, ... failed attempt; the last one repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
RETRY_FOR = timedelta(hours=24)


def next_attempt_at(*, created_at: datetime, attempts: int, failed_at: datetime) -> datetime | None:
    """The time of the next attempt after `attempts` failed ones, the last at `failed_at`;
    None when it would fall after the 24 hours: the delivery has failed."""
    wait = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    at = failed_at + wait
    if at > created_at + RETRY_FOR:
        return None
    return at


def schedule(created_at: datetime) -> list[datetime]:
    """Every attempt's time when each one fails at once (for the docs and the tests)."""
    times, at, attempts = [created_at], created_at, 1
    while at := next_attempt_at(created_at=created_at, attempts=attempts, failed_at=at):
        times.append(at)
        attempts += 1
    return times
