"""Customers see their own account's SLA attainment of the month on their home page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases import services

from ..html import page, text, texts

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_accounts_own_attainment(
    client_a, critical_case_a, case_b, record_call, agent
):
    now = timezone.now()
    call = record_call(case=critical_case_a, now=now - timedelta(minutes=10))
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", at=now - timedelta(minutes=4), now=now
    )
    services.case_reply(case=case_b, author=agent, body="Bravo's answer", now=now)
    tree = page(client_a.get("/"))
    # Bravo's first response is not Alpha's: the callback is the only row.
    assert texts(tree, "[data-testid=sla-attainment] li strong") == ["Hotline callback"]
    [row] = texts(tree, "[data-testid=sla-attainment] li")
    assert row.startswith("Hotline callback: 1 of 1 on time")


# 20:00 on Monday 30 November in New York is 02:00 on Tuesday 1 December in Amsterdam.
EVENING_30_NOVEMBER_NEW_YORK = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _callback_met(record_call, agent, case, reached_at):
    call = record_call(case=case, now=reached_at - timedelta(minutes=6))
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", at=reached_at, now=reached_at
    )


@pytest.mark.parametrize(
    ("zone", "month", "met"),
    [
        # Both callbacks fell on 30 November in New York.
        ("America/New_York", "November 2026", "1 of 2"),
        # In Amsterdam the second fell on 1 December, after midnight: December's one.
        ("Europe/Amsterdam", "December 2026", "0 of 1"),
    ],
)
def test_the_month_is_the_customers_own_in_their_time_zone(
    client_a, customer_a, critical_case_a, record_call, agent, zone, month, met
):
    customer_a.time_zone = zone
    customer_a.save()
    # 13:00 in Amsterdam, 07:00 in New York, on 30 November: on time.
    _callback_met(record_call, agent, critical_case_a, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    # 23:40 UTC: 18:40 on 30 November in New York, 00:40 on 1 December in Amsterdam; late.
    late = datetime(2026, 11, 30, 23, 40, tzinfo=UTC)
    call = record_call(case=critical_case_a, now=late - timedelta(minutes=40))
    services.callback_log_attempt(call=call, agent=agent, outcome="reached", at=late, now=late)
    with time_machine.travel(EVENING_30_NOVEMBER_NEW_YORK, tick=False):
        tree = page(client_a.get("/"))
    assert text(tree, "#sla-heading") == f"Our service levels for you, {month}"
    [row] = texts(tree, "[data-testid=sla-attainment] li")
    assert row.startswith(f"Hotline callback: {met} on time")
