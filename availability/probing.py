"""The probes' runners: one HTTP request to the API endpoint, one SMTP injection to the
injection endpoint. Each returns an `Outcome` and never raises: whatever goes wrong is
what the probe found, classified by the contract's rule (`rule.py`)."""

from __future__ import annotations

import http.client
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from .rule import Outcome, http_status_outcome, smtp_reply_outcome

USER_AGENT = "EmailEnterprise-AvailabilityProbe/1"
BODY_PREVIEW = 300


class _Clock:
    def __init__(self):
        self.started = time.monotonic()

    @property
    def ms(self) -> int:
        return round((time.monotonic() - self.started) * 1000)


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return " ".join(str(value).split())


def _failure(clock: _Clock, reply: str, *, server_side: bool, code: int | None = None):
    return Outcome(
        ok=False, server_side=server_side, code=code, latency_ms=clock.ms, reply=_text(reply)
    )


def probe_http(*, method: str, url: str, expected_status: int, timeout: float) -> Outcome:
    """Request `url` once, without following redirects, and compare the status."""
    clock = _Clock()
    connection = None
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return _failure(clock, f"Not an http(s) URL: {url!r}.", server_side=False)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        connection = connection_class(parts.hostname, parts.port, timeout=timeout)
        connection.request(method, path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        body = response.read(BODY_PREVIEW)
    except TimeoutError:
        return _failure(clock, f"No answer within {timeout:g} s.", server_side=True)
    except (OSError, http.client.HTTPException) as exc:
        # Refused, reset, dropped, a name that does not resolve, a TLS failure, a garbled
        # status line: the endpoint could not be used.
        return _failure(clock, f"Connection failed: {exc!r}", server_side=True)
    except Exception as exc:  # noqa: BLE001 - a probe reports, it never raises
        # A port that is not a number and the like: the probe's configuration.
        return _failure(clock, f"The probe could not run: {exc!r}", server_side=False)
    finally:
        if connection is not None:
            connection.close()
    ok, server_side = http_status_outcome(response.status, expected=expected_status)
    reply = f"{response.status} {response.reason}"
    if body.strip():
        reply = f"{reply}: {_text(body)}"
    return Outcome(
        ok=ok,
        server_side=server_side,
        code=response.status,
        latency_ms=clock.ms,
        reply=_text(reply),
    )


def probe_message(*, mail_from: str, rcpt_to: str, helo_name: str) -> bytes:
    message = EmailMessage()
    message["From"] = mail_from or f"probe@{helo_name}"
    message["To"] = rcpt_to
    message["Subject"] = "Availability probe"
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{helo_name}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("A synthetic injection by the availability probes. Discard it.\n")
    return message.as_bytes()


class _StepFailed(Exception):
    def __init__(self, code: int | None, reply):
        super().__init__(code, reply)
        self.code, self.reply = code, reply


def _expect(step: str, answer: tuple[int, bytes], good: tuple[int, ...]) -> tuple[int, bytes]:
    code, reply = answer
    if code not in good:
        raise _StepFailed(code, f"{step}: {code} {_text(reply)}")
    return code, reply


def probe_smtp(
    *,
    host: str,
    port: int,
    starttls: bool,
    username: str,
    password: str,
    mail_from: str,
    rcpt_to: str,
    timeout: float,
    helo_name: str = "localhost",
    tls_context: ssl.SSLContext | None = None,
) -> Outcome:
    """Inject one small message: EHLO, STARTTLS when configured, AUTH with the probe
    credential when one is set, MAIL FROM, RCPT TO the sink address, DATA, QUIT."""
    clock = _Clock()
    if not host or not rcpt_to:
        return _failure(clock, "The probe has no host or no sink address.", server_side=False)
    client = smtplib.SMTP(timeout=timeout, local_hostname=helo_name)
    # QUIT only where the server is still talking; after a timeout or a dropped
    # connection it would wait out the timeout a second time.
    talking = True
    try:
        _expect("connect", client.connect(host, port), (220,))
        _expect("EHLO", client.ehlo(), (250,))
        if starttls:
            _expect("STARTTLS", client.starttls(context=tls_context), (220,))
            _expect("EHLO", client.ehlo(), (250,))
        if username:
            # Raises SMTPAuthenticationError (with its reply code) when refused.
            client.login(username, password)
        _expect("MAIL FROM", client.mail(mail_from), (250,))
        _expect("RCPT TO", client.rcpt(rcpt_to), (250, 251))
        message = probe_message(mail_from=mail_from, rcpt_to=rcpt_to, helo_name=helo_name)
        code, reply = _expect("DATA", client.data(message), (250,))
    except _StepFailed as exc:
        return _smtp_failure(clock, exc.code, exc.reply)
    except smtplib.SMTPResponseException as exc:
        return _smtp_failure(clock, exc.smtp_code, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    except smtplib.SMTPServerDisconnected as exc:
        talking = False
        return _failure(clock, f"Connection dropped: {exc}", server_side=True)
    except TimeoutError:
        talking = False
        return _failure(clock, f"No answer within {timeout:g} s.", server_side=True)
    except smtplib.SMTPException as exc:
        # STARTTLS or AUTH, which the probe is set up to use, is not offered: the probe's
        # configuration does not fit the server, which is not the contract's failure.
        return _failure(clock, f"The server does not fit the probe: {exc}", server_side=False)
    except OSError as exc:
        talking = False
        return _failure(clock, f"Connection failed: {exc!r}", server_side=True)
    except Exception as exc:  # noqa: BLE001 - a probe reports, it never raises
        return _failure(clock, f"The probe could not run: {exc!r}", server_side=False)
    finally:
        _end(client, quit=talking)
    return Outcome(ok=True, code=code, latency_ms=clock.ms, reply=_text(f"{code} {_text(reply)}"))


def _smtp_failure(clock: _Clock, code: int | None, reply) -> Outcome:
    ok, server_side = smtp_reply_outcome(code)
    return _failure(clock, reply, server_side=server_side and not ok, code=code)


def _end(client: smtplib.SMTP, *, quit: bool) -> None:
    try:
        if quit and client.sock is not None:
            client.quit()
    except Exception:  # noqa: BLE001, S110 - the injection's outcome is known already
        pass
    finally:
        client.close()
