"""In a real browser: an agent's callback goes unanswered, the case page says so and
when the next attempt is due, and the customer reads the same on their case page."""

import pytest

from accounts import roles
from cases import services
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import file_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_unanswered_callback_is_shown_as_it_was_to_agent_and_customer(page, screenshot):
    customer = ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example").user
    rep = StaffFactory(email="rep@example.com", full_name="Chris Rep", role=roles.CUSTOMER_SERVICE)
    StaffFactory(email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS)
    case = file_critical(customer)
    services.hotline_record_call(
        recorded_by=rep,
        company_name="Alpha Mail BV",
        contact_person="Alice",
        phone="+31 20 555 0100",
        email="alice@alpha.example",
        description="Nothing gets out: 503 on every call.",
        case=case,
    )

    sign_in(page, "agent@example.com", PASSWORD)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.click("details[data-action=log_callback] summary")
    page.select_option("select[name=log_callback-outcome]", "no_answer")
    page.fill("textarea[name=log_callback-notes]", "Mobile rang out; trying the office line next.")
    page.click("details[data-action=log_callback] input[type=submit]")
    page.wait_for_load_state("networkidle")
    progress = page.get_by_test_id("callback-progress").inner_text()
    assert progress.startswith("No answer at ") and "; next attempt due by " in progress
    assert "No answer" in page.get_by_test_id("callback-attempt").inner_text()
    page.get_by_test_id("hotline-call").scroll_into_view_if_needed()
    screenshot("callback-attempt-no-answer-staff")
    page.goto("/admin/cases/hotlinecall/")
    assert "not reached yet" in page.get_by_test_id("next-attempt").inner_text()
    screenshot("callback-attempt-call-list")

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    shown = page.get_by_test_id("callback").inner_text()
    assert shown.startswith("We called at ") and "no answer; we will try again by " in shown
    assert "Mobile rang out" not in page.content()
    screenshot("callback-attempt-no-answer-customer")
