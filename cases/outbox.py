"""Queue a task after the commit; when the broker is down, keep it in the database
(OutboxTask) so the sweep sends it once the broker is back. Nothing is lost."""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxTask

log = logging.getLogger(__name__)


def send_now(task_name: str, *args, **kwargs) -> bool:
    """Queue the task now; on a broker failure store it and return False."""
    try:
        current_app.send_task(task_name, args=args, kwargs=kwargs)
    except Exception as exc:  # noqa: BLE001 - the broker's errors vary by transport
        log.warning("Broker unavailable, %s kept in the outbox: %s", task_name, exc)
        OutboxTask.objects.create(
            task_name=task_name,
            args=list(args),
            kwargs=kwargs,
            created_at=timezone.now(),
            error=str(exc)[:1000],
        )
        return False
    return True


def queue_on_commit(task, *args, **kwargs) -> None:
    """`task.delay(*args)` once the transaction commits, through the outbox."""
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply(args=args, kwargs=kwargs))
        return
    transaction.on_commit(lambda: send_now(task.name, *args, **kwargs))


def drain(limit: int = 500) -> int:
    """Send what the outbox holds, oldest first; each row is claimed by deleting it, so
    two sweeps never send one twice. Returns how many were sent."""
    sent = 0
    for pk in OutboxTask.objects.order_by("id").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            try:
                current_app.send_task(row.task_name, args=row.args, kwargs=row.kwargs)
            except Exception:  # noqa: BLE001 - still down (errors vary by transport): keep it
                return sent
            row.delete()
            sent += 1
    return sent
