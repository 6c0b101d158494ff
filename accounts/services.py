"""Every change of state in accounts: one function per action."""

from __future__ import annotations

from django.db import transaction

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
