"""Celery tasks of the core app."""

from celery import shared_task

from . import heartbeats, once, outbox


@shared_task(name="core.drain_outbox")
def drain_outbox_task() -> int:
    """Beat runs this every minute: what the on-commit sends left in the outbox."""
    return outbox.drain()


@shared_task(name=heartbeats.BEAT)
def beat_heartbeat_task() -> None:
    """Beat runs this every minute and does nothing else: its heartbeat says that beat
    and a worker are alive, whatever the other jobs do."""
    heartbeats.record(heartbeats.BEAT)


@shared_task(name="core.purge_done_once")
def purge_done_once_task() -> int:
    """Beat runs this daily: keys of work done once, past any redelivery."""
    return once.purge()
