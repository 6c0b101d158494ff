"""Where signing in lands: staff in the admin, customers on their home, anyone on the page
they came from."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import PASSWORD, ContactFactory, StaffFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, **params):
    url = reverse("login")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    data = {"username": email, "password": PASSWORD, **params}
    return client.post(url, data, follow=True)


def test_staff_land_in_the_admin(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS)
    response = sign_in(client, "agent@example.com")
    assert response.redirect_chain[-1][0] == reverse("admin:index")


def test_staff_set_up_their_second_factor_on_the_way_to_the_admin(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS)
    response = sign_in(client, "agent@example.com")
    final = response.redirect_chain[-1][0]
    assert final.startswith(reverse("signin:setup"))
    assert "next=%2Fadmin%2F" in final


def test_customers_land_on_their_home(client):
    ContactFactory(user__email="alice@alpha.example")
    response = sign_in(client, "alice@alpha.example")
    assert response.redirect_chain[-1][0] == reverse("home")


def test_the_page_they_came_from_wins(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS)
    response = sign_in(client, "agent@example.com", next="/admin/cases/case/")
    assert response.redirect_chain[-1][0] == "/admin/cases/case/"
