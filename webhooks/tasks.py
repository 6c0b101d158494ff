"""Celery tasks of webhooks: thin wrappers over the services, ids in, safe to run twice."""

import smtplib
from datetime import datetime

from celery import shared_task

from core import heartbeats

from . import services

SEND_DUE = "webhooks.send_due"


@shared_task(name=services.DELIVER_TASK)
def deliver_task(delivery_id: int) -> bool:
    """Make the delivery's due attempt; nothing when it is delivered, failed, not due or
    claimed by another worker."""
    return services.delivery_attempt(delivery_pk=delivery_id) is not None


@shared_task(name=SEND_DUE)
def send_due_task(now: str | None = None) -> int:
    """Beat runs this every minute: queue the retries that are due."""
    queued = services.deliveries_send_due(now=datetime.fromisoformat(now) if now else None)
    heartbeats.record(SEND_DUE)
    return queued


@shared_task(
    name=services.PAUSED_MAIL_TASK,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def mail_endpoint_paused_task(endpoint_id: int, paused_at: str) -> int:
    return services.endpoint_paused_mail(endpoint_pk=endpoint_id, paused_at=paused_at)


@shared_task(name="webhooks.purge_deliveries")
def purge_deliveries_task() -> int:
    """Beat runs this daily: the delivery log keeps WEBHOOKS_DELIVERY_RETENTION_DAYS."""
    return services.deliveries_purge()
