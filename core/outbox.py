"""The transactional outbox: how every app queues background work.

`enqueue(task_name, *args)` writes an OutboxTask row in the transaction of the change
that needs the task, so the two commit together or not at all. Once the transaction
commits, the row is handed to the broker and deleted (`send`); a row that is left (the
broker was down, the process died between the commit and the send) is sent by
`drain`, which Celery beat runs every minute. A row is claimed by deleting it in the
transaction that hands it on, so the fast path and any number of drains send it once;
a crash after the broker took it but before the delete committed sends it again, which
the tasks allow for (ids in, idempotent).

Tasks are named, never imported: a module that queues work does not depend on the
module that does it.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxTask

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The broker did not take the task; its row stays for the drain."""


def send_to_broker(task_name: str, args: list, kwargs: dict) -> None:
    try:
        current_app.send_task(task_name, args=args, kwargs=kwargs)
    except Exception as exc:  # the broker's errors vary by transport
        raise BrokerUnavailable(str(exc)) from exc


# How a claimed task is handed on. The test suite puts a function here that runs the task
# in its own process.
publish = send_to_broker


def enqueue(task_name: str, *args, **kwargs) -> OutboxTask:
    """Queue the task named `task_name` with these JSON arguments as part of the current
    transaction: it is sent once the transaction commits, and never if it rolls back."""
    if not _is_a_task(task_name):
        raise LookupError(f"No Celery task is named {task_name!r}.")
    row = OutboxTask.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs, created_at=timezone.now()
    )
    transaction.on_commit(partial(send, row.pk, task_name, row.args, row.kwargs))
    return row


def _is_a_task(task_name: str) -> bool:
    if task_name not in current_app.tasks:
        # A process that queues work need not have imported the tasks modules yet: Celery's
        # autodiscovery imports every app's.
        current_app.loader.import_default_modules()
    return task_name in current_app.tasks


def send(pk: int, task_name: str, args: list, kwargs: dict) -> bool:
    """The fast path, run after the commit: hand the row's task on and delete the row.
    False when it was sent already or the broker is down (the row stays for the drain)."""
    try:
        return _claim_and_publish(pk, task_name, args, kwargs)
    except BrokerUnavailable as exc:
        log.warning("Broker unavailable, %s kept in the outbox: %s", task_name, exc)
        return False


def drain(limit: int = 500) -> int:
    """Send what the outbox still holds, oldest first, until the broker refuses one.
    Returns how many were sent."""
    sent = 0
    rows = OutboxTask.objects.order_by("pk").values_list("pk", "task_name", "args", "kwargs")
    for pk, task_name, args, kwargs in rows[:limit]:
        try:
            sent += _claim_and_publish(pk, task_name, args, kwargs)
        except BrokerUnavailable as exc:  # still down: the rest waits for the next drain
            log.warning("Broker unavailable, %s left in the outbox: %s", task_name, exc)
            break
    return sent


def _claim_and_publish(pk: int, task_name: str, args: list, kwargs: dict) -> bool:
    try:
        with transaction.atomic():
            # The delete is the claim: of two senders, the second deletes nothing (on
            # PostgreSQL it waits for the first to commit, on SQLite the write lock does).
            claimed, _ = OutboxTask.objects.filter(pk=pk).delete()
            if not claimed:
                return False
            publish(task_name, args, kwargs)
    except BrokerUnavailable as exc:
        OutboxTask.objects.filter(pk=pk).update(error=str(exc)[:1000], attempts=F("attempts") + 1)
        raise
    return True
