"""People of a domain that signs in by the company's identity provider have no password
sign-in and no password reset; staff keep theirs whatever their address."""

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tests import html
from tests.factories import PASSWORD, StaffFactory

from .conftest import signed_in_as

pytestmark = pytest.mark.django_db


def password_sign_in(client, email):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


def test_password_sign_in_is_refused_with_a_sentence_pointing_to_single_sign_on(
    client, customer_a, sign_on_a
):
    response = password_sign_in(client, "alice@alpha.example")
    assert response.status_code == 200
    assert html.text(response, "[data-testid=sign-in-error]") == (
        "Addresses at alpha.example sign in with single sign-on, through your company's "
        "identity provider: use “Sign in with single sign-on” on the sign-in page."
    )
    # The single sign-on form below is filled in with the address.
    assert html.attr(response, "[data-testid=sso-form] input[name=email]", "value") == (
        "alice@alpha.example"
    )
    assert signed_in_as(client) is None


def test_the_backend_refuses_the_password_whatever_form_asks(customer_a, sign_on_a):
    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username="alice@alpha.example", password=PASSWORD) is None
    sign_on_a.enabled = False
    sign_on_a.save()
    assert authenticate(request, username="alice@alpha.example", password=PASSWORD) == customer_a


def test_password_reset_is_refused_and_nothing_is_mailed(client, customer_a, sign_on_a):
    response = client.post(reverse("password_reset"), {"email": "Alice@alpha.example"})
    assert response.status_code == 200
    assert "sign in with single sign-on" in html.text(response, "#error_1_id_email")
    assert mail.outbox == []


def test_staff_of_such_a_domain_keep_their_password(client, sign_on_a, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff = StaffFactory(email="steve@alpha.example")
    response = password_sign_in(client, "steve@alpha.example")
    assert response.status_code == 302
    assert signed_in_as(client) == staff


def test_a_switched_off_configuration_leaves_the_password(client, customer_a, sign_on_a):
    sign_on_a.enabled = False
    sign_on_a.save()
    response = password_sign_in(client, "alice@alpha.example")
    assert response.status_code == 302
    assert signed_in_as(client) == customer_a
