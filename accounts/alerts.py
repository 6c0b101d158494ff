"""Alerts to staff: by email and through pluggable notifiers, such as a signed webhook to
which a paging or SMS service can be attached.

A notifier is a class with a `name`, a `from_settings()` classmethod (None when it is not
configured) and `send(alert)`, which raises on failure so the task retries it. The list
of notifiers is the ALERT_NOTIFIERS setting (dotted paths).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

SIGNATURE_HEADER = "X-Portal-Signature"
WEBHOOK_SCHEMES = ("https://", "http://")


class NotifierError(Exception):
    """A notifier could not deliver; delivery is retried."""


@dataclass(frozen=True)
class Alert:
    kind: str  # what happened, e.g. "hotline_call", "sla_warning", "sla_breach"
    subject: str
    body: str
    recipients: tuple[str, ...] = ()  # staff email addresses
    url: str = ""  # where staff act on it
    data: dict = field(default_factory=dict)  # machine-readable details (ids, deadlines)
    # Unique to this alert: a delivery task that runs twice delivers it once, and a
    # webhook's receiver can recognise a repeat.
    key: str = ""

    def to_dict(self) -> dict:
        return {**asdict(self), "recipients": list(self.recipients)}

    @classmethod
    def from_dict(cls, data: dict) -> Alert:
        return cls(**{**data, "recipients": tuple(data["recipients"])})

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    """The webhook signature: HMAC-SHA256 of the exact body bytes with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    """For receivers (and tests): constant-time comparison of the signature header."""
    return hmac.compare_digest(sign(body, secret), signature)


class EmailNotifier:
    name = "email"

    @classmethod
    def from_settings(cls) -> EmailNotifier:
        return cls()

    def send(self, alert: Alert) -> None:
        if not alert.recipients:
            return
        body = f"{alert.body}\n\n{alert.url}\n" if alert.url else alert.body
        EmailMessage(subject=alert.subject, body=body, to=list(alert.recipients)).send()


class WebhookNotifier:
    name = "webhook"

    def __init__(self, url: str, secret: str, timeout: float = 5.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    @classmethod
    def from_settings(cls) -> WebhookNotifier | None:
        if not settings.ALERT_WEBHOOK_URL:
            return None
        return cls(
            settings.ALERT_WEBHOOK_URL,
            settings.ALERT_WEBHOOK_SECRET,
            settings.ALERT_WEBHOOK_TIMEOUT,
        )

    def send(self, alert: Alert) -> None:
        # urllib also opens file: and ftp: URLs; a webhook is only ever HTTP.
        if not self.url.lower().startswith(WEBHOOK_SCHEMES):
            raise NotifierError("The webhook URL must start with https:// or http://.")
        body = alert.to_json()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, self.secret)},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise NotifierError(f"The webhook answered {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NotifierError(f"The webhook could not be reached: {exc}.") from exc
        if not 200 <= status < 300:
            raise NotifierError(f"The webhook answered {status}.")


def notifier_classes() -> list[type]:
    return [import_string(path) for path in settings.ALERT_NOTIFIERS]


def notifier_named(name: str):
    for cls in notifier_classes():
        if cls.name == name:
            return cls.from_settings()
    return None


def active_notifier_names() -> list[str]:
    return [cls.name for cls in notifier_classes() if cls.from_settings() is not None]
