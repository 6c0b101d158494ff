"""Tokens made before a token named its account get their owner's account on migrate;
staff tokens stay without one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from api.models import ApiToken, Scope

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def test_existing_tokens_get_their_owners_account(customer_a, customer_b, manager, make_token):
    alpha, _secret = make_token(customer_a)
    bravo, _secret = make_token(customer_b)
    staff, _secret = make_token(manager, scopes=[Scope.READ])
    try:
        migrate([("api", "0001_initial")])
        migrate([("api", "0002_token_account")])
        accounts = dict(ApiToken.objects.values_list("pk", "account"))
        assert accounts == {
            alpha.pk: customer_a.contact.account_id,
            bravo.pk: customer_b.contact.account_id,
            staff.pk: None,
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
