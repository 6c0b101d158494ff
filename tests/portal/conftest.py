"""Fixtures of the portal's tests."""

import pytest

from cases import services


@pytest.fixture
def case_a(customer_a, account_a):
    """A case of account A, filed through the service now."""
    return services.case_open(
        account=account_a,
        requester=customer_a,
        subject="Webhooks arrive twice",
        description="Each bounce reaches us twice.",
        category="software_bug",
    )
