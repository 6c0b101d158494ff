"""The support mailbox's settings, checked: where it is, how TLS is made, how the poller
signs in (a password, or an OAuth2 token: imap_oauth2.py), which folders; and the errors
a session on it raises (see imap.py)."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field


class ImapError(Exception):
    """Any failure to read the support mailbox; the message says what and where."""


class ImapConfigurationError(ImapError):
    """The settings ask for something unsafe or impossible."""


class ImapConnectionError(ImapError):
    """The server could not be reached, or the connection broke."""


class ImapTlsError(ImapConnectionError):
    """TLS could not be established; the client does not continue without it."""


class ImapLoginError(ImapError):
    """The server refused the user name and password, or the OAuth2 token."""


class ImapTokenError(ImapLoginError):
    """No OAuth2 token could be had: the identity provider refused or was unreachable."""


class ImapAuth(enum.StrEnum):
    PASSWORD = "password"  # noqa: S105 - the name of a sign-in method
    # SASL XOAUTH2 with a token of the client-credentials flow (msal): Microsoft 365,
    # where basic authentication is off for IMAP.
    MICROSOFT = "oauth2-microsoft"
    # SASL XOAUTH2 with a service account's token, delegated to the mailbox: Google
    # Workspace.
    GOOGLE = "oauth2-google"


MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/"


class TlsMode(enum.StrEnum):
    IMPLICIT = "implicit"
    STARTTLS = "starttls"
    NONE = "none"


@dataclass(frozen=True)
class ImapConfig:
    host: str
    username: str
    password: str = field(repr=False)
    port: int | None = None
    folder: str = "INBOX"
    # Empty: processed messages stay in the folder with the processed keyword.
    processed_folder: str = ""
    # Messages set aside unread (too large) are moved here; empty: they stay, marked.
    oversize_folder: str = ""
    tls: TlsMode | str = TlsMode.IMPLICIT
    allow_plaintext: bool = False
    # A CA bundle for a private or self-signed server certificate; default: the system's.
    ca_file: str = ""
    timeout: float = 30.0
    auth: ImapAuth | str = ImapAuth.PASSWORD
    oauth2_client_id: str = ""
    oauth2_client_secret: str = field(default="", repr=False)
    # Microsoft: https://login.microsoftonline.com/<tenant id>.
    oauth2_authority: str = ""
    # Google: the service account's JSON key file (domain-wide delegation).
    oauth2_service_account_file: str = ""
    # A CA bundle for the token endpoint's certificate; default: the system's.
    oauth2_ca_file: str = ""

    @property
    def effective_port(self) -> int:
        if self.port:
            return int(self.port)
        return 993 if TlsMode(self.tls) is TlsMode.IMPLICIT else 143

    @classmethod
    def from_settings(cls, settings=None, *, validate: bool = True) -> ImapConfig:
        if settings is None:
            from django.conf import settings
        config = cls(
            host=settings.INBOUND_IMAP_HOST,
            port=settings.INBOUND_IMAP_PORT,
            username=settings.INBOUND_IMAP_USER,
            password=settings.INBOUND_IMAP_PASSWORD,
            folder=settings.INBOUND_IMAP_FOLDER,
            processed_folder=settings.INBOUND_IMAP_PROCESSED_FOLDER,
            oversize_folder=settings.INBOUND_IMAP_OVERSIZE_FOLDER,
            tls=settings.INBOUND_IMAP_TLS,
            allow_plaintext=settings.INBOUND_IMAP_ALLOW_PLAINTEXT,
            ca_file=settings.INBOUND_IMAP_CA_FILE,
            timeout=settings.INBOUND_IMAP_TIMEOUT,
            auth=settings.INBOUND_IMAP_AUTH,
            oauth2_client_id=settings.INBOUND_IMAP_OAUTH2_CLIENT_ID,
            oauth2_client_secret=settings.INBOUND_IMAP_OAUTH2_CLIENT_SECRET,
            oauth2_authority=microsoft_authority(settings),
            oauth2_service_account_file=settings.INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE,
            oauth2_ca_file=settings.INBOUND_IMAP_OAUTH2_CA_FILE,
        )
        if validate:
            config.validate()
        return config

    def validate(self) -> None:
        """Raise ImapConfigurationError with a sentence when the settings are unsafe."""
        problems = self.problems()
        if problems:
            raise ImapConfigurationError(" ".join(problems))

    def problems(self) -> list[str]:
        """Sentences naming each unsafe or impossible setting (the system check's too)."""
        return configuration_problems(
            host=self.host,
            tls=str(self.tls),
            allow_plaintext=self.allow_plaintext,
            folders=(self.folder, self.processed_folder, self.oversize_folder),
        ) + auth_problems(
            auth=str(self.auth),
            username=self.username,
            client_id=self.oauth2_client_id,
            client_secret=self.oauth2_client_secret,
            authority=self.oauth2_authority,
            service_account_file=self.oauth2_service_account_file,
        )


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def configuration_problems(*, host: str, tls: str, allow_plaintext: bool, folders=()) -> list[str]:
    """Sentences naming each unsafe or impossible IMAP setting; empty when all is well.
    Shared by the system check (inbound/checks.py) and the client itself."""
    problems = []
    if not host:
        problems.append("INBOUND_IMAP_HOST is empty.")
    if tls not in {m.value for m in TlsMode}:
        problems.append(
            f"INBOUND_IMAP_TLS is {tls!r}; use 'implicit' (port 993) or 'starttls' (port 143)."
        )
    elif tls == TlsMode.NONE:
        if not allow_plaintext:
            problems.append(
                "INBOUND_IMAP_TLS is 'none', which sends the password in plaintext; "
                "it needs INBOUND_IMAP_ALLOW_PLAINTEXT=true and a loopback server."
            )
        elif host and not is_loopback(host):
            problems.append(
                f"INBOUND_IMAP_TLS is 'none' but {host} is not a loopback address; "
                "plaintext IMAP is allowed only for a server on this machine."
            )
    for folder in folders:
        if folder and (not folder.isascii() or any(c in folder for c in '\r\n"\\')):
            problems.append(
                f"The IMAP folder name {folder!r} must be plain ASCII without quotes, "
                "backslashes or line breaks."
            )
    return problems


def microsoft_authority(settings) -> str:
    """INBOUND_IMAP_OAUTH2_AUTHORITY, else Microsoft's for INBOUND_IMAP_OAUTH2_TENANT."""
    if settings.INBOUND_IMAP_OAUTH2_AUTHORITY:
        return settings.INBOUND_IMAP_OAUTH2_AUTHORITY.rstrip("/")
    if settings.INBOUND_IMAP_OAUTH2_TENANT:
        return MICROSOFT_AUTHORITY + settings.INBOUND_IMAP_OAUTH2_TENANT
    return ""


def auth_problems(
    *,
    auth: str,
    username: str,
    client_id="",
    client_secret="",
    authority="",
    service_account_file="",
) -> list[str]:
    """Sentences naming each missing or impossible sign-in setting; empty when all is well."""
    if auth not in {a.value for a in ImapAuth}:
        return [
            f"INBOUND_IMAP_AUTH is {auth!r}; use 'password', 'oauth2-microsoft' or 'oauth2-google'."
        ]
    problems = []
    if auth != ImapAuth.PASSWORD and not username:
        problems.append(f"INBOUND_IMAP_AUTH is {auth!r}: INBOUND_IMAP_USER names the mailbox.")
    if auth == ImapAuth.MICROSOFT:
        if not client_id or not client_secret:
            problems.append(
                "INBOUND_IMAP_AUTH is 'oauth2-microsoft': it needs "
                "INBOUND_IMAP_OAUTH2_CLIENT_ID and INBOUND_IMAP_OAUTH2_CLIENT_SECRET."
            )
        if not authority:
            problems.append(
                "INBOUND_IMAP_AUTH is 'oauth2-microsoft': it needs INBOUND_IMAP_OAUTH2_TENANT "
                "(or INBOUND_IMAP_OAUTH2_AUTHORITY)."
            )
        elif not authority.startswith("https://"):
            problems.append(
                f"INBOUND_IMAP_OAUTH2_AUTHORITY is {authority!r}; it must be an https:// address."
            )
    if auth == ImapAuth.GOOGLE and not service_account_file:
        problems.append(
            "INBOUND_IMAP_AUTH is 'oauth2-google': it needs "
            "INBOUND_IMAP_OAUTH2_SERVICE_ACCOUNT_FILE (the service account's JSON key)."
        )
    return problems
