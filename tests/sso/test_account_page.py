"""The primary contact's page for the account's single sign-on (/me/single-sign-on/):
what is configured, and whether colleagues may join through it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccountEvent, Contact
from accounts.sso.models import AccountSignOn, SignOnDomain
from tests import html
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:single_sign_on")


@pytest.fixture
def configured_a(account_a):
    sign_on = AccountSignOn.objects.create(
        account=account_a,
        issuer="https://login.alpha.example",
        client_id="portal",
        client_secret="never-shown",
        enabled=True,
    )
    SignOnDomain.objects.bulk_create(
        SignOnDomain(sign_on=sign_on, domain=d) for d in ("alpha.example", "mail.alpha.example")
    )
    return sign_on


def primary_of(account):
    user = ContactFactory(account=account, role=Contact.Role.PRIMARY).user
    client = Client()
    client.force_login(user)
    return user, client


def test_the_primary_contact_sees_the_configuration(configured_a, account_a):
    _, client = primary_of(account_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert html.text(response, "[data-testid=sso-issuer]") == "https://login.alpha.example"
    assert html.texts(response, "[data-testid=sso-domain]") == [
        "alpha.example",
        "mail.alpha.example",
    ]
    assert html.text(response, "[data-testid=sso-state] .badge") == "On"
    assert "never-shown" not in response.content.decode()
    assert html.attr(response, "input[name=allow_joining]", "checked") is None


def test_the_primary_contact_lets_colleagues_join_and_stops_it(configured_a, account_a):
    primary, client = primary_of(account_a)
    response = client.post(URL, {"allow_joining": "on"})
    assert response.status_code == 302
    configured_a.refresh_from_db()
    assert configured_a.allow_joining
    page = client.get(URL)
    assert html.attr(page, "input[name=allow_joining]", "checked") is not None
    client.post(URL, {})
    configured_a.refresh_from_db()
    assert not configured_a.allow_joining
    events = AccountEvent.objects.filter(kind=AccountEvent.Kind.SSO_JOINING_CHANGED)
    assert [(e.detail, e.actor) for e in events.order_by("id")] == [
        ("on", primary),
        ("off", primary),
    ]


def test_other_contacts_and_staff_cannot_change_it(configured_a, account_a, tam_a):
    colleague = Client()
    colleague.force_login(ContactFactory(account=account_a, role=Contact.Role.TECHNICAL).user)
    response = colleague.post(URL, {"allow_joining": "on"})
    assert response.status_code == 403
    assert "primary contact" in html.text(response, "h1")
    staff = Client()
    staff.force_login(tam_a)
    staff.post(URL, {"allow_joining": "on"})
    configured_a.refresh_from_db()
    assert not configured_a.allow_joining
    assert Client().get(URL).status_code == 302  # to the sign-in page


def test_another_accounts_configuration_is_never_shown_or_changed(configured_a, account_b):
    _, client = primary_of(account_b)
    response = client.get(URL)
    assert response.status_code == 200
    html.one(response, "[data-testid=sso-none]")
    html.absent(response, "[data-testid=sso-issuer]")
    assert "alpha.example" not in response.content.decode()
    assert client.post(URL, {"allow_joining": "on"}).status_code == 404
    configured_a.refresh_from_db()
    assert not configured_a.allow_joining


def test_the_page_runs_a_fixed_number_of_queries(
    configured_a, account_a, django_assert_num_queries
):
    _, client = primary_of(account_a)
    client.get(URL)
    with django_assert_num_queries(4):
        client.get(URL)
    SignOnDomain.objects.bulk_create(
        SignOnDomain(sign_on=configured_a, domain=f"d{n}.alpha.example") for n in range(5)
    )
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(html.select(response, "[data-testid=sso-domain]")) == 7


def test_the_profile_leads_the_primary_contact_and_only_them_to_single_sign_on(client_a, account_a):
    profile = reverse("accounts:profile")
    assert html.attr(client_a.get(profile), "[data-testid=sso-link]", "href") == URL
    technical = ContactFactory(account=account_a, role=Contact.Role.TECHNICAL)
    other = Client()
    other.force_login(technical.user)
    html.absent(other.get(profile), "[data-testid=sso-link]")
