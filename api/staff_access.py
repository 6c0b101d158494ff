"""What a staff member may do with API tokens in the admin: decided here, and only here.

Support Managers (and superusers) make staff tokens, for the integrations the vendor
runs, and see and revoke every token. A Technical Account Manager sees and revokes the
tokens of their own accounts' contacts (accounts/staff_access.py decides which accounts),
never a staff token.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.staff_access import limited_to_own_accounts, may_assign_tam

from .models import ApiToken


def tokens_in_scope(user) -> QuerySet[ApiToken]:
    if not user.has_perm("api.view_apitoken"):
        return ApiToken.objects.none()
    if limited_to_own_accounts(user):
        return ApiToken.objects.filter(owner__contact__account__tam=user)
    if not may_assign_tam(user):
        # Other roles with the permission: customers' tokens only.
        return ApiToken.objects.filter(owner__is_staff=False)
    return ApiToken.objects.all()


def may_add_staff_token(user) -> bool:
    """Support Managers (and superusers) make tokens for the vendor's integrations."""
    return user.has_perm("api.add_apitoken") and may_assign_tam(user)


def may_revoke_token(user, token: ApiToken | None = None) -> bool:
    if not user.has_perm("api.change_apitoken"):
        return False
    return token is None or tokens_in_scope(user).filter(pk=token.pk).exists()
