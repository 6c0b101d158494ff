"""In a real browser: the update interval is agreed by both sides. The customer proposes
one on the case page, the agent answers it with a proposal of their own in the admin,
and the customer accepts that one on the case page."""

import pytest
from django.core import mail

from accounts import roles
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import file_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_interval_proposed_by_one_side_applies_once_the_other_accepts(page, screenshot):
    customer = ContactFactory(
        account__name="Alpha Mail BV", user__email="alice@alpha.example", user__language="nl"
    ).user
    StaffFactory(email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS)
    case = file_critical(customer)
    mail.outbox.clear()

    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    page.select_option("select[name=minutes]", "30")
    page.click("[data-testid=update-interval] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "30" in page.get_by_test_id("own-interval-proposal").inner_text()

    page.context.clear_cookies()
    sign_in(page, "agent@example.com", PASSWORD)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    assert "30" in page.get_by_test_id("interval-proposal").inner_text()
    screenshot("interval-admin-customer-proposal")
    page.click("details[data-action=propose_interval] summary")
    page.fill("input[name=propose_interval-minutes]", "45")
    page.click("details[data-action=propose_interval] input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "45" in page.get_by_test_id("interval-proposal").inner_text()

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    card = page.get_by_test_id("interval-proposal")
    assert "45" in card.inner_text()
    screenshot("interval-customer-pending-proposal")
    card.locator("button.btn-success").click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.agreed_update_interval == 45
    assert "45" in page.get_by_test_id("update-interval").inner_text()
    screenshot("interval-customer-agreed")
