"""Reads for sign-in: when a lockout ends, what a staff member's second factor is."""

from __future__ import annotations

import math
from datetime import datetime

from axes.helpers import get_client_parameters, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import hooks, throttle


def lockout_ends_at(request, credentials=None, *, now: datetime | None = None) -> datetime | None:
    """When the lockout of this login and this client address ends (the later of the two)."""
    now = now or timezone.now()
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    limit = get_failure_limit(request, credentials)
    username = hooks.axes_username(request, credentials)
    ip = getattr(request, "axes_ip_address", None) or hooks.client_ip(request)
    agent = getattr(request, "axes_user_agent", "")
    ends = []
    for lookup in get_client_parameters(username, ip, agent, request, credentials):
        rows = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off, **lookup)
        end = throttle.lockout_ends_at(
            rows.values_list("attempt_time", "failures_since_start"), limit=limit, cool_off=cool_off
        )
        if end is not None:
            ends.append(end)
    return max(ends, default=None)


def lockout_sentence(request, credentials=None, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    ends = lockout_ends_at(request, credentials, now=now)
    if ends is None:
        return _("Too many failed sign-ins. Please try again later.")
    minutes = max(1, math.ceil((ends - now).total_seconds() / 60))
    local = timezone.localtime(ends)
    return ngettext(
        "Too many failed sign-ins with this address or from your network. You can try "
        "again at %(time)s (%(zone)s), in %(minutes)d minute.",
        "Too many failed sign-ins with this address or from your network. You can try "
        "again at %(time)s (%(zone)s), in %(minutes)d minutes.",
        minutes,
    ) % {
        "time": formats.time_format(local, "H:i"),
        "zone": local.tzname(),
        "minutes": minutes,
    }
