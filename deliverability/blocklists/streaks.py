"""Check runs that could not run because every list failed its test points: the DNS
resolver the checker asks (BLOCKLIST_NAMESERVERS) is down or broken, not the lists.

Staff are alerted once per failure streak; a run that can run ends the streak. Who: the
Support Managers, as for the support mailbox that cannot be read: a broken resolver stops
the monitoring of every account at once, and it is fixed on the service's side, not with
any one customer.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.alerts import Alert
from accounts.models import User
from accounts.services import alert_staff
from core import dates

from .models import CheckFailureStreak, CheckRun

STREAK = 1  # the one row


def _readers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=roles.SUPPORT_MANAGERS)
    )


def _moment(value: datetime | None) -> str:
    if value is None:
        return _("never")
    return dates.date_format(timezone.localtime(value), "j M Y H:i T")


def nameservers_in_use() -> str:
    """The BLOCKLIST_NAMESERVERS setting as the reader of a hint needs it."""
    return ", ".join(settings.BLOCKLIST_NAMESERVERS) or _("empty: the machine's resolver")


def _alert(run: CheckRun, last_success_at: datetime | None) -> Alert:
    """The Support Managers' alert that blocklist checks cannot run (their language)."""
    return Alert(
        kind="blocklist_resolver_failing",
        subject=_("Blocklist checks cannot run: the DNS resolver does not answer"),
        body=_(
            "Every blocklist failed its test points in the check of %(when)s, so the DNS "
            "resolver the checks ask is down or broken (setting BLOCKLIST_NAMESERVERS: "
            "%(nameservers)s). Nothing was checked; customers see that the check could not "
            "run. Last check that ran: %(last)s. You are told once per failure streak."
        )
        % {
            "when": _moment(run.started_at),
            "nameservers": nameservers_in_use(),
            "last": _moment(last_success_at),
        },
        url=settings.PORTAL_BASE_URL
        + reverse("admin:deliverability_checkrun_change", args=[run.pk]),
        data={"run": run.pk},
    )


@transaction.atomic
def record_failure(*, run: CheckRun, now: datetime) -> bool:
    """Count a run that could not run; alert staff if it starts a streak. True if alerted."""
    CheckFailureStreak.objects.get_or_create(pk=STREAK)
    # Locked: two runs failing at once alert once.
    streak = CheckFailureStreak.objects.select_for_update().get(pk=STREAK)
    streak.failed_runs += 1
    streak.failing_since = streak.failing_since or run.started_at or now
    alert = streak.alerted_at is None
    if alert:
        streak.alerted_at = now
        alert_staff(partial(_alert, run, streak.last_success_at), _readers())
    streak.save()
    return alert


def record_success(*, now: datetime) -> None:
    """A run could run: the streak, if any, is over."""
    ended = {"failing_since": None, "failed_runs": 0, "alerted_at": None, "last_success_at": now}
    if not CheckFailureStreak.objects.filter(pk=STREAK).update(**ended):
        CheckFailureStreak.objects.get_or_create(pk=STREAK, defaults=ended)
