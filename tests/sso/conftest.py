"""Single sign-on against an OpenID Connect provider on loopback (tests/oidc_provider.py):
account A ("Alpha Mail BV") signs in through it for alpha.example."""

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from tests.oidc_provider import OIDCProvider, configure_sign_on


@pytest.fixture(scope="session")
def _provider():
    with OIDCProvider() as provider:
        yield provider


@pytest.fixture
def oidc(_provider, settings):
    settings.SSO_ALLOW_LOOPBACK_HTTP = True
    _provider.reset(email="alice@alpha.example")
    return _provider


@pytest.fixture
def sign_on_a(account_a, oidc):
    return configure_sign_on(account_a, oidc)


def start(client, email: str, **params):
    return client.get(reverse("sso:start"), {"email": email, **params})


def to_provider_and_back(response) -> str:
    """Follow the portal's redirect to the provider, which approves at once: the path and
    query of the portal's callback it sends the browser back to."""
    assert response.status_code == 302, response.content[:500]
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("sso:callback")
    return f"{back.path}?{back.query}"


def sso_sign_in(client, email: str, **params):
    """Sign in with single sign-on as a browser does: the portal's answer to the callback."""
    return client.get(to_provider_and_back(start(client, email, **params)))


def signed_in_as(client):
    from django.contrib.auth import get_user

    class _Request:
        session = client.session

    user = get_user(_Request())
    return user if user.is_authenticated else None
