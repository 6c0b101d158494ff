"""Reads of the API's tokens."""

from __future__ import annotations

from .models import ApiToken


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (for the record): one query."""
    return list(ApiToken.objects.filter(owner=user).order_by("-created_at", "-id")[:100])


def token_of(user, token_id: int) -> ApiToken | None:
    """One of the user's own tokens; None for anyone else's."""
    return ApiToken.objects.filter(owner=user, pk=token_id).select_related("owner").first()
