"""A real IMAP server for tests: Dovecot from Debian (package dovecot-imapd), started on
free loopback ports with its own configuration, its mail in a temporary directory and
one passwd-file user with a non-root uid.

`DovecotServer(tls=False)` listens for plaintext IMAP only (no STARTTLS offered);
`DovecotServer(tls=True)` offers STARTTLS on one port and implicit TLS on another, with
a self-signed certificate for 127.0.0.1 made by openssl; its path is `ca_file`.
`DovecotServer(tls=False, oauth2_introspection_url=URL)` also signs in with SASL XOAUTH2
and OAUTHBEARER through Dovecot's oauth2 passdb, which asks URL (RFC 7662 introspection,
POST) whether a token is active and whose it is; the password still works for `append()`.
Tests deliver messages with `append()`, as an MTA's LMTP/LDA would.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "support"
PASSWORD = "imap-test-password"


def unavailable_reason() -> str | None:
    """Why a Dovecot server cannot run here, or None."""
    if not os.path.exists(DOVECOT):
        return "Dovecot is not installed (Debian package dovecot-imapd)"
    if not shutil.which("openssl"):
        return "openssl is not installed"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A key (readable by its owner only) and a self-signed certificate for 127.0.0.1
    and localhost, made by openssl in `directory`."""
    key, cert = directory / "server.key", directory / "server.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    os.chmod(key, 0o600)
    return key, cert


def _mail_owner() -> tuple[int, int, str]:
    """The uid, gid and name mail is stored under: never root (Dovecot refuses uid 0).
    As root, the unprivileged "nobody"; otherwise the current user."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return entry.pw_uid, entry.pw_gid, entry.pw_name
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid, entry.pw_name


class DovecotServer:
    def __init__(self, *, tls: bool, oauth2_introspection_url: str = ""):
        self.tls = tls
        self.oauth2_introspection_url = oauth2_introspection_url
        self.host = "127.0.0.1"
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.user = USER
        self.password = PASSWORD
        self.ca_file = ""
        self.process: subprocess.Popen | None = None
        # Not under pytest's tmp_path: the unprivileged mail user must be able to
        # reach the mail directory, and pytest's directories are private to root.
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> DovecotServer:
        uid, gid, _ = _mail_owner()
        os.chmod(self.root, 0o755)  # noqa: S103 - Dovecot's mail user must reach it (above)
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, uid, gid)
        (self.root / "run").mkdir()
        (self.root / "state").mkdir()
        passwd = self.root / "passwd"
        passwd.write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{mail}/{self.user}::\n"
        )
        os.chmod(passwd, 0o644)
        if self.tls:
            self._make_certificate()
        config = self.root / "dovecot.conf"
        config.write_text(self._config(passwd, mail) + self._oauth2_config())
        self.log = self.root / "dovecot.log"
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own process group, so that stop() ends the master and its children.
            start_new_session=True,
        )
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The master's own shutdown waits seconds for idle children; the test data
            # is thrown away, so the whole group is ended at once.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _make_certificate(self) -> None:
        key, cert = self_signed_certificate(self.root)
        self.ca_file = str(cert)

    def _config(self, passwd: Path, mail: Path) -> str:
        if os.geteuid() == 0:
            users = "default_internal_user = dovecot\ndefault_login_user = dovenull\n"
        else:
            # Run entirely as the current user: no user switch, no chroot.
            name = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
            users = (
                f"default_internal_user = {name}\ndefault_internal_group = {group}\n"
                f"default_login_user = {name}\n"
            )
        imap = f"  inet_listener imap {{\n    address = {self.host}\n    port = {self.port}\n  }}\n"
        if self.tls:
            ssl_settings = (
                f"ssl = required\nssl_cert = <{self.ca_file}\n"
                f"ssl_key = <{self.root / 'server.key'}\nssl_min_protocol = TLSv1.2\n"
                "disable_plaintext_auth = yes\n"
            )
            listeners = (
                imap + f"  inet_listener imaps {{\n    address = {self.host}\n"
                f"    port = {self.tls_port}\n    ssl = yes\n  }}\n"
            )
        else:
            # Plaintext only for this loopback test server.
            ssl_settings = "ssl = no\ndisable_plaintext_auth = no\n"
            listeners = imap + "  inet_listener imaps {\n    port = 0\n  }\n"
        chroot = "" if os.geteuid() == 0 else "  chroot =\n"
        return f"""\
protocols = imap
listen = {self.host}
base_dir = {self.root / "run"}
state_dir = {self.root / "state"}
instance_name = dovecot-test-{self.port}
log_path = {self.root / "dovecot.log"}
{users}first_valid_uid = 1
mail_location = maildir:~/Maildir
auth_mechanisms = plain login
auth_failure_delay = 0
{ssl_settings}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
{listeners}{chroot}}}
# Failed logins of the tests must not slow down the next ones (anvil's auth penalty).
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def _oauth2_config(self) -> str:
        if not self.oauth2_introspection_url:
            return ""
        args = self.root / "dovecot-oauth2.conf.ext"
        args.write_text(
            f"introspection_mode = post\nintrospection_url = {self.oauth2_introspection_url}\n"
            "force_introspection = yes\nusername_attribute = username\n"
            "active_attribute = active\nactive_value = true\n"
        )
        os.chmod(args, 0o644)
        return (
            "auth_mechanisms = plain login xoauth2 oauthbearer\n"
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {args}\n}}\n"
        )

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 10
        ports = [self.port] + ([self.tls_port] if self.tls_port else [])
        waiting = set(ports)
        while waiting and time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            for port in list(waiting):
                try:
                    with socket.create_connection((self.host, port), timeout=0.2):
                        waiting.discard(port)
                except OSError:
                    pass
            if waiting:
                time.sleep(0.02)
        if waiting:
            err = self.process.stderr.read().decode() if self.process.poll() is not None else ""
            log = self.log.read_text() if self.log.exists() else ""
            self.stop()
            raise RuntimeError(f"Dovecot did not start: {err}\n{log}")

    # --- helpers for tests -----------------------------------------------------------

    def client(self) -> imaplib.IMAP4:
        """A logged-in imaplib connection (the test's own, not the portal's client)."""
        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file)
            conn = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=context, timeout=5)
        else:
            conn = imaplib.IMAP4(self.host, self.port, timeout=5)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        conn = self.client()
        try:
            typ, data = conn.append(f'"{folder}"', flags or None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[int, str, bytes]]:
        """(uid, flags, raw) of each message in a folder; [] if it does not exist."""
        conn = self.client()
        try:
            typ, _ = conn.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            typ, data = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            found = []
            for item in data:
                if isinstance(item, tuple):
                    head = item[0].decode()
                    uid = int(head.split("UID ")[1].split()[0])
                    flags = head.split("FLAGS (")[1].split(")")[0]
                    found.append((uid, flags, item[1]))
            return found
        finally:
            conn.logout()

    def empty(self) -> None:
        """Remove every message and every folder but INBOX, between tests."""
        conn = self.client()
        try:
            typ, data = conn.list()
            for line in data or ():
                if not line:
                    continue
                name = line.decode().rsplit(" ", 1)[-1].strip('"')
                if name.upper() != "INBOX":
                    conn.delete(f'"{name}"')
            typ, data = conn.select("INBOX")
            if int(data[0] or 0):
                conn.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                conn.expunge()
        finally:
            conn.logout()
