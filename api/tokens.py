"""API token secrets: how one is made, shown and recognised. No database here.

A token reads `ee_<prefix>_<secret>`. Only the SHA-256 of the whole token is stored;
the prefix is kept in the clear so that a person can tell their tokens apart (and find
one in a leaked log) without the secret.
"""

from __future__ import annotations

import secrets

from core.hashing import token_hash

TOKEN_START = "ee_"  # noqa: S105 - the visible start of every token, no secret
PREFIX_LENGTH = 8
# Far below anything a header may carry, far above a token's own length.
MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str, str]:
    """A fresh token: (the token, its visible prefix, its hash)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_hash(token)


def looks_like_token(value: str) -> bool:
    """Cheap shape check before any query: a wrong header costs nothing."""
    return (
        value.startswith(TOKEN_START)
        and len(value) <= MAX_TOKEN_LENGTH
        and value.isascii()
        and value.count("_") >= 2
    )
