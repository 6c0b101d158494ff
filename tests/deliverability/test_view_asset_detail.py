"""The history page of one sending IP or domain."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliverability.models import Blocklist, ListingEvent, SendingIP
from tests.html import Page


def _event(ip, kind, days_ago, zone="zen.spamhaus.org"):
    return ListingEvent.objects.create(
        account=ip.account,
        sending_ip=ip,
        blocklist=Blocklist.objects.get(zone=zone),
        kind=kind,
        at=timezone.now() - timedelta(days=days_ago),
        reasons=["SBL: Spamhaus Block List (spam source)"] if kind == "listed" else [],
    )


def test_it_draws_the_listing_history_as_a_chart(client_a, ip_a):
    _event(ip_a, "listed", 10)
    _event(ip_a, "delisted", 4)
    body = Page(client_a.get(reverse("deliverability:ip", args=[ip_a.pk])))
    chart = body.one("svg.blocklist-history")
    assert len(chart.cssselect('rect[data-listed="1"]')) == 1
    assert "SBL: Spamhaus Block List (spam source)" in body


def test_a_domain_has_a_history_page_too(client_a, domain_a):
    response = client_a.get(reverse("deliverability:domain", args=[domain_a.pk]))
    assert response.status_code == 200
    assert "Spamhaus DBL" in Page(response)


def test_another_accounts_ip_is_not_found(client_b, ip_a):
    assert client_b.get(reverse("deliverability:ip", args=[ip_a.pk])).status_code == 404


def test_another_accounts_domain_is_not_found(client_b, domain_a):
    assert client_b.get(reverse("deliverability:domain", args=[domain_a.pk])).status_code == 404


def test_the_number_of_queries_does_not_grow_with_events(client_a, ip_a, django_assert_num_queries):
    url = reverse("deliverability:ip", args=[ip_a.pk])
    _event(ip_a, "listed", 3)
    client_a.get(url)  # warm caches (the active platform incidents)
    with django_assert_num_queries(7):
        client_a.get(url)
    for day in range(20):
        _event(ip_a, "listed" if day % 2 else "delisted", day, zone="bl.spamcop.net")
    with django_assert_num_queries(7):
        client_a.get(url)


@pytest.mark.parametrize("address", ["2001:db8::10"])
def test_an_ipv6_address_shows_only_lists_that_answer_for_it(client_a, account_a, address):
    ip = SendingIP.objects.create(account=account_a, address=address)
    body = Page(client_a.get(reverse("deliverability:ip", args=[ip.pk])))
    assert "Spamhaus ZEN" in body and "Barracuda" not in body
