"""Every change of state in sign-in: password-reset requests, second-factor devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import throttle
from .models import PasswordResetRequest

RESET_WINDOW = timedelta(hours=1)
# Rows older than this are of no use to any limit.
RESET_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class ResetDecision:
    mail: bool  # let the link be mailed (if the address belongs to a login)
    client_again_at: datetime | None  # the client address is over its limit until then


@transaction.atomic
def password_reset_request(
    *, email: str, client_ip: str | None, now: datetime | None = None
) -> ResetDecision:
    """Record a request for a reset link and decide whether a link may be mailed: at most
    PASSWORD_RESET_MAILS_PER_ADDRESS_PER_HOUR per address, and at most
    PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR requests from one client address."""
    now = now or timezone.now()
    email = throttle.normalised_login(email) or ""
    PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_KEEP).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gt=now - RESET_WINDOW)
    if client_ip is not None:
        from_client = list(
            recent.filter(client_ip=client_ip).order_by("-requested_at")[
                : settings.PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR
            ]
        )
        if len(from_client) >= settings.PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR:
            # Free again when the oldest of the last `limit` requests leaves the hour.
            return ResetDecision(
                mail=False, client_again_at=from_client[-1].requested_at + RESET_WINDOW
            )
    mailed = recent.filter(email=email, mailed=True).count()
    mail = mailed < settings.PASSWORD_RESET_MAILS_PER_ADDRESS_PER_HOUR
    PasswordResetRequest.objects.create(
        email=email, client_ip=client_ip, requested_at=now, mailed=mail
    )
    return ResetDecision(mail=mail, client_again_at=None)
