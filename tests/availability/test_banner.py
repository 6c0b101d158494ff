"""What customers see of a platform incident on every page: the banner, the notice on the
case filing page, and their own subscription to incident updates by mail."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Contact
from cases import incident_selectors
from cases.models import IncidentScope, IncidentStatus
from tests.factories import AccountFactory, ContactFactory
from tests.html import Page, one, select, text

from .incident_data import NOW, commit_callbacks_run_at_once, incident, region, update  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("home"),
    reverse("cases:list"),
    reverse("cases:new"),
    reverse("accounts:profile"),
    reverse("deliverability:home"),
    reverse("availability:status"),
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def regions(account_a, account_b):
    """Account A sends through Europe, account B through the United States."""
    eu, us = region("eu", "Europe", "Europa"), region("us", "United States")
    account_a.region, account_b.region = eu, us
    account_a.save()
    account_b.save()
    return eu, us


@pytest.fixture
def europe_incident(regions, agent):
    found = incident(
        region=regions[0], title="Europe API down", title_nl="Europese API onbereikbaar"
    )
    update(found, agent, expected_resolution_at=NOW + timedelta(hours=2))
    return found


def banner(response):
    return Page(response).one("[data-testid=incident-banner]")


def test_an_affected_customer_sees_the_banner_on_every_page(client_a, europe_incident):
    for url in PAGES:
        shown = banner(client_a.get(url))
        assert shown.get("role") == "status"
        alert = one(shown, f"[data-incident={europe_incident.reference}]")
        assert text(alert, "strong") == f"Platform incident {europe_incident.reference}:"
        assert text(alert, "[data-testid=incident-title]") == "Europe API down"
        # The latest update's expectation, in Amsterdam time.
        assert (
            text(alert, "[data-testid=incident-expected]")
            == "Expected resolution: 18 Nov 2026, 13:00."
        )
        link = one(alert, "a")
        assert link.get("href") == f"/status/#{europe_incident.reference}"


def test_a_customer_of_another_region_sees_no_banner(client_b, europe_incident):
    for url in PAGES:
        assert not Page(client_b.get(url)).has("[data-testid=incident-banner]")


def test_an_incident_of_every_region_reaches_every_account(client_a, client_b, regions):
    everywhere = incident(region=None, title="SMTP down everywhere", scope=IncidentScope.SMTP)
    for client in (client_a, client_b):
        shown = banner(client.get(reverse("cases:list")))
        assert [a.get("data-incident") for a in select(shown, ".alert")] == [everywhere.reference]


def test_an_account_without_a_region_is_affected_by_every_incident(europe_incident):
    account = AccountFactory(name="Charlie Mail", region=None)
    client = Client()
    client.force_login(ContactFactory(account=account).user)
    shown = banner(client.get(reverse("cases:list")))
    assert text(shown, "[data-testid=incident-title]") == "Europe API down"


def test_the_latest_update_gives_the_expected_resolution_in_the_readers_language_and_zone(
    client_b, customer_b, agent, regions
):
    customer_b.language = "nl"
    customer_b.save()
    found = incident(
        region=regions[1], title="US API down", title_nl="Amerikaanse API onbereikbaar"
    )
    update(found, agent, posted_at=NOW - timedelta(hours=1), expected_resolution_at=NOW)
    update(found, agent, expected_resolution_at=NOW + timedelta(hours=3))
    alert = one(banner(client_b.get(reverse("cases:list"))), ".alert")
    assert text(alert, "[data-testid=incident-title]") == "Amerikaanse API onbereikbaar"
    # New York, five hours behind UTC.
    assert (
        text(alert, "[data-testid=incident-expected]") == "Verwachte oplossing: 18 nov 2026, 08:00."
    )


def test_drafts_and_resolved_incidents_show_no_banner(client_a, regions):
    incident(region=regions[0], status=IncidentStatus.DRAFT, title="Probes see failures")
    incident(region=regions[0], status=IncidentStatus.RESOLVED, title="Over")
    for url in PAGES:
        assert not Page(client_a.get(url)).has("[data-testid=incident-banner]")


def test_staff_see_no_banner(agent_client, europe_incident):
    assert not Page(agent_client.get(reverse("availability:status"))).has(
        "[data-testid=incident-banner]"
    )


def test_the_banner_follows_the_incident_once_its_change_commits(
    client_a, regions, django_capture_on_commit_callbacks
):
    client_a.get(reverse("cases:list"))  # the cache holds no incident
    with django_capture_on_commit_callbacks(execute=True):
        found = incident(region=regions[0], title="Europe API down")
    assert text(banner(client_a.get(reverse("cases:list"))), "[data-testid=incident-title]") == (
        "Europe API down"
    )
    with django_capture_on_commit_callbacks(execute=True):
        found.status = IncidentStatus.RESOLVED
        found.resolved_at = NOW
        found.save()
    assert not Page(client_a.get(reverse("cases:list"))).has("[data-testid=incident-banner]")


def test_no_incident_reaches_the_cache_before_its_transaction_commits(
    regions, django_capture_on_commit_callbacks
):
    assert incident_selectors.current_incidents() == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        found = incident(region=regions[0])
        # Read in its own transaction: not cached, and the cache still says none.
        assert incident_selectors.current_incidents() == []
    assert callbacks, "the new generation waits for the commit"
    for callback in callbacks:
        callback()
    assert [i.pk for i in incident_selectors.current_incidents()] == [found.pk]


def test_a_list_read_inside_the_changing_transaction_is_not_kept_if_it_rolls_back(
    regions, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            incident(region=regions[0])
            assert len(incident_selectors.current_incidents()) == 1  # read from the database
        # Neither the list nor the new generation is written until the commit.
    assert len(callbacks) == 2


def test_the_banner_costs_no_query_once_cached(
    client_a,
    regions,
    django_assert_num_queries,
    commit_callbacks_run_at_once,  # noqa: F811
):
    incident(region=regions[0])
    url = reverse("cases:list")
    client_a.get(url)  # warm caches (the active platform incidents)
    with django_assert_num_queries(5) as ctx:  # as tests/cases/test_views.py LIST_QUERIES
        client_a.get(url)
    assert not [q for q in ctx.captured_queries if "cases_incident" in q["sql"]]


def test_incidents_affecting_can_ask_for_one_component(regions, account_a):
    api = incident(region=regions[0], scope=IncidentScope.API)
    both = incident(region=None, scope=IncidentScope.BOTH)
    smtp = incident(region=regions[0], scope=IncidentScope.SMTP)
    assert {i.pk for i in incident_selectors.incidents_affecting(account_a, "api")} == {
        api.pk,
        both.pk,
    }
    assert {i.pk for i in incident_selectors.incidents_affecting(account_a, "smtp")} == {
        smtp.pk,
        both.pk,
    }


# --- the case filing page -------------------------------------------------------------


def test_the_filing_page_names_the_known_incident_before_the_customer_files(
    client_a, europe_incident
):
    notice = Page(client_a.get(reverse("cases:new"))).one("[data-testid=known-incident]")
    assert text(notice) == (
        f"A known incident: {europe_incident.reference} Europe API down. If your case is about it, "
        "answer that all API calls fail because of a server-side timeout or error, and your case "
        "will be linked to it, with its updates. "
        "Its updates on the status page"
    )


def test_the_notice_names_the_smtp_answer_for_an_smtp_incident(client_a, regions):
    incident(region=regions[0], scope=IncidentScope.SMTP, title="Injection refused")
    notice = Page(client_a.get(reverse("cases:new"))).one("[data-testid=known-incident]")
    assert "answer that all SMTP injections fail because of a server-side" in text(notice)


def test_the_filing_page_of_an_unaffected_customer_has_no_notice(client_b, europe_incident):
    assert not Page(client_b.get(reverse("cases:new"))).has("[data-testid=known-incident]")


# --- the subscription -------------------------------------------------------------------


def test_a_contact_subscribes_to_incident_updates_from_their_profile(client_a, customer_a):
    form = Page(client_a.get(reverse("accounts:profile"))).one("[data-testid=incident-mail] form")
    assert form.get("action") == reverse("accounts:incident_mail")
    box = one(form, "input[name=incident_mail]")
    assert box.get("type") == "checkbox" and box.get("checked") is None

    response = client_a.post(
        reverse("accounts:incident_mail"), {"incident_mail": "on"}, follow=True
    )
    assert Contact.objects.get(user=customer_a).incident_mail is True
    body = Page(response)
    assert "You will be mailed every platform incident update." in body.text(
        "[data-testid=message]"
    )
    assert (
        one(body.one("[data-testid=incident-mail]"), "input[name=incident_mail]").get("checked")
        is not None
    )

    client_a.post(reverse("accounts:incident_mail"), {})
    assert Contact.objects.get(user=customer_a).incident_mail is False


def test_a_subscription_changes_only_the_contacts_own(client_a, customer_a, customer_b):
    colleague = ContactFactory(account=customer_a.contact.account)
    client_a.post(
        reverse("accounts:incident_mail"), {"incident_mail": "on", "contact": colleague.pk}
    )
    assert Contact.objects.get(user=customer_a).incident_mail is True
    assert Contact.objects.get(pk=colleague.pk).incident_mail is False
    assert Contact.objects.get(user=customer_b).incident_mail is False


def test_staff_have_no_subscription_to_change(agent_client):
    assert not Page(agent_client.get(reverse("accounts:profile"))).has(
        "[data-testid=incident-mail]"
    )
    assert (
        agent_client.post(reverse("accounts:incident_mail"), {"incident_mail": "on"}).status_code
        == 404
    )


def test_signing_in_comes_first(db):
    response = Client().post(reverse("accounts:incident_mail"), {"incident_mail": "on"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
