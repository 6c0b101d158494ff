"""Every change of state in accounts: one function per action."""

from __future__ import annotations

from django.db import transaction

from . import tasks
from .alerts import Alert, active_notifier_names
from .models import User


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, phone: str, language: str, time_zone: str
) -> User:
    user.full_name = full_name
    user.phone = phone
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "language", "time_zone"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    return user


def alert_staff(alert: Alert) -> list[str]:
    """Queue `alert` on every configured notifier once the current transaction commits,
    through the outbox: an alert that cannot be queued while the broker is down is sent
    by the next sweep. Returns the notifier names used."""
    # The outbox's table belongs to the cases app, which builds on this one.
    from cases.outbox import queue_on_commit

    names = active_notifier_names()
    payload = alert.to_dict()
    for name in names:
        queue_on_commit(tasks.deliver_alert, payload, name)
    return names
