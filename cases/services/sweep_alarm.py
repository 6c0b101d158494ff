"""The SLA sweep's own alarm. When beat or every worker has stopped, no sweep runs, so no
SLA warning or breach is sent, and nothing that depends on beat can say so. The web
process can: the next staff admin page (portal/middleware.py) asks `sla_sweep_stale_since`,
which alerts the Support Managers and on-call once per stale streak and tells the page to
show a banner. /health/ fails too (portal/health.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.alerts import Alert
from accounts.selectors import on_call_staff
from accounts.services import alert_staff
from core import heartbeats

from .alerts import managers_and_tam

SWEEP = "cases.sla_sweep"


def sla_sweep_stale_since(*, now: datetime) -> datetime | None:
    """When the sweep last completed, if that is more than HEALTH_SLA_SWEEP_ALARM_MINUTES
    ago; else None. One cache read, and one query when the cache does not hold the time;
    the first caller of a stale streak also alerts staff."""
    last, alarm_sent_at = heartbeats.last(SWEEP)
    if last is None or now - last <= timedelta(minutes=settings.HEALTH_SLA_SWEEP_ALARM_MINUTES):
        return None
    if alarm_sent_at is None:
        _alarm(last_success_at=last, now=now)
    return last


@transaction.atomic
def _alarm(*, last_success_at: datetime, now: datetime) -> None:
    if heartbeats.claim_alarm(SWEEP, last_success_at=last_success_at, now=now):
        readers = [*managers_and_tam(None), *on_call_staff(at=now)]
        alert_staff(partial(_alert, last_success_at), readers)


def _alert(last_success_at: datetime) -> Alert:
    """The alert that the sweep has stopped, in the reader's language and time zone."""
    when = timezone.localtime(last_success_at).strftime("%Y-%m-%d %H:%M %Z")
    return Alert(
        kind="sla_sweep_stopped",
        subject=_("The SLA sweep has not run since %(when)s") % {"when": when},
        body=_(
            "No SLA warning or breach is sent while the sweep is stopped. Check that Celery "
            "beat and at least one worker are running; /health/ shows which part fails. "
            "You are told once until the sweep runs again."
        ),
        url=settings.PORTAL_BASE_URL + reverse("health"),
        data={"last_success_at": last_success_at.isoformat()},
    )
