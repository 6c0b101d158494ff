"""The demo data: two accounts with different TAMs, a contact each, a user per staff role."""

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts import roles
from accounts.models import Account, User

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "cases", "deliverability", "auth")
    }


def test_seed_demo_is_idempotent_and_complete(capsys):
    call_command("seed_demo")
    first = snapshot()
    hashes = dict(User.objects.values_list("email", "password"))
    call_command("seed_demo")
    assert snapshot() == first
    assert dict(User.objects.values_list("email", "password")) == hashes

    accounts = list(Account.objects.select_related("tam"))
    assert len(accounts) >= 2
    assert len({a.tam_id for a in accounts}) >= 2
    assert all(a.contacts.exists() for a in accounts)
    for role in roles.STAFF_ROLES:
        assert User.objects.filter(groups__name=role, is_staff=True).exists(), role
    out = capsys.readouterr().out
    assert "anna@acme.example / portal-demo-2026" in out


def row_counts():
    """Rows of every table, the many-to-many ones (case followers, group members) too."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_a_second_seed_demo_changes_no_row_of_any_table():
    call_command("seed_demo")
    first = row_counts()
    call_command("seed_demo")
    second = row_counts()
    assert {k: (first[k], second[k]) for k in first if first[k] != second[k]} == {}
