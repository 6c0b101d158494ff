"""The customer home is a dashboard: file a case, what waits on the customer and our next
deadlines, and one line each on the blocklists and the IP warm-up."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.models import Status
from deliverability.models import Blocklist, CheckRun, ListingState, SendingDomain, SendingIP
from tests.deliverability.programme_fixtures import make_plan
from tests.factories import open_case
from tests.html import attr, one, page, text, texts

pytestmark = pytest.mark.django_db

HOME = reverse("home")
AMS = ZoneInfo("Europe/Amsterdam")
# Wednesday 25 November 2026, 10:00 in Amsterdam: office hours are open.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def _open(customer, subject, **answers):
    return open_case(customer, subject, now=NOW - timedelta(hours=1), **answers)


def test_the_file_a_case_button_leads_to_the_form(client_a):
    tree = page(client_a.get(HOME))
    assert text(tree, "[data-testid=file-case]") == "File a case"
    assert attr(tree, "[data-testid=file-case]", "href") == reverse("cases:new")


def test_cases_waiting_on_the_customer_come_first_with_what_they_wait_for(
    client_a, customer_a, customer_b, agent
):
    asked = _open(customer_a, "Which DKIM selector?")
    services.case_set_status(
        case=asked, status=Status.WAITING_ON_CUSTOMER, actor=agent, now=NOW - timedelta(minutes=30)
    )
    proposed = _open(customer_a, "Webhooks arrive twice")
    services.case_propose_resolution(
        case=proposed, actor=agent, summary="Fixed in 4.2.", now=NOW - timedelta(minutes=20)
    )
    domain_case = _open(customer_a, "Add a sending domain")
    _open(customer_b, "Bravo's own case")
    tree = page(client_a.get(HOME))

    waiting = one(tree, "[data-testid=waiting-on-you]")
    assert text(waiting, "[data-testid=waiting-count]") == "2"
    assert texts(waiting, ".home-case-subject") == ["Which DKIM selector?", "Webhooks arrive twice"]
    assert texts(waiting, "[data-testid=case-next]") == [
        "Waiting for your information",
        "Waiting for you to accept or reject the proposed resolution",
    ]
    coming = one(tree, "[data-testid=next-deadlines]")
    assert texts(coming, ".home-case-subject") == ["Add a sending domain"]
    # Filed at 09:00 on Wednesday; the first response within office hours.
    [deadline] = texts(coming, "[data-testid=case-next]")
    assert deadline.startswith("We will respond by Wed 25 Nov 2026")
    assert attr(coming, "a", "href") == f"/cases/{domain_case.reference}/"
    assert text(tree, "[data-testid=all-cases]") == "All open cases (3)"
    assert "Bravo's own case" not in text(tree)


def test_an_update_interval_we_proposed_waits_on_the_customer_until_answered(
    client_a, customer_a, agent
):
    case = _open(customer_a, "All API calls fail", api_all_failing=True, api_failure_cause="server")
    services.case_propose_update_interval(
        case=case, minutes=60, actor=agent, now=NOW - timedelta(minutes=10)
    )
    waiting = one(page(client_a.get(HOME)), "[data-testid=waiting-on-you]")
    assert texts(waiting, ".home-case-subject") == ["All API calls fail"]
    assert text(waiting, "[data-testid=waiting-count]") == "1"
    assert text(waiting, "[data-testid=interval-to-answer]") == (
        "A new update interval awaits your answer"
    )

    services.case_accept_update_interval(case=case, actor=customer_a, now=NOW)
    tree = page(client_a.get(HOME))
    assert texts(one(tree, "[data-testid=waiting-on-you]"), ".home-case-subject") == []
    assert texts(one(tree, "[data-testid=next-deadlines]"), ".home-case-subject") == [
        "All API calls fail"
    ]


def test_a_customer_with_nothing_waiting_is_told_so(client_a):
    tree = page(client_a.get(HOME))
    assert text(tree, "[data-testid=waiting-on-you] p") == "Nothing is waiting on you."
    assert text(tree, "[data-testid=all-cases]") == "All open cases (0)"


# Blocklists ----------------------------------------------------------------------------


def _state(asset, zone, state, **fields):
    run = CheckRun.objects.create(trigger="schedule", status="finished")
    key = "sending_ip" if isinstance(asset, SendingIP) else "sending_domain"
    return ListingState.objects.create(
        **{key: asset},
        blocklist=Blocklist.objects.get(zone=zone),
        state=state,
        last_checked_at=NOW - timedelta(hours=2),
        last_run=run,
        **fields,
    )


def _blocklist_line(client):
    tree = page(client.get(HOME))
    line = one(tree, "[data-testid=blocklist-status]")
    assert attr(line, "a", "href") == reverse("deliverability:home")
    return line


def test_without_assets_the_blocklist_line_says_nothing_is_monitored(client_a):
    line = _blocklist_line(client_a)
    assert text(line).startswith("No sending IPs or domains are monitored yet.")


def test_the_blocklist_line_counts_the_listed_assets(client_a, account_a, account_b):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    domain = SendingDomain.objects.create(
        account=account_a, name="news.alpha.example", purpose=SendingDomain.Purpose.FROM
    )
    SendingIP.objects.create(account=account_a, address="192.0.2.11")
    _state(ip, "zen.spamhaus.org", "listed")
    _state(ip, "bl.spamcop.net", "listed")
    _state(domain, "dbl.spamhaus.org", "clean")
    other = SendingIP.objects.create(account=account_b, address="198.51.100.20")
    _state(other, "b.barracudacentral.org", "listed")
    line = _blocklist_line(client_a)
    assert text(line, "[data-state=listed]") == (
        "1 of your 3 sending IPs and domains is on a blocklist"
    )
    assert "checked Wed 25 Nov, 08:00" in text(line)


def test_the_blocklist_line_says_when_nothing_is_listed(client_a, account_a):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    _state(ip, "zen.spamhaus.org", "clean")
    assert text(_blocklist_line(client_a), "[data-state=clean]") == (
        "Not listed on any monitored blocklist"
    )


def test_the_blocklist_line_counts_checks_that_could_not_be_completed(client_a, account_a):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    _state(ip, "zen.spamhaus.org", "clean")
    _state(ip, "bl.spamcop.net", "unknown", error_kind="timeout")
    assert text(_blocklist_line(client_a), "[data-state=error]") == (
        "Not listed where we could check; 1 check could not be completed"
    )


# IP warm-up ----------------------------------------------------------------------------


def _warmup_line(client):
    return one(page(client.get(HOME)), "[data-testid=warmup-status]")


def test_without_a_plan_the_warmup_line_links_to_the_plans(client_a):
    line = _warmup_line(client_a)
    assert text(line) == "No IP warm-up plan. · IP warm-up plans"
    assert attr(line, "a", "href") == reverse("deliverability:plans")


def test_a_running_plan_shows_its_day_and_when_it_reaches_the_target(client_a, account_a):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    plan = make_plan(account_a, [ip], name="Invoices IPs", start_date=date(2026, 11, 20))
    line = _warmup_line(client_a)
    assert text(line).startswith("Invoices IPs: day 6 of ")
    assert ", at the target volume from " in text(line)
    assert attr(line, "a", "href") == reverse("deliverability:plan", args=[plan.pk])


def test_a_plan_still_to_start_shows_its_start_date(client_a, account_a):
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    make_plan(account_a, [ip], name="Newsletter IPs", start_date=date(2026, 12, 7))
    assert text(_warmup_line(client_a)).startswith("Newsletter IPs starts on Mon 7 Dec")


# Dutch ----------------------------------------------------------------------------------


def test_the_dashboard_speaks_dutch_with_dutch_day_and_month_abbreviations(
    client_a, customer_a, account_a
):
    customer_a.language = "nl"
    customer_a.save()
    _open(customer_a, "Welke DKIM-selector?")
    ip = SendingIP.objects.create(account=account_a, address="192.0.2.10")
    _state(ip, "zen.spamhaus.org", "clean")
    make_plan(account_a, [ip], name="Nieuwe IP's", start_date=date(2027, 3, 1))
    tree = page(client_a.get(HOME))
    assert text(tree, "[data-testid=file-case]") == "Zaak indienen"
    assert text(tree, "[data-testid=waiting-on-you] p") == "Er wacht niets op u."
    [deadline] = texts(tree, "[data-testid=next-deadlines] [data-testid=case-next]")
    assert deadline.startswith("We reageren uiterlijk wo 25 nov 2026")
    assert "gecontroleerd wo 25 nov, 08:00" in text(tree, "[data-testid=blocklist-status]")
    assert text(tree, "[data-testid=warmup-status]").startswith("Nieuwe IP's begint op ma 1 mrt")
