"""The SLA oversight report matches figures computed by hand."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases import services, sla_report

from ..html import one, page, select, texts

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def test_the_nearest_rank_percentile():
    assert sla_report.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert sla_report.percentile([4], 90) == 4
    assert sla_report.percentile([], 90) is None


def test_a_fulfilment_after_a_breach_counts_once_as_late():
    events = [
        {
            "case_id": 1,
            "reference": "EE-1",
            "account": "A",
            "kind": "sla_breach",
            "data": {"deadline_kind": "callback", "subject_id": 7, "due": "d"},
        },
        {
            "case_id": 1,
            "reference": "EE-1",
            "account": "A",
            "kind": "sla_fulfilled",
            "data": {
                "deadline_kind": "callback",
                "subject_id": 7,
                "due": "d",
                "met": False,
                "minutes": 22,
            },
        },
    ]
    [row] = sla_report.attainment(sla_report.outcomes_from_events(events))
    assert (row.total, row.met, row.minutes, row.breached) == (1, 0, [22.0], [(1, "EE-1")])


@pytest.fixture
def month_of_calls(record_call, agent, critical_case_a):
    """Four calls called back after 5, 10, 14 and 20 minutes: 3 of 4 in time,
    median 12 minutes, 90th percentile 20 minutes."""
    for i, minutes in enumerate([5, 10, 14, 20]):
        received = T0 + timedelta(days=i)
        call = record_call(case=critical_case_a, now=received)
        at = received + timedelta(minutes=minutes)
        services.callback_log_attempt(call=call, agent=agent, outcome="reached", at=at, now=at)
    return critical_case_a


def test_the_report_matches_hand_computed_figures(month_of_calls, manager, client):
    client.force_login(manager)
    response = client.get(reverse("admin:cases_sla_report") + "?month=2026-11")
    rows = [r["row"] for r in response.context["rows"] if r["row"].kind == "callback"]
    [row] = rows
    assert (row.total, row.met) == (4, 3)
    assert row.median == 12
    assert row.p90 == 20
    assert row.breached == [(month_of_calls.pk, month_of_calls.reference)]
    tree = page(response)
    one(tree, "[data-testid=chart] svg")
    table = [texts(tr, "td") for tr in select(tree, "[data-testid=sla-report] tbody tr")]
    [callback] = [cells for cells in table if cells[2] == "3 / 4 (75%)"]
    assert callback[5] == month_of_calls.reference
    link = one(tree, f"[data-testid=sla-report] a[href*='/{month_of_calls.pk}/']")
    assert link.text_content() == month_of_calls.reference


def test_the_csv_export_has_one_line_per_account_and_deadline(month_of_calls, manager, client):
    client.force_login(manager)
    response = client.get(reverse("admin:cases_sla_report") + "?month=2026-11&format=csv")
    lines = response.content.decode().strip().splitlines()
    callback = [line for line in lines if ",callback," in line]
    assert callback == [
        f"2026-11,{month_of_calls.account.name},callback,4,3,0.750,12.0,20.0,"
        f"{month_of_calls.reference},first_attempt"
    ]


def test_agents_cannot_see_the_report(agent_client):
    response = agent_client.get(reverse("admin:cases_sla_report"))
    assert response.status_code == 403


def test_a_tam_sees_only_their_accounts(month_of_calls, case_b, client, tam_a):
    services.case_reply(case=case_b, author=tam_a, body="x", now=T0)
    client.force_login(tam_a)
    response = client.get(reverse("admin:cases_sla_report") + "?month=2026-11")
    assert {r["row"].account for r in response.context["rows"]} == {month_of_calls.account.name}


def test_the_chart_has_one_bar_per_account_and_deadline_with_the_share_met():
    rows = [sla_report.Row("A", "callback", total=4, met=3), sla_report.Row("B", "next_update")]
    chart = sla_report.chart(rows, {"callback": "Callback"})
    assert [(b.label, b.met_width, b.share) for b in chart.bars] == [
        ("A · Callback", 270.0, 0.75),
        ("B · next_update", 0.0, 0),
    ]
    assert chart.height == 2 * 24 + 30


def test_an_account_name_with_markup_stays_text_in_the_chart():
    rows = [sla_report.Row("<b>A</b> & co", "callback", total=1, met=1)]
    html = render_to_string(
        "cases/charts/sla_attainment.svg.html", {"chart": sla_report.chart(rows, {})}
    )
    svg = one(page(html), "svg")
    assert not select(svg, "b")
    assert texts(svg, "text") == ["<b>A</b> & co · callback", "100%"]


@pytest.mark.parametrize(("language", "shown"), [("en", "99.5%"), ("nl", "99,5 %")])
def test_the_charts_percentage_is_written_in_the_readers_language(language, shown):
    rows = [sla_report.Row("A", "callback", total=200, met=199)]
    with translation.override(language):
        html = render_to_string(
            "cases/charts/sla_attainment.svg.html", {"chart": sla_report.chart(rows, {})}
        )
    svg = one(page(html), "svg")
    assert texts(svg, "text")[1] == shown
    # The drawing itself keeps its decimal point.
    assert select(svg, "rect")[1].get("width") == "358.2"
