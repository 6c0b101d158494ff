"""Amazon SNS message signatures, verified as AWS documents it ("Verifying the
signatures of Amazon SNS messages"): the signing certificate comes only from an
https://sns.<region>.amazonaws.com(.cn)/....pem address (fetched over TLS with the
system's CAs, then kept in the process by address), the canonical string of the
message's fields is checked against `Signature` (RSA PKCS#1 v1.5 with SHA1 for
SignatureVersion 1, SHA256 for 2), and the topic must be one the settings name.

anymail's Amazon SES webhook checks the basic-auth secret and that the SNS headers
match the body, but not this signature; inbound/webhooks.py adds it.
"""

from __future__ import annotations

import base64
import re
import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNING_CERT_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),  # fmt: skip
}
FIELDS["UnsubscribeConfirmation"] = FIELDS["SubscriptionConfirmation"]
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
FETCH_TIMEOUT = 10

_certificates: dict[str, x509.Certificate] = {}
_lock = threading.Lock()


class SnsSignatureError(Exception):
    """The message is not signed by Amazon SNS for one of our topics."""


def string_to_sign(message: dict) -> bytes:
    """The canonical form SNS signs: each present field's name and value, one a line."""
    names = FIELDS.get(message.get("Type", ""))
    if names is None:
        raise SnsSignatureError(f"Unknown SNS message type {message.get('Type')!r}.")
    lines = []
    for name in names:
        if name in message and message[name] is not None:
            lines += [name, str(message[name])]
    return ("\n".join(lines) + "\n").encode()


def check_certificate_url(url: str) -> None:
    parts = urlsplit(url or "")
    if (
        parts.scheme != "https"
        or not SIGNING_CERT_HOST.match(parts.hostname or "")
        or parts.port not in (None, 443)
        or not parts.path.endswith(".pem")
    ):
        raise SnsSignatureError(
            f"The SNS signing certificate {url!r} is not at an Amazon SNS address."
        )


def signing_certificate(url: str) -> x509.Certificate:
    """The certificate at `url` (an Amazon SNS address), kept in the process."""
    check_certificate_url(url)
    with _lock:
        certificate = _certificates.get(url)
    if certificate is None:
        try:
            response = requests.get(url, timeout=FETCH_TIMEOUT)
            response.raise_for_status()
            certificate = x509.load_pem_x509_certificate(response.content)
        except (requests.RequestException, ValueError) as exc:
            raise SnsSignatureError(
                f"The SNS signing certificate {url!r} cannot be had: {exc}"
            ) from exc
        with _lock:
            _certificates[url] = certificate
    return certificate


def verify(message: dict, *, topics: list[str], now: datetime | None = None) -> None:
    """Raise SnsSignatureError with a sentence unless Amazon SNS signed `message` for
    one of `topics`."""
    topic = message.get("TopicArn", "")
    if topic not in topics:
        raise SnsSignatureError(
            f"The SNS topic {topic!r} is not in INBOUND_WEBHOOK_SES_TOPIC_ARNS."
        )
    algorithm = HASHES.get(str(message.get("SignatureVersion", "")))
    if algorithm is None:
        raise SnsSignatureError(
            f"Unknown SNS SignatureVersion {message.get('SignatureVersion')!r}."
        )
    try:
        signature = base64.b64decode(message.get("Signature") or "", validate=True)
    except ValueError as exc:
        raise SnsSignatureError("The SNS signature is not base64.") from exc
    certificate = signing_certificate(message.get("SigningCertURL", ""))
    now = now or datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SnsSignatureError("The SNS signing certificate is not valid now.")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SnsSignatureError("The SNS signing certificate has no RSA key.")
    try:
        key.verify(signature, string_to_sign(message), padding.PKCS1v15(), algorithm())
    except InvalidSignature as exc:
        raise SnsSignatureError("The SNS signature does not match the message.") from exc
