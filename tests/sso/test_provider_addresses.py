"""The provider names the addresses the portal connects to (its discovery document's
jwks_uri and token_endpoint): the portal connects to public addresses only, and never
follows the token endpoint's redirect with the client secret."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.models import User
from accounts.sso import provider
from accounts.sso.provider import ProviderError
from tests import html

from .conftest import signed_in_as, sso_sign_in, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """A port on loopback that records whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def connected(sock) -> bool:
    try:
        sock.accept()[0].close()
    except BlockingIOError:
        return False
    return True


@pytest.fixture
def inside_name(monkeypatch, listener):
    """idp.example resolves to this machine, as a name pointed at the portal's own
    network would."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "idp.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return f"https://idp.example:{listener.getsockname()[1]}"


@pytest.fixture
def _no_loopback(settings):
    settings.SSO_ALLOW_LOOPBACK_HTTP = False
    settings.SSO_HTTP_TIMEOUT = 1


@pytest.mark.usefixtures("_no_loopback")
@pytest.mark.parametrize("read", ["configuration", "signing_keys"])
def test_a_name_resolving_to_an_inside_address_is_never_connected_to(read, inside_name, listener):
    with pytest.raises(ProviderError) as refused:
        if read == "configuration":
            provider.configuration(inside_name)
        else:
            provider.signing_keys(f"{inside_name}/jwks")
    assert "not at a public internet address" in str(refused.value)
    assert not connected(listener)


@pytest.mark.usefixtures("_no_loopback")
def test_the_token_request_never_goes_to_an_inside_address(customer_a, inside_name, listener):
    from accounts.sso.backends import SignOnBackend

    backend = SignOnBackend()
    backend.basic_auth = True
    backend.OIDC_OP_TOKEN_ENDPOINT = f"{inside_name}/token"
    with pytest.raises(provider.requests.ConnectionError) as refused:
        backend.get_token({"client_id": "portal", "client_secret": "s3cret", "code": "c"})
    assert "not at a public internet address" in str(refused.value)
    assert not connected(listener)


@pytest.mark.parametrize("endpoint", ["jwks_uri", "token_endpoint"])
def test_a_discovery_naming_an_inside_address_starts_no_sign_in(
    client, customer_a, sign_on_a, oidc, endpoint
):
    oidc.endpoints = {endpoint: "https://169.254.169.254/latest/meta-data"}
    response = start(client, "alice@alpha.example")
    assert response.status_code == 502
    assert html.attr(response, "[data-testid=sso-refused]", "data-refusal") == (
        "provider_unreachable"
    )


class _Redirecting(BaseHTTPRequestHandler):
    """A token endpoint answering 307 to another server, which records what it gets."""

    to = ""
    received: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/token":
            self.send_response(307)
            self.send_header("Location", f"{self.to}/elsewhere")
        else:
            self.received.append((self.headers.get("Authorization"), body))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def redirecting():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Redirecting.to, _Redirecting.received = base, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()
    server.server_close()


def test_a_redirect_from_the_token_endpoint_is_not_followed_with_the_secret(
    client, customer_a, sign_on_a, oidc, redirecting
):
    oidc.endpoints = {"token_endpoint": f"{redirecting}/token"}
    response = sso_sign_in(client, "alice@alpha.example")
    assert html.attr(response, "[data-testid=sso-refused]", "data-refusal") == "provider_error"
    assert signed_in_as(client) is None
    assert _Redirecting.received == []
    assert User.objects.filter(email="alice@alpha.example").exists()
