"""In a real browser: a customer files a critical case in the portal at night; the agent
on call is mailed at once (not when the SLA warning fires), follows the mail's link to the
case, answers, and the customer sees the answer."""

import re

import pytest
from django.core import mail

from accounts import roles
from cases.models import Case
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import answer_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_critical_case_filed_in_the_portal_reaches_the_agent_on_call_at_once(page, screenshot):
    customer = ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example").user
    agent = StaffFactory(
        email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS
    )

    sign_in(page, customer.email, PASSWORD)
    answer_critical(page)
    page.fill("textarea[name=description]", "Every call answers **503** since 02:10.")
    page.click("#case-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert case.severity == "critical"

    (alert,) = [m for m in mail.outbox if m.to == [agent.email]]
    assert alert.subject.startswith("Critical case") and case.reference in alert.subject
    # The mail's link, followed on the test server.
    link = re.search(r"/admin/cases/case/\d+/change/", alert.body).group(0)

    page.context.clear_cookies()
    sign_in(page, agent.email, PASSWORD)
    page.goto("/admin/cases/case/")
    first = page.locator("#result_list tbody tr").first
    assert case.reference in first.inner_text() and "critical" in first.inner_text().lower()
    page.goto(link)
    page.click("details[data-action=reply] summary")
    page.fill("textarea[name=reply-body]", "We see it too and are draining the failing pool.")
    page.click("details[data-action=reply] input[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot("critical-walk-admin")

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    assert "draining the failing pool" in page.get_by_test_id("timeline").inner_text()
    screenshot("critical-walk-customer")
