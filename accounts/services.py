"""Every change of state in accounts: one function per action."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core import outbox
from core.mail import render_mail

from .alerts import Alert, EmailNotifier, active_notifier_names
from .models import AccountEvent, User


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


def alert_staff(build: Callable[[], Alert], readers: Iterable[User]) -> list[str]:
    """Queue the alert `build` makes on every configured notifier through the outbox, in
    the current transaction: an alert that cannot be handed to the broker while it is down
    is sent once it is back. Each reader is mailed in their own language and time zone
    (`build` runs once for each such pair among them); the webhook gets one alert, to them
    all, in the site's. Returns the notifier names used."""
    names = active_notifier_names()
    readers = {user.pk: user for user in readers if user.is_active and user.email}.values()
    groups: dict[tuple[str, str], list[User]] = {}
    for user in readers:
        reading = (user.language or settings.LANGUAGE_CODE, user.time_zone or settings.TIME_ZONE)
        groups.setdefault(reading, []).append(user)
    for name in names:
        if name == EmailNotifier.name:
            for (language, zone), group in sorted(groups.items()):
                alert = _built(build, language, zone, group)
                outbox.enqueue("accounts.tasks.deliver_alert", alert.to_dict(), name)
        else:
            alert = _built(build, settings.LANGUAGE_CODE, settings.TIME_ZONE, readers)
            outbox.enqueue("accounts.tasks.deliver_alert", alert.to_dict(), name)
    return names


def _built(build, language: str, zone: str, readers) -> Alert:
    with translation.override(language), timezone.override(zone):
        alert = build()
    return dataclasses.replace(
        alert, recipients=tuple(sorted(u.email for u in readers)), key=uuid.uuid4().hex
    )


# Why a login's owner gets a link to choose a password: their login was just made, staff
# sent one, or they asked for one ("Forgot your password?").
NEW, FROM_STAFF, ASKED = "new", "staff", "asked"


def login_send_password_link(*, login: User, why: str = FROM_STAFF) -> None:
    """Mail the login's owner Django's link to choose a password, in their language:
    staff never set a customer's password, they send this link instead, and a person
    who forgot theirs gets the same link. Mail errors are raised."""
    context = {
        "user": login,
        "why": why,
        "base_url": settings.PORTAL_BASE_URL,
        "uid": urlsafe_base64_encode(force_bytes(login.pk)),
        "token": default_token_generator.make_token(login),
    }
    with translation.override(login.language):
        mail = render_mail("accounts/emails/password_link", context)
    send_mail(mail.subject, mail.text, None, [login.email])


def account_event_record(
    *, account, kind: str, actor: User | None = None, subject: str = "", detail: str = ""
):
    """Write one entry of the account's audit record, in the caller's transaction."""
    return AccountEvent.objects.create(
        account=account, kind=kind, actor=actor, subject=subject[:300], detail=detail
    )
