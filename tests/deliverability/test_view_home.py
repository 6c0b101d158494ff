"""The blocklist matrix page of a customer."""

import pytest
from django.urls import reverse

from deliverability.models import Blocklist, CheckRun, ListingState, SendingDomain, SendingIP
from tests.html import Page

URL = reverse("deliverability:home")


def _listed(ip, zone="zen.spamhaus.org", **fields):
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    return ListingState.objects.create(
        sending_ip=ip,
        blocklist=Blocklist.objects.get(zone=zone),
        state="listed",
        reasons=fields.pop("reasons", ["SBL: Spamhaus Block List (spam source)"]),
        since="2026-11-20T08:00Z",
        last_checked_at="2026-11-26T08:00Z",
        last_run=run,
        **fields,
    )


def test_it_shows_each_asset_by_each_list_with_state_since_reason_and_delisting_link(
    client_a, ip_a, domain_a
):
    _listed(ip_a, txt="see https://check.spamhaus.org/")
    body = Page(client_a.get(URL))
    assert "192.0.2.10" in body and "news.alpha.example" in body
    assert "Spamhaus ZEN" in body and "Spamhaus DBL" in body
    assert "SBL: Spamhaus Block List (spam source)" in body
    assert "since 20 Nov 2026" in body
    assert "https://check.spamhaus.org/" in body.links()
    assert "checked as alpha.example" in body
    assert "Last checked: 26 Nov 2026" in body


def test_retired_lists_are_not_shown(client_a, ip_a):
    body = Page(client_a.get(URL))
    assert "SORBS" not in body


def test_an_error_is_shown_as_an_error_and_not_as_a_listing(client_a, ip_a):
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    ListingState.objects.create(
        sending_ip=ip_a,
        blocklist=Blocklist.objects.get(zone="b.barracudacentral.org"),
        state="unknown",
        error_kind="rate_limited",
        last_checked_at="2026-11-26T08:00Z",
        last_run=run,
    )
    body = Page(client_a.get(URL))
    assert "Rate-limited by the list" in body
    assert not body.has('[data-state="listed"]')


def test_lists_that_do_not_answer_for_ipv6_say_so(client_a, ip6_a):
    titles = Page(client_a.get(URL)).attrs("[title]", "title")
    assert "This list does not answer for IPv6 addresses." in titles


def test_it_shows_only_the_customers_own_assets(client_a, ip_a, ip_b):
    body = Page(client_a.get(URL))
    assert "192.0.2.10" in body and "198.51.100.20" not in body


def test_the_number_of_queries_does_not_grow_with_assets(
    client_a, account_a, django_assert_num_queries
):
    def measure():
        with django_assert_num_queries(QUERIES) as ctx:
            client_a.get(URL)
        return len(ctx.captured_queries)

    for i in range(3):
        _listed(SendingIP.objects.create(account=account_a, address=f"192.0.2.{100 + i}"))
    client_a.get(URL)  # warm caches (the active platform incidents)
    small = measure()
    for i in range(20):
        ip = SendingIP.objects.create(account=account_a, address=f"192.0.2.{120 + i}")
        _listed(ip)
        SendingDomain.objects.create(account=account_a, name=f"d{i}.alpha.example", purpose="from")
    assert measure() == small


# session, user with contact and account, lists, IPs, domains, IP states, domain states, run,
# the latest finished run
QUERIES = 9


@pytest.mark.parametrize(
    ("persona_client", "status"),
    [
        ("anonymous", 302),
        ("customer_a", 200),
        ("customer_b", 200),
        ("agent", 200),
        ("no_account_user", 403),
    ],
    indirect=["persona_client"],
)
def test_who_may_open_the_page(persona_client, status):
    assert persona_client.get(URL).status_code == status


def test_an_error_after_a_clean_answer_is_not_shown_as_not_listed(client_a, ip_a):
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    ListingState.objects.create(
        sending_ip=ip_a,
        blocklist=Blocklist.objects.get(zone="b.barracudacentral.org"),
        state="clean",
        since="2026-11-01T08:00Z",
        error_kind="timeout",
        error_since="2026-11-23T08:00Z",
        answered_at="2026-11-22T08:00Z",
        last_checked_at="2026-11-26T08:00Z",
        last_run=run,
    )
    body = Page(client_a.get(URL))
    assert "No answer (timeout)" in body
    assert not body.has('[data-state="clean"]') and "Not listed" not in body.texts("span")
    assert body.has('[data-state="last-known-clean"]')
    assert "last known: not listed (22 Nov 2026" in body
    assert "no answer since 23 Nov 2026" in body


def test_the_last_known_state_reads_in_dutch(client_a, customer_a, ip_a):
    customer_a.language = "nl"
    customer_a.save()
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    ListingState.objects.create(
        sending_ip=ip_a,
        blocklist=Blocklist.objects.get(zone="b.barracudacentral.org"),
        state="listed",
        error_kind="timeout",
        answered_at="2026-11-22T08:00Z",
        last_checked_at="2026-11-26T08:00Z",
        last_run=run,
    )
    body = Page(client_a.get(URL, HTTP_ACCEPT_LANGUAGE="nl"))
    assert "laatst bekend: vermeld (22 nov 2026" in body.text().lower()


def test_in_dutch_the_catalogues_reasons_are_translated_and_the_lists_own_text_is_labelled(
    client_a, customer_a, ip_a
):
    customer_a.language = "nl"
    customer_a.save()
    _listed(ip_a, txt="Listed by SBL, see https://check.spamhaus.org/")
    body = Page(client_a.get(URL))
    assert body.text("[data-testid=listing-reasons]") == "SBL: Spamhaus Block List (bron van spam)"
    # What the list itself said stays in its words, marked as such.
    assert body.text("[data-testid=listing-txt] span") == "Eigen tekst van de lijst:"
    assert (
        body.text("[data-testid=listing-txt] q") == "Listed by SBL, see https://check.spamhaus.org/"
    )
    assert body.text("[data-state=listed] + div") == "sinds 20 nov 2026 09:00"


def test_a_reason_outside_the_catalogue_is_shown_as_it_is(client_a, customer_a, ip_a):
    customer_a.language = "nl"
    customer_a.save()
    _listed(ip_a, reasons=["code 127.0.0.99", "Spam domain"])
    body = Page(client_a.get(URL))
    assert body.text("[data-testid=listing-reasons]") == "code 127.0.0.99; Spamdomein"
