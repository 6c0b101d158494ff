"""The blocklist endpoints: the account's sending IPs and domains on each list now, and
one asset's history, through the portal's access rule, with a fixed number of queries."""

import pytest

from api.models import Scope
from deliverability.models import Blocklist, CheckRun, ListingState, SendingDomain, SendingIP
from tests.deliverability.test_view_asset_detail import _event

pytestmark = pytest.mark.django_db
STATUS = "/api/v1/blocklists/"
SBL = "SBL: Spamhaus Block List (spam source)"


@pytest.fixture
def deliverability_a(customer_a, make_token, bearer):
    """A monitoring tool's token: the deliverability scope alone."""
    return bearer(make_token(customer_a, scopes=[Scope.DELIVERABILITY])[1])


def _listed(ip, zone="zen.spamhaus.org", since="2026-11-20T08:00Z"):
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    return ListingState.objects.create(
        sending_ip=ip,
        blocklist=Blocklist.objects.get(zone=zone),
        state="listed",
        reasons=[SBL],
        txt="see https://check.spamhaus.org/",
        since=since,
        last_checked_at="2026-11-26T08:00Z",
        last_run=run,
    )


def _on(asset: dict, name: str) -> dict:
    return next(item for item in asset["lists"] if item["blocklist"] == name)


def test_the_status_names_each_listing_with_its_reasons(deliverability_a, ip_a, domain_a, ip_b):
    _listed(ip_a)
    _listed(ip_b)
    body = deliverability_a.get(STATUS).json()
    assert [ip["address"] for ip in body["sending_ips"]] == ["192.0.2.10"]
    ip = body["sending_ips"][0]
    assert ip["listed_on"] == 1
    zen = _on(ip, "Spamhaus ZEN")
    assert (zen["state"], zen["since"], zen["reasons"]) == (
        "listed",
        "2026-11-20T09:00:00+01:00",
        [SBL],
    )
    assert zen["list_text"] == "see https://check.spamhaus.org/"
    assert {item["state"] for item in ip["lists"] if item is not zen} == {"not_checked"}
    [domain] = body["sending_domains"]
    assert (domain["name"], domain["purpose"], domain["listed_on"]) == (
        "news.alpha.example",
        "from",
        0,
    )
    assert body["last_checked_at"] == "2026-11-26T09:00:00+01:00"


def test_an_ipv6_address_is_not_applicable_on_lists_that_do_not_answer_for_it(api_a, account_a):
    SendingIP.objects.create(account=account_a, address="2001:db8::10")
    [ip] = api_a.get(STATUS).json()["sending_ips"]
    assert _on(ip, "Barracuda")["state"] == "not_applicable"
    assert _on(ip, "Spamhaus ZEN")["state"] == "not_checked"


def test_reasons_from_the_catalogue_are_in_the_callers_language(api_a, customer_a, ip_a):
    _listed(ip_a)
    customer_a.language = "nl"
    customer_a.save()
    [ip] = api_a.get(STATUS).json()["sending_ips"]
    assert _on(ip, "Spamhaus ZEN")["reasons"] == ["SBL: Spamhaus Block List (bron van spam)"]


@pytest.mark.parametrize("assets", [1, 6])
def test_the_status_costs_the_same_for_any_number_of_assets(
    api_a, account_a, django_assert_num_queries, assets
):
    for i in range(assets):
        ip = SendingIP.objects.create(account=account_a, address=f"192.0.2.{i + 1}")
        SendingDomain.objects.create(account=account_a, name=f"d{i}.alpha.example", purpose="from")
        _listed(ip)
    api_a.get(STATUS)  # the token's last use is written once a minute, not counted
    # Token; lists, IPs, domains, IP states, domain states, latest run, last finished run.
    with django_assert_num_queries(8):
        body = api_a.get(STATUS).json()
    assert sum(ip["listed_on"] for ip in body["sending_ips"]) == assets


def test_a_token_with_neither_deliverability_nor_read_is_refused(customer_a, make_token, bearer):
    response = bearer(make_token(customer_a, scopes=[Scope.CASES_WRITE])[1]).get(STATUS)
    assert response.status_code == 403
    assert "“deliverability”" in response.json()["detail"]


def test_the_history_has_each_lists_stretches_and_the_events_newest_first(deliverability_a, ip_a):
    first = _event(ip_a, "listed", 10)
    _listed(ip_a, since=first.at)
    _event(ip_a, "delisted", 4)
    _event(ip_a, "listed", 2)
    body = deliverability_a.get(f"{STATUS}ips/{ip_a.pk}/").json()
    assert (body["kind"], body["name"], body["days"]) == ("ip", "192.0.2.10", 30)
    assert [(e["kind"], e["blocklist"]) for e in body["events"]] == [
        ("listed", "Spamhaus ZEN"),
        ("delisted", "Spamhaus ZEN"),
        ("listed", "Spamhaus ZEN"),
    ]
    assert body["events"][0]["reasons"] == [SBL]
    zen = _on(body, "Spamhaus ZEN")
    assert zen["state"] == "listed"
    assert [stretch["listed"] for stretch in zen["history"]] == [None, True, False, True]


def test_the_history_reaches_as_far_back_as_asked(api_a, ip_a):
    _event(ip_a, "listed", 10)
    body = api_a.get(f"{STATUS}ips/{ip_a.pk}/", {"days": 5}).json()
    assert body["days"] == 5
    # Listed before the window began: listed all through it.
    assert [stretch["listed"] for stretch in _on(body, "Spamhaus ZEN")["history"]] == [True]


def test_a_bad_number_of_days_names_the_field(api_a, ip_a):
    body = api_a.get(f"{STATUS}ips/{ip_a.pk}/", {"days": "400"}).json()
    assert body["status"] == 400
    assert list(body["errors"]) == ["days"]


def test_a_domain_has_a_history_too(api_a, domain_a):
    body = api_a.get(f"{STATUS}domains/{domain_a.pk}/").json()
    assert (body["kind"], body["name"]) == ("domain", "news.alpha.example")
    assert "Spamhaus DBL" in [item["blocklist"] for item in body["lists"]]


def test_another_accounts_asset_is_not_found_like_a_missing_one(api_a, ip_b, account_b):
    domain_b = SendingDomain.objects.create(account=account_b, name="bravo.example", purpose="from")
    for kind, theirs_id in (("ips", ip_b.pk), ("domains", domain_b.pk)):
        missing = api_a.get(f"{STATUS}{kind}/999999/")
        theirs = api_a.get(f"{STATUS}{kind}/{theirs_id}/")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
        assert "198.51.100.20" not in theirs.content.decode()


def test_the_history_costs_the_same_for_any_number_of_events(
    api_a, ip_a, django_assert_num_queries
):
    url = f"{STATUS}ips/{ip_a.pk}/"
    _event(ip_a, "listed", 3)
    api_a.get(url)
    # Token; the IP; its events, states and lists; the runs for "could not run".
    with django_assert_num_queries(6):
        api_a.get(url)
    for day in range(20):
        _event(ip_a, "listed" if day % 2 else "delisted", day, zone="bl.spamcop.net")
    with django_assert_num_queries(6):
        assert len(api_a.get(url).json()["events"]) == 21


def test_a_staff_token_reads_no_accounts_blocklists(bearer, manager, make_token, ip_a):
    secret = make_token(manager, scopes=[Scope.READ])[1]
    for url in (STATUS, f"{STATUS}ips/{ip_a.pk}/"):
        response = bearer(secret).get(url)
        assert response.status_code == 403
        assert "192.0.2.10" not in response.content.decode()
