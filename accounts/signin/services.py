"""Every change of state in sign-in: password-reset requests, second-factor devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# --- second factor ------------------------------------------------------------------

AUTHENTICATOR = "authenticator"
BACKUP_CODES = "backup codes"
BACKUP_CODE_COUNT = 10


@transaction.atomic
def second_factor_start(*, user) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until the person types a code from it.
    The same one on every visit of the set-up page, so a reload does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    return device


@transaction.atomic
def second_factor_confirm(*, user, device: TOTPDevice) -> list[str]:
    """The person typed a right code from `device`: it becomes their one authenticator, with
    a fresh set of backup codes, returned to be shown once."""
    if device.user_id != user.pk:
        raise ValueError("The authenticator belongs to someone else.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """New backup codes (each works once); the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_remove(*, user) -> None:
    """The person's authenticator and backup codes are gone: a customer turns the second
    factor off, or a Support Manager resets a lost one (the person sets up a new one)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class CodeCheck:
    device: object | None  # the device that took the code; None if no device did
    again_at: datetime | None  # every device waits after too many wrong codes, until then


@transaction.atomic
def second_factor_check(*, user, code: str) -> CodeCheck:
    """Check a code from the person's authenticator, or one of their backup codes (used up
    when it works). Each device slows down after wrong codes (1, 2, 4 … seconds)."""
    devices = [
        *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
        *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
    ]
    waits = []
    for device in devices:
        allowed, why = device.verify_is_allowed()
        if not allowed:
            waits.append(why.get("locked_until"))
            continue
        if device.verify_token(code):
            return CodeCheck(device=device, again_at=None)
    if devices and len(waits) == len(devices) and all(waits):
        return CodeCheck(device=None, again_at=min(waits))
    return CodeCheck(device=None, again_at=None)
