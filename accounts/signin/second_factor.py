"""Pure helpers of the second factor: the secret as people type it, codes as people type them."""

from __future__ import annotations

import base64
import re


def secret_for_people(hex_key: str) -> str:
    """The TOTP secret in base32, in groups of four, as authenticator apps take it typed."""
    b32 = base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def normalised_code(value: str) -> str:
    """A code as typed: spaces and dashes dropped, backup codes in lower case."""
    return re.sub(r"[\s-]+", "", value or "").lower()
