"""What a staff member may do with an account's sending IPs and domains and with the TAM's
programme (warm-up plans, planning sessions, trend notes, remediation requests): decided
here, and only here, for every admin page and action of this app.

The role table (portal/roles.py) gives the kinds of change; the scope is the account's,
as in accounts/staff_access.py. A TAM changes only their own accounts' objects, and sees
only their own accounts' programme; agents and managers work every account's assets and
remediation requests; managers every account's programme.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts import roles
from accounts.models import Account
from accounts.staff_access import account_in_scope, accounts_in_scope, limited_to_own_accounts

from .models import SendingIP

# The roles that work every account, per kind of object.
EVERY_ACCOUNT_ASSETS = (roles.SUPPORT_AGENTS, roles.SUPPORT_MANAGERS)
EVERY_ACCOUNT_PROGRAMME = (roles.SUPPORT_MANAGERS,)
EVERY_ACCOUNT_REMEDIATION = (roles.SUPPORT_AGENTS, roles.SUPPORT_MANAGERS)


def _permission(user, action: str, model, account, every_account) -> bool:
    if not user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
        return False
    return account is None or action == "view" or account_in_scope(user, account, every_account)


# --- sending IPs and domains ------------------------------------------------------------


def asset_permission(user, action: str, model, account: Account | None = None) -> bool:
    """May `user` view/add/change/delete sending IPs or domains (of `account`)?"""
    return _permission(user, action, model, account, EVERY_ACCOUNT_ASSETS)


def asset_accounts(user) -> QuerySet[Account]:
    """The accounts `user` may add a sending IP or domain to."""
    return accounts_in_scope(user, EVERY_ACCOUNT_ASSETS)


def may_check_assets(user, model, assets) -> bool:
    """Start a blocklist check of the assets' accounts: those who change the assets."""
    return all(asset_permission(user, "change", model, asset.account) for asset in assets)


# --- the TAM's programme -----------------------------------------------------------------


def sees_every_programme(user) -> bool:
    return not limited_to_own_accounts(user, EVERY_ACCOUNT_PROGRAMME)


def programme_visible(user, queryset: QuerySet, account_path: str = "account") -> QuerySet:
    """Plans and sessions: a TAM sees those of their own accounts only."""
    if sees_every_programme(user):
        return queryset
    return queryset.filter(**{f"{account_path}__tam": user})


def programme_permission(user, action: str, model, account: Account | None = None) -> bool:
    return _permission(user, action, model, account, EVERY_ACCOUNT_PROGRAMME)


def programme_accounts(user) -> QuerySet[Account]:
    """The accounts `user` may give a plan, session or trend note."""
    return accounts_in_scope(user, EVERY_ACCOUNT_PROGRAMME)


def programme_ips(user) -> QuerySet[SendingIP]:
    return SendingIP.objects.filter(account__in=programme_accounts(user))


def trend_notes_visible(user, queryset: QuerySet) -> QuerySet:
    """A TAM sees the trend notes they wrote; others every note."""
    return queryset if sees_every_programme(user) else queryset.filter(author=user)


def remediation_permission(user, action: str, model, account: Account | None = None) -> bool:
    """Remediation requests are read by every role that may view them (oversight) and
    worked (steps recorded) by agents and managers, and by the account's TAM."""
    return _permission(user, action, model, account, EVERY_ACCOUNT_REMEDIATION)
