"""One HTTPS POST of a delivery to the checked address, with the certificate verified,
timeouts on the connection and on the whole exchange, no redirects followed and only the
first bytes of the answer read. It never raises: the outcome says what happened."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .addresses import Target

# The answer's body is not kept; a little is read so the receiver is not cut off
# mid-write, and no more, whatever it sends.
READ_AT_MOST = 4096


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    ms: int
    error: str  # a sentence for the delivery log, empty when delivered


class _CheckedConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked, not to what the name resolves to now;
    TLS still verifies the certificate against the URL's host name."""

    def __init__(self, target: Target, *, connect_timeout: float, context: ssl.SSLContext):
        super().__init__(target.host, target.port, timeout=connect_timeout, context=context)
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context(ca_bundle: str) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_bundle or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def post(
    target: Target,
    headers: dict[str, str],
    body: bytes,
    *,
    connect_timeout: float,
    total_timeout: float,
    ca_bundle: str = "",
) -> Outcome:
    started = time.monotonic()
    try:
        context = tls_context(ca_bundle)
    except (OSError, ssl.SSLError):  # the system check names a missing bundle
        return _failed(started, _("The portal's certificate authorities could not be read."))
    connection = _CheckedConnection(target, connect_timeout=connect_timeout, context=context)
    # A receiver that trickles its answer a byte at a time would outlast every socket
    # timeout: at the deadline the connection is shut, whatever it is doing.
    timer = threading.Timer(total_timeout, _shut, args=(connection,))
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        connection.sock.settimeout(max(0.001, total_timeout - (time.monotonic() - started)))
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(READ_AT_MOST)
        status = response.status
    except ssl.SSLCertVerificationError as exc:
        return _failed(started, _("The certificate was refused: %(why)s.") % {"why": exc.reason})
    except TimeoutError:
        return _failed(started, _timed_out(started, connect_timeout, total_timeout))
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() - started >= total_timeout:
            return _failed(started, _timed_out(started, connect_timeout, total_timeout))
        return _failed(
            started, _("The endpoint could not be reached: %(why)s.") % {"why": _why(exc)}
        )
    finally:
        timer.cancel()
        connection.close()
    ms = _ms(started)
    if 200 <= status < 300:
        return Outcome(ok=True, status=status, ms=ms, error="")
    if 300 <= status < 400:
        error = _("The endpoint answered %(status)d, a redirect; redirects are not followed.")
    else:
        error = _("The endpoint answered %(status)d; a 2xx answer was expected.")
    return Outcome(ok=False, status=status, ms=ms, error=error % {"status": status})


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass


def _timed_out(started: float, connect_timeout: float, total_timeout: float) -> str:
    seconds = time.monotonic() - started
    if seconds < connect_timeout + 0.05 and seconds < total_timeout - 0.05:
        return _("The connection timed out after %(seconds)s seconds.") % {
            "seconds": f"{connect_timeout:g}"
        }
    return _("No answer within %(seconds)s seconds.") % {"seconds": f"{total_timeout:g}"}


def _why(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__)[:150]


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _failed(started: float, error: str) -> Outcome:
    return Outcome(ok=False, status=None, ms=_ms(started), error=error[:300])
