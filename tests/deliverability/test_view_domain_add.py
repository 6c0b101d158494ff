"""Customers add their own sending domains."""

from django.urls import reverse

from deliverability.models import SendingDomain
from tests.html import Page

URL = reverse("deliverability:domain_add")


def test_a_customer_adds_a_domain_to_their_own_account(client_a, customer_a, account_a):
    response = client_a.post(URL, {"name": "Links.Alpha.Example.", "purpose": "tracking"})
    assert response.status_code == 302
    domain = SendingDomain.objects.get()
    assert (domain.account, domain.name, domain.added_by) == (
        account_a,
        "links.alpha.example",
        customer_a,
    )


def test_a_name_that_is_not_a_domain_gets_a_clear_error(client_a):
    response = client_a.post(URL, {"name": "not a domain", "purpose": "from"})
    assert response.status_code == 200
    assert "Enter a domain name such as mail.example.com." in Page(response)
    assert not SendingDomain.objects.exists()


def test_a_public_suffix_is_refused(client_a):
    response = client_a.post(URL, {"name": "co.uk", "purpose": "from"})
    assert "public suffix" in Page(response)


def test_the_same_domain_for_the_same_use_is_refused_once_monitored(client_a, domain_a):
    response = client_a.post(URL, {"name": "news.alpha.example", "purpose": "from"})
    assert "already monitored" in Page(response)
    assert SendingDomain.objects.count() == 1


def test_a_purpose_is_required(client_a):
    response = client_a.post(URL, {"name": "alpha.example"})
    assert response.status_code == 200 and not SendingDomain.objects.exists()


def test_staff_cannot_add_domains_here(agent_client):
    agent_client.post(URL, {"name": "x.example", "purpose": "from"})
    assert not SendingDomain.objects.exists()
