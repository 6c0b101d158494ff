"""Sign-in throttling: who a request comes from, and when a lockout ends.

Pure functions; the settings are passed in by the callers that django-axes and the
password-reset view call."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime, timedelta


def client_ip(meta: dict, *, behind_proxy: bool, proxy_count: int = 1) -> str | None:
    """The client's address: REMOTE_ADDR, unless a trusted proxy (`proxy_count` of them,
    nearest last) appends the address it saw to X-Forwarded-For. Entries left of those
    the proxies appended were written by the client and are never believed."""
    address = meta.get("REMOTE_ADDR") or None
    if behind_proxy:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxy_count > 0:
            address = hops[-proxy_count]
    if address is None:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def normalised_login(value: str | None) -> str | None:
    """Logins are email addresses in any letter case: one lockout counter per address."""
    if value is None:
        return None
    return value.strip().lower()


def lockout_ends_at(
    attempts: Iterable[tuple[datetime, int]], *, limit: int, cool_off: timedelta
) -> datetime | None:
    """When a lockout ends, given the (last attempt time, failures) of the records that
    count against one lockout parameter (a login or an address).

    A record counts while its last attempt is within the cool-off. The lockout lasts
    until so many records have aged out that fewer than `limit` failures remain: the
    record whose failures bring the newest ones up to the limit is the last to matter.
    None when the failures are below the limit.
    """
    total = 0
    for at, failures in sorted(attempts, key=lambda a: a[0], reverse=True):
        total += failures
        if total >= limit:
            return at + cool_off
    return None
