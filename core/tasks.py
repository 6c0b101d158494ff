"""Celery tasks of the core app."""

from celery import shared_task

from . import outbox


@shared_task(name="core.drain_outbox")
def drain_outbox_task() -> int:
    """Beat runs this every minute: what the on-commit sends left in the outbox."""
    return outbox.drain()
