"""A customer's receiver on loopback: an HTTPS server in a thread (port 0) with a
certificate made for the test run, that checks each delivery's signature by the
documented recipe and answers as the test tells it (200, 500, a redirect, or no answer).
customer_a is account A's primary contact (the factory's default role)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from accounts.models import Contact
from tests.deliverability.conftest import dns_zones, ip_a  # noqa: F401 - fixtures
from tests.factories import ContactFactory
from webhooks import services

TOLERANCE = 300


@pytest.fixture(autouse=True)
def _webhooks_on_loopback(settings):
    # The receivers of these tests listen on loopback, which production refuses.
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_CONNECT_TIMEOUT = 1.0
    settings.WEBHOOKS_TIMEOUT = 1.0


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "webhook receiver")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("hooks.alpha.example"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def verify_signature(secret: str, headers, body: bytes, now: float) -> bool:
    """The documented recipe (docs/webhooks.md), written out as a receiver would."""
    timestamp = headers["X-Portal-Timestamp"]
    delivery_id = headers["X-Portal-Delivery"]
    if abs(now - int(timestamp)) > TOLERANCE:
        return False
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Portal-Signature"])


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signed: bool | None


@dataclass
class Receiver:
    url: str
    answer: str = "ok"  # "ok", "fail" (500), "redirect" (302) or "hang"
    secret: str = ""
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver(tls_files, settings):
    cert_file, key_file = tls_files
    settings.WEBHOOKS_CA_BUNDLE = str(cert_file)
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            signed = (
                verify_signature(state.secret, headers, body, time.time()) if state.secret else None
            )
            state.received.append(Received(self.path, headers, body, signed))
            if state.answer == "hang":
                state.release.wait(5)
                return
            status = {"ok": 200, "fail": 500, "redirect": 302}[state.answer]
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "https://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"https://127.0.0.1:{server.server_address[1]}/hooks/portal?source=support"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def technical_a(account_a):
    """A contact of account A who is not its primary contact."""
    return ContactFactory(
        account=account_a, user__email="tim@alpha.example", role=Contact.Role.TECHNICAL
    ).user


@pytest.fixture
def endpoint_for(customer_a, receiver):
    """endpoint_for(event_types, account=...) -> an endpoint registered with the service,
    pointed at the receiver, whose secret the receiver checks signatures with."""

    def register(event_types=("case.filed",), account=None, url=None):
        account = account or customer_a.contact.account
        endpoint, secret = services.endpoint_register(
            account=account,
            actor=customer_a,
            url=url or receiver.url,
            event_types=list(event_types),
        )
        receiver.secret = secret
        return endpoint

    return register
