"""Customers see their own account's SLA attainment of the month on their home page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services

from ..html import page, texts

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
