"""Fixtures of the team tests: a colleague of the primary contact, and clients of anyone."""

import pytest
from django.test import Client

from accounts.models import Contact
from tests.factories import ContactFactory


@pytest.fixture
def colleague(customer_a):
    """A technical contact of account A, whose primary contact is `customer_a`."""
    return ContactFactory(
        account=customer_a.contact.account,
        role=Contact.Role.TECHNICAL,
        user__email="dave@alpha.example",
    )


@pytest.fixture
def client_of(db):
    """A client signed in as the given user."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in
