"""Real servers on loopback for the availability probes' tests: an HTTP endpoint and an
SMTP injection endpoint (aiosmtpd) whose behaviour a test switches between answers."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class HttpEndpoint:
    """An API endpoint on 127.0.0.1 and a random port. `mode`: "200", "500", "503", "404"
    (any status as a string) or "hang", which answers nothing for `hang_seconds`."""

    def __init__(self, mode: str = "200", *, hang_seconds: float = 5.0):
        self.mode = mode
        self.hang_seconds = hang_seconds
        self.requests: list[tuple[str, str]] = []
        self._released = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                endpoint.requests.append((self.command, self.path))
                if endpoint.mode == "hang":
                    endpoint._released.wait(endpoint.hang_seconds)
                    return
                status = int(endpoint.mode)
                body = b'{"status": "ok"}' if status < 400 else b'{"error": "unavailable"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/health"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._released.set()
        self.server.shutdown()
        self.server.server_close()


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, endpoint: SmtpEndpoint):
        self.endpoint = endpoint

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.endpoint.credential is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if self.endpoint.mode == "421":
            return "421 4.3.2 Service not available, closing transmission channel"
        if self.endpoint.mode == "drop":
            server.transport.close()
            return "250 OK"  # never reaches the client: the connection is gone
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.endpoint.mode == "451":
            return "451 4.3.0 Requested action aborted: local error in processing"
        self.endpoint.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 2.0.0 Message accepted for delivery"


class SmtpEndpoint:
    """An SMTP injection endpoint on 127.0.0.1 (aiosmtpd). `mode`: "accept", "421" (to
    MAIL FROM), "451" (to the end of DATA) or "drop" (the connection is closed at MAIL
    FROM). With `credential` (user, password), AUTH PLAIN/LOGIN accepts that one only
    and mail is refused without it. No STARTTLS."""

    def __init__(self, mode: str = "accept", *, credential: tuple[str, str] | None = None):
        self.mode = mode
        self.credential = credential
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.port = free_tcp_port()
        options = {}
        if credential is not None:
            # AUTH without TLS: loopback and a test credential. Mail without AUTH is
            # refused at MAIL FROM (_Handler), as aiosmtpd's auth_required would.
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, **options
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode(), auth_data.password.decode())
        # handled=False: the server answers 535 itself when the credential is wrong.
        return AuthResult(success=given == self.credential, handled=False)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
