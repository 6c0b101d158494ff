"""What a staff member may do with API tokens in the admin: decided here, and only here.

Reading follows the view permission, as for the accounts (TAMs read every account's
customer tokens: oversight); only Support Managers (and superusers) see staff tokens and
make them, for the integrations the vendor runs. Revoking follows the change permission,
scoped like every change to an account (accounts/staff_access.py): a Technical Account
Manager revokes the tokens of their own accounts' contacts only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.staff_access import account_in_scope, may_assign_tam

from .models import ApiToken


def tokens_in_scope(user) -> QuerySet[ApiToken]:
    """The tokens `user` may read (the view permission permitting)."""
    if may_assign_tam(user):
        return ApiToken.objects.all()
    return ApiToken.objects.filter(owner__is_staff=False)


def may_add_staff_token(user) -> bool:
    """Support Managers (and superusers) make tokens for the vendor's integrations."""
    return user.has_perm("api.add_apitoken") and may_assign_tam(user)


def may_revoke_token(user, token: ApiToken | None = None) -> bool:
    if not user.has_perm("api.change_apitoken"):
        return False
    if token is None:
        return True
    if token.owner.is_staff:
        return may_assign_tam(user)
    # The account the token speaks for, wherever its owner is now.
    return account_in_scope(user, token.account) or may_assign_tam(user)
