"""The support mailbox's settings, checked: where it is, how TLS is made, which folders;
and the errors a session on it raises (see imap.py)."""

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
    """The server refused the user name and password."""


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

    @property
    def effective_port(self) -> int:
        if self.port:
            return int(self.port)
        return 993 if TlsMode(self.tls) is TlsMode.IMPLICIT else 143

    @classmethod
    def from_settings(cls, settings=None) -> ImapConfig:
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
        )
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ImapConfigurationError with a sentence when the settings are unsafe."""
        problems = configuration_problems(
            host=self.host,
            tls=str(self.tls),
            allow_plaintext=self.allow_plaintext,
            folders=(self.folder, self.processed_folder, self.oversize_folder),
        )
        if problems:
            raise ImapConfigurationError(" ".join(problems))


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
