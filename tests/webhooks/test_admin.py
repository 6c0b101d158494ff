"""Staff read customers' endpoints and deliveries in the admin, for the accounts in their
scope (a TAM: their own accounts), never the signing secret, and change nothing."""

import pytest

from tests.html import page, texts
from webhooks import services
from webhooks.models import Delivery, Endpoint

from .conftest import signed_in

pytestmark = pytest.mark.django_db

ENDPOINTS, DELIVERIES = "/admin/webhooks/endpoint/", "/admin/webhooks/delivery/"


@pytest.fixture
def two_accounts(customer_a, customer_b, account_a, account_b):
    made = {}
    for account, customer, host in (
        (account_a, customer_a, "alpha"),
        (account_b, customer_b, "bravo"),
    ):
        endpoint = Endpoint.objects.create(
            account=account,
            url=f"https://hooks.{host}.example/in",
            event_types=["case.filed"],
            secret=f"whsec_{host}_secret",
            created_by=customer,
        )
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=customer)
        made[host] = (endpoint, delivery)
    return made


def test_a_tam_reads_the_endpoints_and_deliveries_of_their_own_accounts_only(tam_a, two_accounts):
    client = signed_in(tam_a)
    listing = client.get(ENDPOINTS)
    assert listing.status_code == 200
    assert texts(page(listing), "#result_list tbody th a") == ["https://hooks.alpha.example/in"]
    deliveries = page(client.get(DELIVERIES))
    assert len(texts(deliveries, "#result_list tbody tr")) == 1

    bravo_endpoint, bravo_delivery = two_accounts["bravo"]
    for url in (
        f"{ENDPOINTS}{bravo_endpoint.pk}/change/",
        f"{DELIVERIES}{bravo_delivery.pk}/change/",
    ):
        assert client.get(url).status_code == 403


def test_the_page_of_an_endpoint_shows_no_secret_and_allows_no_change(tam_a, two_accounts):
    endpoint, _ = two_accounts["alpha"]
    client = signed_in(tam_a)
    response = client.get(f"{ENDPOINTS}{endpoint.pk}/change/")
    assert response.status_code == 200
    assert "https://hooks.alpha.example/in" in response.content.decode()
    assert "whsec_alpha_secret" not in response.content.decode()
    client.post(f"{ENDPOINTS}{endpoint.pk}/change/", {"url": "https://evil.example/"})
    client.post(f"{ENDPOINTS}{endpoint.pk}/delete/", {"post": "yes"})
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.alpha.example/in"


def test_a_support_manager_reads_every_accounts_endpoints(manager, two_accounts):
    listing = page(signed_in(manager).get(ENDPOINTS))
    assert sorted(texts(listing, "#result_list tbody th a")) == [
        "https://hooks.alpha.example/in",
        "https://hooks.bravo.example/in",
    ]
    assert Delivery.objects.count() == 2


def test_a_customer_service_representative_reads_no_webhooks(representative, two_accounts):
    assert signed_in(representative).get(ENDPOINTS).status_code == 403
