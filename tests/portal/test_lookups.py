"""A list of ids with a number no column can hold matches the rows it names, on every
database (SQLite refused the query)."""

import pytest

from accounts.models import Account, User
from deliverability.models import TrendNote

pytestmark = pytest.mark.django_db


def test_a_number_past_the_column_matches_no_row(account_a):
    huge, tiny = 10**30, -(10**30)
    assert list(Account.objects.filter(pk__in=[huge, account_a.pk, tiny])) == [account_a]
    assert not Account.objects.filter(pk__in=[huge]).exists()
    assert Account.objects.exclude(pk__in=[huge]).count() == Account.objects.count()


def test_a_multiple_choice_with_a_number_past_the_column_is_a_sentence(client, account_a):
    client.force_login(User.objects.create_superuser("root@example.com", "x" * 12))
    response = client.post(
        "/admin/deliverability/trendnote/add/",
        {"title": "t", "body": "b", "accounts": ["9" * 30], "published_on": "2027-01-01"},
    )
    assert response.status_code == 200
    assert f"Select a valid choice. {'9' * 30} is not one of the available choices." in (
        response.content.decode()
    )
    assert not TrendNote.objects.exists()
