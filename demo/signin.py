"""Demo data for sign-in: an authenticator for every demo staff login, so a newcomer can
sign in to the admin with its code (the seed command prints each secret and URI)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.signin import second_factor, services


def seed() -> list[tuple[str, str, str]]:
    for user in _demo_staff():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=services.AUTHENTICATOR, confirmed=True)
    return []


def authenticators() -> list[tuple[str, str, str]]:
    """(email, secret as typed into an app, otpauth URI) of every demo staff login."""
    devices = TOTPDevice.objects.filter(user__in=_demo_staff(), confirmed=True).select_related(
        "user"
    )
    return sorted(
        (d.user.email, second_factor.secret_for_people(d.key), d.config_url) for d in devices
    )


def _demo_staff():
    from demo.accounts import STAFF

    emails = ["admin@example.com", *(row[0] for row in STAFF)]
    return User.objects.filter(email__in=emails, is_staff=True).order_by("email")
