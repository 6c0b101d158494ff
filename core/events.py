"""What happened to a customer account, told to whoever listens: the events a service
emits inside its transaction, and the sinks that apps register to hear them.

A service calls `emit(account_id, event_type, data)` after writing its change; each
registered sink is called at once, in the same transaction, so whatever a sink writes
(a webhook delivery row and its outbox task) commits with the change or not at all. Core
imports no app: an app registers its sink in its AppConfig.ready, and a service emits
without knowing who listens.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The events customers' systems may subscribe to; the values are part of the
    published payload and never change."""

    CASE_FILED = "case.filed", _("Support case filed")
    CASE_REPLIED = "case.replied", _("Public reply on a support case")
    CASE_STATUS_CHANGED = "case.status_changed", _("Support case status changed")
    CASE_RESOLUTION_PROPOSED = (
        "case.resolution_proposed",
        _("Resolution proposed, awaiting your answer"),
    )
    CASE_RESOLVED = "case.resolved", _("Support case resolved")
    BLOCKLIST_LISTED = "blocklist.listed", _("Listed on a blocklist")
    BLOCKLIST_DELISTED = "blocklist.delisted", _("Delisted from a blocklist")
    INCIDENT_UPDATED = "incident.updated", _("Platform incident update")


@dataclass(frozen=True)
class Event:
    """One event for each account in `account_ids` (an iterable of ids, or a queryset of
    them: an incident update may concern every account)."""

    type: str
    account_ids: Iterable[int]
    data: dict
    occurred_at: datetime
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


Sink = Callable[[Event], None]
_sinks: list[Sink] = []


def register_sink(sink: Sink) -> None:
    """Listen to every event emitted from now on (idempotent: AppConfig.ready may run
    twice in one process)."""
    if sink not in _sinks:
        _sinks.append(sink)


def emit(
    account_id: int, event_type: str, data: dict, *, occurred_at: datetime | None = None
) -> Event:
    """Tell every sink that `event_type` happened to the account, in the caller's
    transaction. `data` is JSON: what a customer's system may read about it."""
    return emit_to_accounts([account_id], event_type, data, occurred_at=occurred_at)


def emit_to_accounts(
    account_ids: Iterable[int],
    event_type: str,
    data: dict,
    *,
    occurred_at: datetime | None = None,
) -> Event:
    """The same event for each of these accounts (each gets an event of its own)."""
    if event_type not in EventType.values:
        raise LookupError(f"No event type is named {event_type!r}.")
    event = Event(
        type=event_type,
        account_ids=account_ids,
        data=data,
        occurred_at=occurred_at or timezone.now(),
    )
    for sink in list(_sinks):
        sink(event)
    return event
