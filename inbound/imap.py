"""A small IMAP client for the designated support mailbox.

TLS is implicit (port 993) or STARTTLS (port 143), and a failure to establish it is an
error, never a quiet fall back to plaintext. Plaintext is possible only when a setting
allows it explicitly and the server is on a loopback address (a test server).

Messages are read by UID with BODY.PEEK[] (reading marks nothing). The caller stores a
message, commits, and only then calls `mark_processed(uid)`: a crash in between means
the message is read again next time, and de-duplication absorbs it.

With `max_bytes`, each message's RFC822.SIZE is asked first; a larger message is not
fetched whole: only its header section (at most HEADER_FETCH_BYTES) comes, marked
`oversized`, and the caller records it and moves it aside with `set_aside(uid)`. The
whole-message fetch is itself partial (<0.max_bytes+1>), so a server that gives a
wrong size cannot make the client read more.

    with ImapMailbox(ImapConfig.from_settings()) as mailbox:
        for message in mailbox.fetch_unprocessed(limit=100, max_bytes=limit):
            if message.oversized:
                record_too_large(message.raw, size=message.size)
                mailbox.set_aside(message.uid)
            else:
                ingest(message.raw)          # commits
                mailbox.mark_processed(message.uid)
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import imap_oauth2
from .imap_config import (
    ImapAuth,
    ImapConfig,
    ImapConnectionError,
    ImapError,
    ImapLoginError,
    ImapTlsError,
    TlsMode,
)

# A keyword flag (RFC 3501 "flag-keyword") that marks what the portal has stored. A
# keyword and not \\Seen: people reading the mailbox must not make the portal skip mail.
PROCESSED_KEYWORD = "SupportPortalProcessed"
# The part of an oversized message's header section that is fetched.
HEADER_FETCH_BYTES = 256 * 1024


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    # The whole message; for an oversized one, its header section only.
    raw: bytes = field(repr=False)
    size: int | None = None
    oversized: bool = False


def _quote(name: str) -> str:
    return '"' + name + '"'


def _text(data) -> str:
    parts = []
    for item in data or ():
        if isinstance(item, bytes):
            parts.append(item.decode("utf-8", "replace"))
        elif isinstance(item, tuple):
            parts.append(" ".join(x.decode("utf-8", "replace") for x in item if x))
    return " ".join(parts).strip()


class ImapMailbox:
    """One session on the support mailbox; use as a context manager."""

    def __init__(self, config: ImapConfig, *, now: float | None = None):
        """`now` (seconds since the epoch) decides whether a kept OAuth2 token is fresh."""
        config.validate()
        self.config = config
        self._now = now
        self._conn: imaplib.IMAP4 | None = None
        self._where = f"{config.host}:{config.effective_port}"
        self._created: set[str] = set()

    # --- session ---------------------------------------------------------------------

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.config.ca_file or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def open(self) -> None:
        config = self.config
        mode = TlsMode(config.tls)
        try:
            if mode is TlsMode.IMPLICIT:
                conn = imaplib.IMAP4_SSL(
                    config.host,
                    config.effective_port,
                    ssl_context=self._ssl_context(),
                    timeout=config.timeout,
                )
            else:
                conn = imaplib.IMAP4(config.host, config.effective_port, timeout=config.timeout)
        except ssl.SSLError as exc:
            raise ImapTlsError(f"TLS with the IMAP server {self._where} failed: {exc}") from exc
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ImapConnectionError(
                f"Could not connect to the IMAP server {self._where}: {exc}"
            ) from exc
        self._conn = conn
        try:
            if mode is TlsMode.STARTTLS:
                self._starttls()
            self._login()
            self._select()
        except BaseException:
            self._abandon()
            raise

    def _starttls(self) -> None:
        conn = self._conn
        if "STARTTLS" not in conn.capabilities:
            raise ImapTlsError(
                f"The IMAP server {self._where} does not offer STARTTLS; "
                "not continuing without TLS."
            )
        try:
            typ, data = conn.starttls(ssl_context=self._ssl_context())
        except ssl.SSLError as exc:
            raise ImapTlsError(
                f"STARTTLS with the IMAP server {self._where} failed: {exc}"
            ) from exc
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ImapTlsError(
                f"STARTTLS with the IMAP server {self._where} failed: {exc}"
            ) from exc
        if typ != "OK" or not isinstance(conn.sock, ssl.SSLSocket):
            raise ImapTlsError(f"STARTTLS with the IMAP server {self._where} failed: {_text(data)}")

    def _login(self) -> None:
        if ImapAuth(self.config.auth) is not ImapAuth.PASSWORD:
            self._login_oauth2()
            return
        try:
            self._conn.login(self.config.username, self.config.password)
        except imaplib.IMAP4.abort as exc:
            raise ImapConnectionError(
                f"The IMAP server {self._where} closed the connection at login: {exc}"
            ) from exc
        except imaplib.IMAP4.error as exc:
            raise ImapLoginError(
                f"The IMAP server {self._where} refused the login of "
                f"{self.config.username!r}: {exc}"
            ) from exc
        except OSError as exc:
            raise ImapConnectionError(f"IMAP login at {self._where} failed: {exc}") from exc

    def _login_oauth2(self) -> None:
        config = self.config
        provider = imap_oauth2.PROVIDERS[ImapAuth(config.auth)]
        if "AUTH=XOAUTH2" not in self._conn.capabilities:
            raise ImapLoginError(
                f"The IMAP server {self._where} does not offer OAuth2 sign-in (XOAUTH2)."
            )
        response = imap_oauth2.xoauth2(
            config.username, imap_oauth2.access_token(config, now=self._now)
        )
        # The first challenge is empty; a second one carries the server's error, which is
        # answered with an empty line as SASL XOAUTH2 asks.
        try:
            self._conn.authenticate("XOAUTH2", lambda challenge: b"" if challenge else response)
        except imaplib.IMAP4.abort as exc:
            raise ImapConnectionError(
                f"The IMAP server {self._where} closed the connection at login: {exc}"
            ) from exc
        except imaplib.IMAP4.error as exc:
            imap_oauth2.forget(config)
            raise ImapLoginError(
                f"The IMAP server {self._where} refused the {provider} OAuth2 token for "
                f"{config.username!r}: {exc}"
            ) from exc
        except OSError as exc:
            raise ImapConnectionError(f"IMAP login at {self._where} failed: {exc}") from exc

    def _select(self) -> None:
        typ, data = self._command("select", _quote(self.config.folder))
        if typ != "OK":
            raise ImapError(
                f"The IMAP folder {self.config.folder!r} on {self._where} "
                f"cannot be opened: {_text(data)}"
            )

    def _abandon(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.shutdown()
        except Exception:  # noqa: BLE001, S110 - the connection is being thrown away
            pass

    def close(self) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            conn.logout()
        except Exception:  # noqa: BLE001 - logging out of a broken session is best effort
            self._abandon()
        self._conn = None

    def _command(self, name: str, *args):
        if self._conn is None:
            raise ImapError("The IMAP session is not open.")
        try:
            return getattr(self._conn, name)(*args)
        except imaplib.IMAP4.abort as exc:
            self._abandon()
            raise ImapConnectionError(f"The IMAP connection to {self._where} broke: {exc}") from exc
        except OSError as exc:  # timeouts included
            self._abandon()
            raise ImapConnectionError(f"IMAP at {self._where} failed: {exc}") from exc
        except imaplib.IMAP4.error as exc:
            raise ImapError(f"IMAP {name} at {self._where} failed: {exc}") from exc

    def _uid(self, command: str, *args):
        return self._command("uid", command, *args)

    # --- reading ---------------------------------------------------------------------

    def unprocessed_uids(self) -> list[int]:
        """UIDs in the folder without the processed keyword, oldest first."""
        typ, data = self._uid("SEARCH", "UNDELETED", "UNKEYWORD", PROCESSED_KEYWORD)
        if typ != "OK":
            raise ImapError(f"IMAP search at {self._where} failed: {_text(data)}")
        uids = []
        for item in data or ():
            if isinstance(item, bytes):
                uids.extend(int(x) for x in item.split() if x.isdigit())
        return sorted(uids)

    def sizes(self, uids: list[int]) -> dict[int, int]:
        """RFC822.SIZE of each message, in one command; a UID that is gone is left out."""
        if not uids:
            return {}
        typ, data = self._uid("FETCH", ",".join(str(int(u)) for u in uids), "(RFC822.SIZE)")
        if typ != "OK":
            raise ImapError(f"IMAP size fetch at {self._where} failed: {_text(data)}")
        found = {}
        for item in data or ():
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid = re.search(rb"UID (\d+)", line)
            size = re.search(rb"RFC822\.SIZE (\d+)", line)
            if uid and size:
                found[int(uid.group(1))] = int(size.group(1))
        return found

    def _section(self, uid: int, section: str, limit: int | None) -> bytes | None:
        """One section of a message (BODY.PEEK[section], at most `limit` bytes)."""
        partial = f"<0.{int(limit)}>" if limit is not None else ""
        typ, data = self._uid("FETCH", str(int(uid)), f"(BODY.PEEK[{section}]{partial})")
        if typ != "OK":
            raise ImapError(f"IMAP fetch of UID {uid} at {self._where} failed: {_text(data)}")
        wanted = f"BODY[{section}]".encode()
        for item in data or ():
            if isinstance(item, tuple) and len(item) == 2 and wanted in item[0].upper():
                # Unsolicited FETCH responses for other messages may come along.
                match = re.search(rb"UID (\d+)", item[0])
                if match is None or int(match.group(1)) == int(uid):
                    return item[1]
        return None

    def fetch(self, uid: int, max_bytes: int | None = None) -> bytes | None:
        """The raw message with this UID (at most max_bytes + 1 bytes), or None when
        it is gone."""
        return self._section(uid, "", None if max_bytes is None else max_bytes + 1)

    def fetch_header(self, uid: int) -> bytes | None:
        """The header section of the message (at most HEADER_FETCH_BYTES)."""
        return self._section(uid, "HEADER", HEADER_FETCH_BYTES)

    def fetch_unprocessed(
        self, limit: int | None = None, max_bytes: int | None = None
    ) -> Iterator[FetchedMessage]:
        """Unprocessed messages one at a time, oldest first, at most `limit`. With
        `max_bytes`, a larger message comes as its header section, `oversized`."""
        uids = self.unprocessed_uids()
        if limit is not None:
            uids = uids[:limit]
        sizes = self.sizes(uids) if max_bytes is not None else {}
        for uid in uids:
            size = sizes.get(uid)
            if max_bytes is not None and size is not None and size > max_bytes:
                header = self.fetch_header(uid)
                if header is not None:
                    yield FetchedMessage(uid=uid, raw=header, size=size, oversized=True)
                continue
            raw = self.fetch(uid, max_bytes)
            if raw is None:
                continue
            if max_bytes is not None and len(raw) > max_bytes:
                # The server's size was wrong; the partial fetch stopped at the limit.
                yield FetchedMessage(uid=uid, raw=raw, size=size, oversized=True)
                continue
            yield FetchedMessage(uid=uid, raw=raw, size=len(raw))

    # --- marking (only after the caller's database commit) ---------------------------

    def mark_processed(self, uid: int, folder: str | None = None) -> None:
        """Mark a message stored: the processed keyword and \\Seen, then (when a
        processed folder is set, or `folder` given) move it there. The keyword comes
        first, so that a move that fails half-way still leaves the message marked."""
        uid_text = str(int(uid))
        typ, data = self._uid("STORE", uid_text, "+FLAGS.SILENT", f"({PROCESSED_KEYWORD} \\Seen)")
        if typ != "OK":
            raise ImapError(f"Marking UID {uid} processed at {self._where} failed: {_text(data)}")
        folder = self.config.processed_folder if folder is None else folder
        if not folder:
            return
        self._ensure_folder(folder)
        if "MOVE" in self._conn.capabilities:
            typ, data = self._uid("MOVE", uid_text, _quote(folder))
            if typ != "OK":
                raise ImapError(
                    f"Moving UID {uid} to {folder!r} at {self._where} failed: {_text(data)}"
                )
            return
        typ, data = self._uid("COPY", uid_text, _quote(folder))
        if typ != "OK":
            raise ImapError(f"Copying UID {uid} to {folder!r} failed: {_text(data)}")
        self._uid("STORE", uid_text, "+FLAGS.SILENT", "(\\Deleted)")
        if "UIDPLUS" in self._conn.capabilities:
            self._uid("EXPUNGE", uid_text)
        else:
            self._command("expunge")

    def set_aside(self, uid: int) -> None:
        """Mark a message that was recorded unread (too large) and move it to the
        oversize folder (created if missing), where staff can find it."""
        self.mark_processed(uid, folder=self.config.oversize_folder)

    def _ensure_folder(self, folder: str) -> None:
        if folder in self._created:
            return
        typ, data = self._command("create", _quote(folder))
        text = _text(data).upper()
        if typ != "OK" and "ALREADYEXISTS" not in text and "EXISTS" not in text:
            raise ImapError(f"The IMAP folder {folder!r} cannot be created: {_text(data)}")
        self._created.add(folder)
