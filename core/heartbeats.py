"""Heartbeats of the periodic jobs: each job's task records its last successful run, and
/health/ (portal/health.py) fails when one is older than twice the job's interval.

The time is also kept in the cache, so a page that looks at it (the staff admin's SLA
sweep alarm) reads the cache, and the database only when the cache has lost it. A cache
that is down costs a query, never a page or a job's run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from .models import Heartbeat

log = logging.getLogger(__name__)

# How long a heartbeat read from the database is trusted from the cache.
CACHE_SECONDS = 30
BEAT = "core.beat_heartbeat"


def cache_key(name: str) -> str:
    return f"heartbeat:{name}"


def record(name: str, *, now: datetime | None = None) -> None:
    """The job `name` has just completed. A success ends a stale streak: the next one
    alerts staff again."""
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_success_at=now, alarm_sent_at=None)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_success_at": now})
    _remember(name, (now, None))


def last(name: str) -> tuple[datetime | None, datetime | None]:
    """(last success, alarm sent at) of the job `name`: one cache read, and one query when
    the cache does not hold it."""
    try:
        seen = cache.get(cache_key(name))
    except Exception as error:  # noqa: BLE001 - each cache backend raises its own
        log.warning("Heartbeats: the cache cannot be read: %s", type(error).__name__)
        seen = None
    if seen is None:
        row = Heartbeat.objects.filter(name=name).values_list("last_success_at", "alarm_sent_at")
        seen = row.first() or (None, None)
        _remember(name, seen)
    return seen


def claim_alarm(name: str, *, last_success_at: datetime, now: datetime) -> bool:
    """True for exactly one caller per stale streak of the job: the one that may tell
    staff. A conditional update, so concurrent web processes claim it once."""
    claimed = Heartbeat.objects.filter(
        name=name, last_success_at=last_success_at, alarm_sent_at__isnull=True
    ).update(alarm_sent_at=now)
    # Else another process claimed it, or the job has just succeeded: read it again.
    _remember(name, (last_success_at, now) if claimed else None)
    return claimed == 1


def _remember(name: str, seen: tuple | None) -> None:
    try:
        if seen is None:
            cache.delete(cache_key(name))
        else:
            cache.set(cache_key(name), seen, CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001 - each cache backend raises its own
        log.warning("Heartbeats: the cache cannot be written: %s", type(error).__name__)
