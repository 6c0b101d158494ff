"""Celery tasks of inbound mail: thin, ids in, idempotent."""

from __future__ import annotations

from celery import shared_task

from core import heartbeats

from . import mail, polling, services
from .models import InboundMessage


@shared_task(name="inbound.send_acknowledgement", autoretry_for=(OSError,), retry_backoff=True)
def send_acknowledgement(inbound_id: int) -> bool:
    row = InboundMessage.objects.select_related("case__requester").filter(pk=inbound_id).first()
    if row is None or row.case is None:
        return False
    return mail.send_acknowledgement(row)


@shared_task(name="inbound.send_access_reply", autoretry_for=(OSError,), retry_backoff=True)
def send_access_reply(inbound_id: int) -> bool:
    row = InboundMessage.objects.filter(pk=inbound_id).first()
    if row is None or not row.from_address:
        return False
    mail.send_access_reply(row)
    return True


@shared_task(name="inbound.send_held_notice", autoretry_for=(OSError,), retry_backoff=True)
def send_held_notice(inbound_id: int) -> bool:
    row = InboundMessage.objects.filter(pk=inbound_id).first()
    if row is None or not row.from_address:
        return False
    return mail.send_held_notice(row)


@shared_task(name="inbound.poll_mailbox")
def poll_mailbox_task() -> dict:
    result = polling.poll_mailbox()
    # A poll that read the mailbox; not one skipped (no mailbox, waiting after failures).
    if "error" not in result and "skipped" not in result:
        heartbeats.record("inbound.poll_mailbox")
    return result


@shared_task(name="inbound.purge_raw_messages")
def purge_raw_messages_task() -> int:
    return services.purge_raw_messages()
