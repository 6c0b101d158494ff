"""A mailed outage, walked by the agent on call: the queue flags it "possibly critical",
the case page says why, and one click makes it critical with the mail's signs on record."""

import pytest
from django.core import mail

from accounts import roles
from cases.models import CaseEvent
from inbound.services import ingest
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE = b"""From: alice@alpha.example
To: support@example.com
Subject: URGENT relay refuses everything
Message-ID: <outage-1@alpha.example>
Content-Type: text/plain; charset=utf-8

Every injection fails with 421 4.3.2 Service not available since 03:10.
"""


def test_an_agent_makes_a_mailed_outage_critical_in_one_click(page, screenshot, settings):
    settings.SUPPORT_EMAIL_ADDRESS = "support@example.com"
    ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example")
    agent = StaffFactory(
        email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS
    )
    case = ingest(OUTAGE).case
    assert any(
        m.subject.startswith("Possibly critical case") and agent.email in m.to for m in mail.outbox
    )

    sign_in(page, "agent@example.com", PASSWORD)
    page.goto("/admin/cases/case/?flag=critical")
    row = page.locator("#result_list tbody tr")
    assert row.count() == 1
    assert "possibly critical" in row.locator(".field-severity").inner_text()
    screenshot("queue-possibly-critical")
    row.locator("th.field-ref a").click()
    page.wait_for_load_state("networkidle")
    assert "quotes 421" in page.locator(".field-flags").inner_text()
    screenshot("case-possibly-critical")
    page.click("form[data-action=confirm_critical] input[type=submit]")
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert (case.severity, case.possibly_critical) == ("critical", False)
    reason = CaseEvent.objects.get(case=case, kind="reclassified").detail
    assert "quotes 421" in reason
    assert page.locator(".field-flags .readonly").inner_text().strip() == "—"
    screenshot("case-reclassified-critical")
