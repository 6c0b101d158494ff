"""An OAuth2 authorisation server for tests, on loopback: what Microsoft's identity
platform and Google's token endpoint offer a mailbox poller, and the token introspection
Dovecot's oauth2 passdb asks.

Two listeners share one state. `https_url` (a self-signed certificate for 127.0.0.1,
`ca_file`) serves, as msal and google-auth insist on HTTPS:
- GET  /<tenant>/v2.0/.well-known/openid-configuration   (msal's tenant discovery)
- POST /<tenant>/oauth2/v2.0/token    client credentials: client id, secret and scope checked
- POST /google/token                  a service account's JWT bearer assertion, its signature
                                      (the account's public key), subject and scope checked
`introspection_url` (plain HTTP, for Dovecot) answers POST token=... with
{"active": true|false, "username": ...}.

Each issued token is valid for `expires_in` seconds for the poller; the server itself
believes a token until the test calls `expire(token)`. `reject_all = True` makes the
introspection refuse every token (a token the mailbox does not accept).
"""

from __future__ import annotations

import json
import secrets
import shutil
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import jwt

from tests.imap_server import self_signed_certificate

TENANT = "00000000-0000-4000-8000-000000000016"
CLIENT_ID = "11111111-2222-4333-8444-555555555555"
CLIENT_SECRET = "test-client-secret"
MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
GOOGLE_SCOPE = "https://mail.google.com/"


class OAuth2Server:
    def __init__(self, *, username: str, expires_in: int = 3600):
        self.username = username
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.token_requests: list[dict] = []
        self.introspected: list[str] = []
        self.expired: set[str] = set()
        self.reject_all = False
        self.google_public_key = None
        self.google_subject = ""
        self._lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="oauth2-test-"))
        self.ca_file = ""
        self._servers: list[ThreadingHTTPServer] = []

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> OAuth2Server:
        key, cert = self_signed_certificate(self.root)
        self.ca_file = str(cert)
        handler = _handler(self)
        https = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        https.socket = context.wrap_socket(https.socket, server_side=True)
        plain = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._servers = [https, plain]
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.https_url = f"https://127.0.0.1:{https.server_address[1]}"
        self.introspection_url = f"http://127.0.0.1:{plain.server_address[1]}/introspect"
        self.authority = f"{self.https_url}/{TENANT}"
        self.google_token_uri = f"{self.https_url}/google/token"
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> OAuth2Server:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- for tests -----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.issued.clear()
            self.token_requests.clear()
            self.introspected.clear()
            self.expired.clear()
            self.reject_all = False

    def expire(self, token: str) -> None:
        self.expired.add(token)

    def is_active(self, token: str) -> bool:
        return not self.reject_all and token in self.issued and token not in self.expired

    def issue(self, form: dict) -> str:
        with self._lock:
            token = "tok-" + secrets.token_urlsafe(24)
            self.token_requests.append(form)
            self.issued.append(token)
            return token


def _handler(server: OAuth2Server):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            fields = parse_qs(self.rfile.read(length).decode())
            return {k: v[0] for k, v in fields.items()}

        def do_GET(self):
            if self.path.split("?")[0] == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                base = f"{server.https_url}/{TENANT}"
                return self._json(
                    200,
                    {
                        "issuer": f"{server.https_url}/{TENANT}/v2.0",
                        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                        "token_endpoint": f"{base}/oauth2/v2.0/token",
                    },
                )
            return self._json(404, {"error": "not_found"})

        def do_POST(self):
            form = self._form()
            if self.path == f"/{TENANT}/oauth2/v2.0/token":
                return self._microsoft(form)
            if self.path == "/google/token":
                return self._google(form)
            if self.path == "/introspect":
                token = form.get("token", "")
                server.introspected.append(token)
                if server.is_active(token):
                    return self._json(200, {"active": True, "username": server.username})
                return self._json(200, {"active": False})
            return self._json(404, {"error": "not_found"})

        def _microsoft(self, form):
            if form.get("grant_type") != "client_credentials":
                return self._json(400, {"error": "unsupported_grant_type"})
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self._json(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret provided.",
                    },
                )
            if form.get("scope") != MICROSOFT_SCOPE:
                return self._json(400, {"error": "invalid_scope"})
            return self._token(form)

        def _google(self, form):
            try:
                claims = jwt.decode(
                    form.get("assertion", ""),
                    server.google_public_key,
                    algorithms=["RS256"],
                    # google-auth signs for Google's endpoint whatever token_uri says.
                    audience="https://oauth2.googleapis.com/token",
                )
            except jwt.PyJWTError as exc:
                return self._json(400, {"error": "invalid_grant", "error_description": str(exc)})
            if claims.get("scope") != GOOGLE_SCOPE or claims.get("sub") != server.google_subject:
                return self._json(
                    401, {"error": "unauthorized_client", "error_description": "Not delegated."}
                )
            return self._token(form)

        def _token(self, form):
            token = server.issue(form)
            return self._json(
                200,
                {"token_type": "Bearer", "access_token": token, "expires_in": server.expires_in},
            )

    return Handler
