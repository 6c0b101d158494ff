"""Work that must happen once although its task may run twice.

Tasks are acknowledged late: a worker killed after a mail went out but before the
broker heard so, or an outbox row handed on twice, runs the task again. `once(key, work)`
inserts a DoneOnce row for the key and runs `work` in the same transaction: a second run
finds the row and does nothing; a concurrent one waits on the unique index until the
first commits (then does nothing) or rolls back (then does the work itself); work that
raises leaves no row, so a retry does it. What is left is the moment between a mail
server taking a mail and the commit: a process killed exactly then sends it again on the
redelivery, the at-least-once that nothing short of the mail server's own records avoids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DoneOnce

T = TypeVar("T")

# Far longer than any redelivery can come after the first run (the broker's visibility
# timeout, the retries' backoff).
KEEP = timedelta(days=30)


def once(key: str, work: Callable[[], T]) -> T | None:
    """Run `work` unless the work of `key` was done already; returns its result, or
    None when it was done before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                DoneOnce.objects.create(key=key[:200], done_at=timezone.now())
        except IntegrityError:
            return None
        return work()


def purge(*, now=None) -> int:
    """Forget keys older than KEEP; returns how many."""
    before = (now or timezone.now()) - KEEP
    deleted, _ = DoneOnce.objects.filter(done_at__lt=before).delete()
    return deleted
