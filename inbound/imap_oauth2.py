"""OAuth2 access tokens for signing in to the support mailbox with SASL XOAUTH2.

Both flows are the client-credentials kind: no person signs in.
- Microsoft 365: msal's ConfidentialClientApplication.acquire_token_for_client with the
  scope https://outlook.office365.com/.default, from the app registration's client id and
  secret at the tenant's authority.
- Google Workspace: a service account with domain-wide delegation signs a JWT for the
  mailbox (subject) with the scope https://mail.google.com/ (google-auth).

A token is kept in the process with its expiry and replaced once it is within
REFRESH_MARGIN of it, so a session never starts with a token about to lapse. A token the
IMAP server refused is forgotten, so the next attempt asks for a new one. Every failure
is an ImapTokenError with a sentence naming the provider and what it said.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC

import requests

from .imap_config import ImapAuth, ImapConfig, ImapTokenError

MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
GOOGLE_SCOPE = "https://mail.google.com/"
# Seconds before its expiry that a token is replaced (tokens live an hour).
REFRESH_MARGIN = 300
PROVIDERS = {ImapAuth.MICROSOFT: "Microsoft", ImapAuth.GOOGLE: "Google"}


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    expires_at: float  # seconds since the epoch


class _Session(requests.Session):
    """requests with the configured CA bundle and timeout on every call. The CA bundle is
    passed per request: a session's own `verify` loses to REQUESTS_CA_BUNDLE."""

    def __init__(self, ca_file: str, timeout: float):
        super().__init__()
        self._ca_file = ca_file
        self._timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self._timeout)
        if self._ca_file:
            kwargs["verify"] = self._ca_file
        return super().request(method, url, **kwargs)


def _microsoft(config: ImapConfig, now: float) -> AccessToken:
    import msal

    where = config.oauth2_authority
    try:
        # The authority is taken as given (another cloud's, or a test's): no instance
        # discovery at login.microsoftonline.com.
        app = msal.ConfidentialClientApplication(
            config.oauth2_client_id,
            client_credential=config.oauth2_client_secret,
            authority=config.oauth2_authority,
            instance_discovery=False,
            http_client=_Session(config.oauth2_ca_file, config.timeout),
        )
        result = app.acquire_token_for_client(scopes=[MICROSOFT_SCOPE])
    except (ValueError, requests.RequestException) as exc:
        raise ImapTokenError(f"Microsoft's token endpoint at {where} failed: {exc}") from exc
    if "access_token" not in result:
        detail = result.get("error_description") or result.get("error") or "no token"
        raise ImapTokenError(
            f"Microsoft's token endpoint at {where} refused the application "
            f"{config.oauth2_client_id!r}: {' '.join(str(detail).split())}"
        )
    return AccessToken(result["access_token"], now + float(result.get("expires_in", 0)))


def _google(config: ImapConfig, now: float) -> AccessToken:
    from google.auth.exceptions import GoogleAuthError
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    try:
        credentials = service_account.Credentials.from_service_account_file(
            config.oauth2_service_account_file, scopes=[GOOGLE_SCOPE], subject=config.username
        )
    except (OSError, ValueError) as exc:
        raise ImapTokenError(
            f"The Google service account key {config.oauth2_service_account_file!r} "
            f"cannot be read: {exc}"
        ) from exc
    try:
        credentials.refresh(Request(_Session(config.oauth2_ca_file, config.timeout)))
    except (GoogleAuthError, requests.RequestException) as exc:
        # A RefreshError's first argument is its sentence; the second, the response.
        detail = exc.args[0] if exc.args and isinstance(exc.args[0], str) else exc
        raise ImapTokenError(
            f"Google's token endpoint refused a token for {config.username!r}: {detail}"
        ) from exc
    # google-auth reckons the expiry from its own clock; kept relative to `now`.
    lifetime = credentials.expiry.replace(tzinfo=UTC).timestamp() - time.time()
    return AccessToken(credentials.token, now + lifetime)


_FETCH = {ImapAuth.MICROSOFT: _microsoft, ImapAuth.GOOGLE: _google}
_tokens: dict[tuple, AccessToken] = {}
_lock = threading.Lock()


def _key(config: ImapConfig) -> tuple:
    return (
        str(config.auth),
        config.oauth2_authority,
        config.oauth2_client_id,
        config.oauth2_service_account_file,
        config.username,
    )


def access_token(config: ImapConfig, *, now: float | None = None) -> str:
    """A token for the mailbox, from the process's cache unless it is within
    REFRESH_MARGIN of its expiry."""
    now = time.time() if now is None else now
    key = _key(config)
    with _lock:
        token = _tokens.get(key)
        if token is None or token.expires_at - REFRESH_MARGIN <= now:
            token = _FETCH[ImapAuth(config.auth)](config, now)
            _tokens[key] = token
        return token.value


def forget(config: ImapConfig) -> None:
    """Drop the kept token (the server refused it)."""
    with _lock:
        _tokens.pop(_key(config), None)


def xoauth2(username: str, token: str) -> bytes:
    """The SASL XOAUTH2 initial response (before base64, which imaplib adds)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01".encode()
