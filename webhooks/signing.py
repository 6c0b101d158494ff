"""The signature of a delivery, as receivers check it (docs/webhooks.md).

    X-Portal-Signature: v1=<hex HMAC-SHA256 of "{timestamp}.{delivery_id}.{body}">

with the endpoint's secret as the key. The timestamp and the delivery id are signed with
the body, so a receiver that refuses old timestamps cannot be fed a captured delivery
again; a delivery id it has processed already it acknowledges (a retry after a lost
answer). The receiver's check is the recipe in docs/webhooks.md, which the tests run.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "v1"
DELIVERY_HEADER = "X-Portal-Delivery"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
SIGNATURE_HEADER = "X-Portal-Signature"
EVENT_HEADER = "X-Portal-Event"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def headers(
    secret: str, timestamp: int, delivery_id: str, event_type: str, body: bytes
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "EmailEnterpriseSupportPortal-Webhooks/1",
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, delivery_id, body),
    }
