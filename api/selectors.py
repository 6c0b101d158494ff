"""Reads of the API's tokens."""

from __future__ import annotations

from .models import ApiToken


def tokens_of(user, account) -> list[ApiToken]:
    """The user's tokens for `account` (their own), newest first, revoked ones included
    (for the record): one query. Tokens they made in an account they left are that
    account's."""
    return list(
        ApiToken.objects.filter(owner=user, account=account).order_by("-created_at", "-id")[:100]
    )


def token_of(user, account, token_id: int) -> ApiToken | None:
    """One of the user's own tokens for `account`; None for anyone else's."""
    return (
        ApiToken.objects.filter(owner=user, account=account, pk=token_id)
        .select_related("owner", "account")
        .first()
    )
