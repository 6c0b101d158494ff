"""The customer's API tokens page: a token made, shown once, used, and revoked, each on
the account's audit record; nobody reaches another person's token."""

import pytest
from django.urls import reverse

from accounts.models import AccountEvent
from api.models import ApiToken

pytestmark = pytest.mark.django_db
PAGE = reverse("api_tokens:list")


def test_the_profile_links_to_the_tokens_page(client_a):
    assert PAGE.encode() in client_a.get(reverse("accounts:profile")).content


def test_a_contact_makes_a_token_that_is_shown_once_and_works(client_a, account_a, customer_a):
    response = client_a.post(PAGE, {"name": "On-call tool", "scopes": ["read"], "expires": "30"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("ee_") and secret.encode() in response.content
    # Not on the page again.
    assert secret.encode() not in client_a.get(PAGE).content
    token = ApiToken.objects.get(owner=customer_a)
    assert token.scopes == ["read"] and token.expires_at is not None
    event = AccountEvent.objects.get(account=account_a)
    assert event.kind == AccountEvent.Kind.API_TOKEN_CREATED and "On-call tool" in event.subject
    api = client_a.__class__()
    assert api.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_bad_form_says_which_field(client_a):
    response = client_a.post(PAGE, {"name": "x" * 101, "scopes": [], "expires": "30"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes"}
    assert not ApiToken.objects.exists()


def test_a_contact_revokes_their_token(client_a, customer_a, account_a, make_token, bearer):
    token, secret = make_token(customer_a)
    response = client_a.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert bearer(secret).get("/api/v1/cases/").status_code == 401
    kinds = set(AccountEvent.objects.filter(account=account_a).values_list("kind", flat=True))
    assert AccountEvent.Kind.API_TOKEN_REVOKED in kinds


def test_another_persons_token_is_not_found(client_a, customer_b, make_token, bearer):
    token, secret = make_token(customer_b, name="Bravo pager")
    assert client_a.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert client_a.post(reverse("api_tokens:revoke", args=[999999])).status_code == 404
    assert bearer(secret).get("/api/v1/cases/").status_code == 200
    assert b"Bravo pager" not in client_a.get(PAGE).content


def test_the_page_is_for_customers(agent_client):
    assert b"api-tokens" not in agent_client.get(reverse("accounts:profile")).content
    assert (
        agent_client.post(PAGE, {"name": "x", "scopes": ["read"], "expires": "30"}).status_code
        == 200
    )
    assert not ApiToken.objects.exists()


def test_the_token_list_costs_the_same_for_any_number(
    client_a, customer_a, make_token, django_assert_num_queries
):
    for i in range(3):
        make_token(customer_a, name=f"t{i}")
    client_a.get(PAGE)
    with django_assert_num_queries(3) as first:
        client_a.get(PAGE)
    for i in range(5):
        make_token(customer_a, name=f"u{i}")
    with django_assert_num_queries(len(first.captured_queries)):
        client_a.get(PAGE)


def test_the_token_pages_speak_dutch(client_a, customer_a):
    customer_a.language = "nl"
    customer_a.save()
    assert "API-tokens beheren" in client_a.get(reverse("accounts:profile")).content.decode()
    page = client_a.get(PAGE).content.decode()
    assert "Nieuw token" in page and "Zaken indienen en beantwoorden" in page


def test_a_login_moved_to_another_account_sees_none_of_the_old_accounts_tokens(
    client_a, customer_a, account_b, make_token
):
    old, _secret = make_token(customer_a, name="Alpha pager")
    assert b"Alpha pager" in client_a.get(PAGE).content
    contact = customer_a.contact
    contact.account = account_b
    contact.save()
    assert b"pager" not in client_a.get(PAGE).content
    # Not revoked from there either: it is account A's, on A's record.
    assert client_a.post(reverse("api_tokens:revoke", args=[old.pk])).status_code == 404
    old.refresh_from_db()
    assert old.revoked_at is None
