"""Who calls the API: `Authorization: Bearer <token>`, checked again on every call."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.access import customer_account

from . import services, tokens
from .models import ApiToken


def speaks_for_owner(token: ApiToken, user) -> bool:
    """A staff token while its owner is staff; a customer's token while its owner is a
    contact of the very account it was made for (one who left, or moved to another
    account, holds a token that speaks for no one)."""
    if token.account_id is None:
        return user.is_staff
    account = customer_account(user)
    return account is not None and account.pk == token.account_id


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A live token of an active login that still speaks for its owner
    (`speaks_for_owner`, on the portal's one rule `customer_account`)."""

    keyword = "Bearer"
    refused = _("The token is not valid: it may be mistyped, revoked or expired.")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        try:
            value = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(self.refused) from None
        if not tokens.looks_like_token(value):
            raise exceptions.AuthenticationFailed(self.refused)
        now = timezone.now()
        token = (
            ApiToken.objects.live(now)
            .select_related("owner__contact__account")
            .filter(token_hash=tokens.token_hash(value))
            .first()
        )
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(self.refused)
        user = token.owner
        if not speaks_for_owner(token, user):
            raise exceptions.AuthenticationFailed(self.refused)
        services.api_token_touch(token, now)
        return user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ReadOnlySessionAuthentication(authentication.SessionAuthentication):
    """A signed-in person reads the API in the browser (the browsable docs); every
    change goes through a token, so no page can be tricked into making one."""

    def authenticate(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return None
        return super().authenticate(request)
