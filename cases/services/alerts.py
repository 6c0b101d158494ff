"""Who the staff alerts about critical issues go to, and the page they link to."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import roles
from accounts.models import Account


def case_admin_url(case_id: int | None) -> str:

    if case_id is None:
        return settings.PORTAL_BASE_URL + reverse("admin:cases_hotlinecall_changelist")
    return settings.PORTAL_BASE_URL + reverse("admin:cases_case_change", args=[case_id])


def emails_of(users) -> tuple[str, ...]:
    return tuple(sorted({u.email for u in users if u.email}))


def managers_and_tam(account: Account | None) -> tuple[str, ...]:
    users = list(
        get_user_model().objects.filter(
            is_active=True, is_staff=True, groups__name=roles.SUPPORT_MANAGERS
        )
    )
    if account is not None and account.tam_id:
        users.append(account.tam)
    return emails_of(users)
