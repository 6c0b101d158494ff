"""An OpenID Connect provider for tests, on loopback (plain HTTP at 127.0.0.1, which the
portal accepts only with SSO_ALLOW_LOOPBACK_HTTP): discovery, a key set, an authorisation
endpoint that approves the configured person at once, and a token endpoint that checks the
client, the code, the redirect URI and the PKCE verifier before it issues an ID token.

A test shapes the next ID token through `claims` (added or replacing, None removes a
claim), `sign_with_other_key` (an unpublished key with the published key's id),
`sign_with_client_secret` (HS256), `expires_in` and `nonce` (a nonce other than the one
asked for), and rotates the published key with `rotate_key()`; `requests` lists what each
endpoint was asked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwk, jwt

CLIENT_ID = "portal-test-client"
CLIENT_SECRET = "portal-test-secret"


class OIDCProvider:
    def __init__(self, *, email: str = "", name: str = "Sam Sign-On"):
        self.email = email
        self.name = name
        self.key = jwk.RSAKey.generate_key(2048, parameters={"kid": "signing-1", "alg": "RS256"})
        self.other_key = jwk.RSAKey.generate_key(
            2048, parameters={"kid": "signing-1", "alg": "RS256"}
        )
        self.claims: dict = {}
        self.endpoints: dict = {}
        self.sign_with_other_key = False
        self.sign_with_client_secret = False
        self.expires_in = 300
        self.nonce: str | None = None
        self.requests: list[tuple[str, dict]] = []
        self._codes: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> OIDCProvider:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = self.base
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def reset(self, *, email: str = "", name: str = "Sam Sign-On") -> None:
        with self._lock:
            self.email, self.name = email, name
            # A test may give the issuer a trailing slash, as some providers do.
            self.issuer = self.base
            # Endpoints a test names instead of this provider's own.
            self.endpoints = {}
            self.claims = {}
            self.sign_with_other_key = False
            self.sign_with_client_secret = False
            self.expires_in = 300
            self.nonce = None
            self.requests.clear()
            self._codes.clear()

    def asked(self, endpoint: str) -> list[dict]:
        return [params for path, params in self.requests if path == endpoint]

    # --- what the endpoints do ---------------------------------------------------------

    def configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            **self.endpoints,
        }

    def authorize(self, params: dict) -> tuple[int, str]:
        """Approve at once: the redirect back with a code, or a 400 for a bad request."""
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            return 400, ""
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return 400, ""
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = params
        query = urlencode({"code": code, "state": params.get("state", "")})
        return 302, f"{params['redirect_uri']}?{query}"

    def token(self, form: dict, basic: tuple[str, str] | None) -> tuple[int, dict]:
        client = basic or (form.get("client_id"), form.get("client_secret"))
        if client != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        with self._lock:
            asked = self._codes.pop(form.get("code", ""), None)
        if asked is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != asked["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != asked["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(nonce=asked.get("nonce")),
        }

    def id_token(self, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": hashlib.sha256(self.email.encode()).hexdigest()[:24],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + self.expires_in,
            "nonce": self.nonce if self.nonce is not None else nonce,
            "email": self.email,
            "email_verified": True,
            "name": self.name,
        }
        claims.update(self.claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        if self.sign_with_client_secret:
            secret = jwk.OctKey.import_key(CLIENT_SECRET)
            return jwt.encode({"alg": "HS256", "kid": "signing-1"}, claims, secret)
        key = self.other_key if self.sign_with_other_key else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def rotate_key(self) -> None:
        """A new signing key with a new key id, published at once."""
        self.key = jwk.RSAKey.generate_key(
            2048, parameters={"kid": f"signing-{secrets.token_hex(4)}", "alg": "RS256"}
        )


def _handler(provider: OIDCProvider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: dict | None = None, location: str = "") -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            provider.requests.append((parts.path, params))
            if parts.path == "/.well-known/openid-configuration":
                return self._send(200, provider.configuration())
            if parts.path == "/jwks":
                return self._send(200, {"keys": [provider.key.as_dict(private=False)]})
            if parts.path == "/authorize":
                status, location = provider.authorize(params)
                return self._send(status, {} if status != 302 else None, location)
            return self._send(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.requests.append((self.path, form))
            if self.path != "/token":
                return self._send(404, {"error": "not_found"})
            basic = None
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                basic = (user, password)
            status, body = provider.token(form, basic)
            return self._send(status, body)

    return Handler


def configure_sign_on(account, provider: OIDCProvider, *, domain: str = "alpha.example"):
    """The account signs in through `provider` for `domain`, enabled."""
    from accounts.sso.models import AccountSignOn, SignOnDomain

    sign_on = AccountSignOn.objects.create(
        account=account,
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        enabled=True,
    )
    SignOnDomain.objects.create(sign_on=sign_on, domain=domain)
    return sign_on
