"""The TAMs' SLA report shows the month's availability per component and region, with a
chart of the months up to it (the availability app adds the section to the cases report)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.admin import report
from cases.models import IncidentStatus
from tests.html import Page, one, select, texts

from .incident_data import NOW, incident, measured, outage, region

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:cases_sla_report")


@pytest.fixture
def tam_client(client, tam_a):
    client.force_login(tam_a)
    with time_machine.travel(NOW, tick=False):
        yield client


@pytest.fixture
def october_outage():
    eu = region("eu", "Europe", "Europa")
    region("us", "United States")
    measured("api")
    measured("smtp")
    start = NOW.replace(month=10, day=7, hour=3)
    outage("smtp", start, start + timedelta(minutes=45), region=eu)
    return eu


def test_the_report_shows_the_months_availability_per_component_and_region(
    tam_client, october_outage
):
    body = Page(tam_client.get(REPORT, {"month": "2026-10"}))
    rows = [texts(tr, "td") for tr in body.select("table[data-testid=availability] tbody tr")]
    assert rows == [
        ["REST API · Europe", "0", "100%"],
        ["REST API · United States", "0", "100%"],
        ["SMTP injection · Europe", "45", "99.899%"],
        ["SMTP injection · United States", "0", "100%"],
    ]
    chart = body.one("[data-testid=availability-chart] svg[role=img]")
    assert texts(chart, "svg > text")[:6] == [
        "May 2026",
        "Jun 2026",
        "Jul 2026",
        "Aug 2026",
        "Sep 2026",
        "Oct 2026",
    ]
    poor_or_fair = [r for r in select(chart, "rect") if r.get("data-level") != "good"]
    assert [texts(r, "title") for r in poor_or_fair] == [
        ["October 2026: 99.899% available, 45 minutes unavailable"]
    ]


def test_dismissed_outages_do_not_count_and_what_nobody_measured_says_so(tam_client):
    eu = region("eu", "Europe", "Europa")
    measured("api", eu, since=NOW.replace(month=10, day=1))
    false_alarm = incident(region=eu, status=IncidentStatus.DISMISSED)
    start = NOW.replace(month=10, day=7, hour=3)
    outage("api", start, start + timedelta(hours=3), region=eu, incident=false_alarm)
    body = Page(tam_client.get(REPORT, {"month": "2026-10"}))
    rows = [texts(tr, "td") for tr in body.select("table[data-testid=availability] tbody tr")]
    assert rows == [["REST API · Europe", "0", "100%"], ["SMTP injection · Europe", "not measured"]]
    assert body.one("table[data-testid=availability] [data-testid=not-measured]").get("class") == (
        "quiet"
    )
    chart = body.one("[data-testid=availability-chart] svg[role=img]")
    # May to September of the REST API, May to October of SMTP injection.
    assert [r.get("data-level") for r in select(chart, "rect")].count("none") == 5 + 6
    september = Page(tam_client.get(REPORT, {"month": "2026-09"}))
    table = september.one("table[data-testid=availability]")
    assert [texts(tr, "td")[1] for tr in select(table, "tbody tr")] == ["not measured"] * 2


def test_another_month_of_the_report_shows_that_months_figures(tam_client, october_outage):
    body = Page(tam_client.get(REPORT, {"month": "2026-09"}))
    table = body.one("table[data-testid=availability]")
    assert [texts(tr, "td")[1] for tr in select(table, "tbody tr")] == ["0", "0", "0", "0"]


def test_the_csv_export_is_unchanged(tam_client, october_outage):
    response = tam_client.get(REPORT, {"month": "2026-10", "format": "csv"})
    assert b"SMTP injection" not in response.content


def test_the_availability_section_is_registered_once():
    from availability.report import sla_report_section

    assert report.SECTIONS.count(sla_report_section) == 1
    report.add_section(sla_report_section)
    assert report.SECTIONS.count(sla_report_section) == 1


def test_a_provider_with_nothing_to_add_adds_nothing(tam_client, monkeypatch):
    monkeypatch.setattr(report, "SECTIONS", [lambda **month: None])
    body = Page(tam_client.get(REPORT, {"month": "2026-10"}))
    assert not body.has("[data-testid=availability]")
    assert one(body.one("#content"), "form.sla-month") is not None


def test_the_figures_take_a_fixed_number_of_queries(django_assert_num_queries):
    from availability.figures import months_back
    from availability.selectors import monthly_availability

    months = months_back(NOW.date(), 6)

    def add(n):
        for i in range(n):
            place = region(f"r{n}{i}", f"Region {n} {i}")
            measured("api", place)
            measured("smtp", place, since=NOW.replace(month=9))
            start = NOW.replace(month=10, day=1 + i)
            outage("api", start, start + timedelta(minutes=5), place)

    add(1)
    with django_assert_num_queries(3):  # regions, outages, when measuring began
        assert len(monthly_availability(months, NOW)) == 2
    add(4)
    with django_assert_num_queries(3):
        assert len(monthly_availability(months, NOW)) == 10
