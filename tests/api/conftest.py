"""Fixtures of the API tests: tokens made through the service, and clients that send
them."""

import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Scope


@pytest.fixture(autouse=True)
def _commit_callbacks_run_at_once(monkeypatch):
    """Tests run inside one transaction that never commits: run on-commit work (mail)
    at once."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture
def make_token():
    def make(user, scopes=(Scope.READ, Scope.CASES_WRITE), **fields):
        token, secret = services.api_token_create(
            owner=user,
            name=fields.pop("name", "Monitoring"),
            scopes=list(scopes),
            actor=user,
            **fields,
        )
        return token, secret

    return make


@pytest.fixture
def bearer():
    """An API client that sends `secret` as its bearer token."""

    def client(secret):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return c

    return client


@pytest.fixture
def api_a(customer_a, make_token, bearer):
    return bearer(make_token(customer_a)[1])


@pytest.fixture
def api_b(customer_b, make_token, bearer):
    return bearer(make_token(customer_b)[1])


# Sending IPs and domains of accounts A and B, and A's warm-up plan, as the deliverability
# tests make them.
from tests.deliverability.conftest import domain_a, ip_a, ip_b  # noqa: E402, F401
from tests.deliverability.programme_fixtures import plan_a  # noqa: E402, F401
