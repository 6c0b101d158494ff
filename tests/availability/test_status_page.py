"""The platform status page (/status/): current and past incidents, monthly availability."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases import incident_selectors
from cases.models import IncidentStatus
from tests.html import Page, one, select, text, texts

from .incident_data import NOW, incident, measured, outage, region, update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


STATUS = reverse("availability:status")


@pytest.fixture
def europe(account_a):
    eu = region("eu", "Europe", "Europa")
    account_a.region = eu
    account_a.save()
    return eu


@pytest.fixture
def outage_in_europe(europe, account_a):
    inc = incident(region=europe, title="Europe API down", title_nl="Europese API onbereikbaar")
    return inc


def test_a_customer_sees_the_current_incident_with_every_update_newest_first(
    client_a, agent, outage_in_europe
):
    update(outage_in_europe, agent, text="Cause found", posted_at=NOW - timedelta(minutes=40))
    update(
        outage_in_europe,
        agent,
        text="Fix deployed",
        posted_at=NOW - timedelta(minutes=10),
        expected_resolution_at=NOW + timedelta(hours=1),
    )
    body = Page(client_a.get(STATUS))
    card = body.one(f"[data-testid=current] article#{outage_in_europe.reference}")
    assert "Europe API down" in text(card, "h3")
    assert texts(card, "[data-testid=update-text]") == ["Fix deployed", "Cause found"]
    # Amsterdam, one hour ahead of UTC in November.
    assert text(card, "[data-testid=expected]") == "expected resolution 18 Nov 2026, 12:00"
    assert text(card, "[data-testid=where]").startswith(
        "REST API · Europe · since 18 Nov 2026, 10:00"
    )


def test_a_dutch_reader_in_another_zone_reads_it_in_dutch_and_their_own_time(
    client_b, customer_b, agent, outage_in_europe
):
    customer_b.language = "nl"
    customer_b.save()
    update(
        outage_in_europe,
        agent,
        text="Fix deployed",
        text_nl="Herstel uitgerold",
        expected_resolution_at=NOW + timedelta(hours=1),
    )
    card = Page(client_b.get(STATUS)).one(f"article#{outage_in_europe.reference}")
    assert "Europese API onbereikbaar" in text(card, "h3")
    assert texts(card, "[data-testid=update-text]") == ["Herstel uitgerold"]
    # New York, five hours behind UTC.
    assert text(card, "[data-testid=expected]") == "verwachte oplossing 18 nov 2026, 06:00"


def test_draft_incidents_are_never_shown(client_a, europe):
    incident(status=IncidentStatus.DRAFT, title="Probes see failures")
    incident(status=IncidentStatus.DRAFT, region=europe, title="Second draft")
    body = Page(client_a.get(STATUS))
    assert "Probes see failures" not in body and "Second draft" not in body
    assert body.has("[data-testid=no-incident]")
    assert not body.has("[data-testid=incident-banner]")


def test_past_incidents_are_listed_newest_first_with_their_summary_and_paged(
    client_a, agent, monkeypatch
):
    monkeypatch.setattr(incident_selectors, "PAST_PER_PAGE", 2)
    for days in (30, 20, 10):
        past = incident(
            status=IncidentStatus.RESOLVED,
            title=f"Outage {days} days ago",
            started_at=NOW - timedelta(days=days),
            summary=f"A disk filled up {days} days ago.",
        )
        update(past, agent, text=f"Working on it ({days})", posted_at=past.started_at)
    first = Page(client_a.get(STATUS))
    past_cards = first.select("[data-testid=past] article")
    assert [text(c, "h3").split(": ", 1)[1] for c in past_cards] == [
        "Outage 10 days ago",
        "Outage 20 days ago",
    ]
    assert text(past_cards[0], "[data-testid=summary] p") == "A disk filled up 10 days ago."
    assert text(past_cards[0], "[data-testid=update-text]") == "Working on it (10)"
    assert "?page=2#past" in first.links()
    second = Page(client_a.get(STATUS, {"page": 2}))
    assert [
        text(c, "h3").split(": ", 1)[1] for c in second.select("[data-testid=past] article")
    ] == ["Outage 30 days ago"]
    # A page that is no number shows the first.
    assert Page(client_a.get(STATUS, {"page": "x"})).text("[data-testid=past] h3") == (
        first.text("[data-testid=past] h3")
    )


def test_monthly_availability_per_component_and_region(client_a, europe):
    us = region("us", "United States", "Verenigde Staten")
    measured("api")  # the platform as a whole: every region
    measured("smtp")
    october = NOW.replace(month=10, day=5)
    outage("api", october, october + timedelta(minutes=30), region=europe)
    outage("smtp", NOW - timedelta(minutes=90), None, region=us)  # still going on
    outage("api", october, october + timedelta(minutes=10), region=None)  # all regions
    table = Page(client_a.get(STATUS)).one("[data-testid=availability-table]")

    def cell(component, code, month):
        return one(
            table, f"tr[data-component={component}][data-region={code}] td[data-month='{month}']"
        )

    # Overlapping outages of Europe and the platform as a whole count once.
    assert text(cell("api", "eu", "2026-10"), "[data-testid=minutes]") == "30 minutes unavailable"
    assert text(cell("api", "eu", "2026-10"), "[data-testid=percentage]") == "99.933%"
    assert text(cell("api", "us", "2026-10"), "[data-testid=minutes]") == "10 minutes unavailable"
    assert text(cell("smtp", "us", "2026-11"), "[data-testid=minutes]") == "90 minutes unavailable"
    assert text(cell("smtp", "eu", "2026-11"), "[data-testid=percentage]") == "100%"
    assert texts(table, "thead th")[1:] == [
        "Nov 2026",
        "Oct 2026",
        "Sep 2026",
        "Aug 2026",
        "Jul 2026",
        "Jun 2026",
    ]


def test_the_chart_draws_a_cell_per_month_coloured_by_availability(client_a, europe):
    measured("api", europe)
    measured("smtp", europe)
    october = NOW.replace(month=10, day=5)
    outage("api", october, october + timedelta(hours=10), region=europe)
    body = Page(client_a.get(STATUS))
    chart = body.one("[data-testid=availability] svg[role=img]")
    assert chart.get("aria-label") == "Availability per month, by component and region"
    levels = [rect.get("data-level") for rect in select(chart, "rect")]
    assert len(levels) == 2 * 6  # REST API and SMTP injection in Europe, six months
    assert levels.count("poor") == 1 and levels.count("good") == 11
    titles = texts(chart, "rect title")
    assert "October 2026: 98.656% available, 600 minutes unavailable" in titles


def test_without_regions_a_row_per_component_covers_the_platform(client_a):
    measured("smtp")
    outage("smtp", NOW - timedelta(hours=1), NOW - timedelta(minutes=59))
    table = Page(client_a.get(STATUS)).one("[data-testid=availability-table]")
    assert texts(table, "tbody th") == ["REST API", "SMTP injection"]
    assert text(
        table, "tr[data-component=smtp] td[data-month='2026-11'] [data-testid=minutes]"
    ) == ("1 minute unavailable")


def test_staff_see_the_status_page(agent_client, outage_in_europe):
    body = Page(agent_client.get(STATUS))
    assert "Europe API down" in body.text("[data-testid=current]")
    assert not body.has("[data-testid=incident-banner]")


def test_anonymous_readers_are_sent_to_sign_in_unless_the_page_is_public(
    outage_in_europe, settings
):
    settings.STATUS_PAGE_PUBLIC = False
    response = Client().get(STATUS)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={STATUS}"

    settings.STATUS_PAGE_PUBLIC = True
    response = Client().get(STATUS)
    assert response.status_code == 200
    body = Page(response)
    assert "Europe API down" in body.text("[data-testid=current]")
    assert body.has("[data-testid=availability-table]")
    assert not body.has("[data-testid=incident-banner]")
    assert "Times are shown in the time zone UTC." in body


def test_the_customer_navigation_links_to_it(client_a):
    nav = Page(client_a.get(reverse("cases:list"))).one("nav.portal-nav")
    assert STATUS in [a.get("href") for a in select(nav, "a")]


def test_the_status_page_runs_a_fixed_number_of_queries(
    client_a, agent, europe, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )

    def add(n):
        for i in range(n):
            current = incident(region=europe, title=f"current {n} {i}")
            update(current, agent)
            past = incident(status=IncidentStatus.RESOLVED, title=f"past {n} {i}")
            update(past, agent)
            update(past, agent)
            start = NOW - timedelta(days=40 + i)
            outage("api", start, start + timedelta(minutes=5), region=europe)
            measured("api", europe, since=start - timedelta(days=n))
            dismissed = incident(region=europe, status=IncidentStatus.DISMISSED)
            outage("smtp", start, start + timedelta(minutes=5), europe, incident=dismissed)

    def count():
        client_a.get(STATUS)  # warm caches (the active platform incidents)
        with django_assert_num_queries(QUERIES) as ctx:
            body = Page(client_a.get(STATUS))
        return ctx, body

    add(1)
    count()
    add(5)
    _ctx, body = count()
    assert len(body.select("[data-testid=current] article")) == 6


# session, user with contact and account, regions, outages, when measuring began, past
# incidents: count, page, their updates (the current incidents come from the cache)
QUERIES = 8


def cells(body, component, code=""):
    row = body.one(
        f"[data-testid=availability-table] tr[data-component={component}][data-region='{code}']"
    )
    return {td.get("data-month"): td for td in select(row, "td")}


def test_outages_of_a_dismissed_incident_are_not_unavailability(client_a, europe):
    measured("api", europe)
    october = NOW.replace(month=10, day=5)
    false_alarm = incident(
        region=europe, status=IncidentStatus.DISMISSED, dismissed_reason="The probe's DNS failed"
    )
    outage("api", october, october + timedelta(hours=2), europe, incident=false_alarm)
    later = october + timedelta(days=1)
    resolved = incident(status=IncidentStatus.RESOLVED)
    outage("api", later, later + timedelta(minutes=20), europe, incident=resolved)
    draft = incident(status=IncidentStatus.DRAFT)
    outage("api", later, later + timedelta(minutes=20), europe, incident=draft)
    body = Page(client_a.get(STATUS))
    october_cell = cells(body, "api", "eu")["2026-10"]
    assert text(october_cell, "[data-testid=minutes]") == "20 minutes unavailable"


def test_a_place_no_probe_measures_and_the_months_before_the_first_result_are_not_measured(
    client_a, europe
):
    # The REST API is measured from 20 September 12:00; SMTP injection not at all.
    measured("api", europe, since=NOW.replace(month=9, day=20, hour=12))
    outage("api", NOW.replace(month=8, day=3), NOW.replace(month=8, day=4), region=europe)
    outage("smtp", NOW.replace(month=10, day=3), NOW.replace(month=10, day=4), region=europe)
    body = Page(client_a.get(STATUS))
    api = cells(body, "api", "eu")
    assert [
        text(api[m], "[data-testid=not-measured]") for m in ("2026-06", "2026-07", "2026-08")
    ] == ["not measured"] * 3
    # September counts from the first result: ten and a half days, all available.
    assert text(api["2026-09"], "[data-testid=percentage]") == "100%"
    assert text(api["2026-10"], "[data-testid=percentage]") == "100%"
    smtp = cells(body, "smtp", "eu")
    assert {text(td) for td in smtp.values()} == {"not measured"}
    assert not any(select(td, "[data-testid=percentage]") for td in smtp.values())

    chart = body.one("[data-testid=availability] svg[role=img]")
    grey = [r for r in select(chart, "rect") if r.get("data-level") == "none"]
    assert len(grey) == 3 + 6
    assert "October 2026: not measured" in texts(chart, "rect title")
    assert texts(chart, "[data-testid=not-measured]") == ["not measured"] * 9


def test_not_measured_reads_in_dutch(client_a, customer_a, europe):
    customer_a.language = "nl"
    customer_a.save()
    body = Page(client_a.get(STATUS))
    assert {text(td) for td in cells(body, "smtp", "eu").values()} == {"niet gemeten"}
    chart = body.one("[data-testid=availability] svg[role=img]")
    assert set(texts(chart, "[data-testid=not-measured]")) == {"niet gemeten"}
    assert "oktober 2026: niet gemeten" in texts(chart, "rect title")
