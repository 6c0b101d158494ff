"""Who may open each blocklist page: every customer page goes through one access rule."""

import pytest
from django.urls import reverse

from deliverability.models import CheckRun

PERSONAS = {
    "anonymous": 302,
    "customer_a": 200,
    "customer_b": 404,
    "agent": 200,  # staff get the notice that customer pages are for customers
    "no_account_user": 403,
}


@pytest.fixture
def urls(ip_a, domain_a, account_a):
    run = CheckRun.objects.create(account=account_a, trigger="customer")
    return [
        reverse("deliverability:ip", args=[ip_a.pk]),
        reverse("deliverability:domain", args=[domain_a.pk]),
        reverse("deliverability:check_progress", args=[run.pk]),
    ]


@pytest.mark.parametrize(
    ("persona_client", "status"), list(PERSONAS.items()), indirect=["persona_client"]
)
def test_account_a_objects_are_seen_by_account_a_only(persona_client, status, urls):
    for url in urls:
        response = persona_client.get(url)
        assert response.status_code == status, url


def test_staff_get_the_notice_and_none_of_the_customers_data(agent_client, urls):
    for url in urls[:2]:
        body = agent_client.get(url).content
        assert b"192.0.2.10" not in body and b"news.alpha.example" not in body


@pytest.mark.parametrize(
    ("persona_client", "status"),
    [("anonymous", 302), ("customer_a", 200), ("agent", 200), ("no_account_user", 403)],
    indirect=["persona_client"],
)
def test_the_add_domain_page(persona_client, status):
    assert persona_client.get(reverse("deliverability:domain_add")).status_code == status
