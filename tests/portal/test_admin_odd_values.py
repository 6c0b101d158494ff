"""Values only a hand-made request sends, in the admin's forms: the page answers with
the field's sentence, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from deliverability.models import Blocklist
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client():
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("value", ["1.5", "9" * 30, "9" * 5000, "x"])
def test_an_autocomplete_id_that_is_no_id_is_the_field_s_sentence(root_client, value):
    response = root_client.post(
        reverse("admin:accounts_account_add"),
        {
            "name": "Charlie",
            "time_zone": "Europe/Amsterdam",
            "tam": value,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Account.objects.filter(name="Charlie").exists()


def test_a_blocklist_answer_code_too_long_to_read_is_the_field_s_sentence(root_client):
    blocklist = Blocklist.objects.first()
    url = reverse("admin:deliverability_blocklist_change", args=[blocklist.pk])
    page = root_client.get(url)
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, (dict, list))
    }
    response = root_client.post(url, {**data, "codes": "9" * 5000})
    assert response.status_code == 200
    assert "Enter a valid JSON." in response.content.decode()
