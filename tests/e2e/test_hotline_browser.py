"""In a real browser: a customer service representative records a Severity 1 hotline
call in the admin, an agent logs the callback on the case page, and the customer sees
"callback due by" and then "called back at"."""

import pytest
from django.core import mail

from accounts import roles
from cases.models import HotlineCall
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import file_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hotline_call_is_recorded_called_back_and_shown_to_the_customer(page, screenshot):
    customer = ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example").user
    StaffFactory(email="rep@example.com", full_name="Chris Rep", role=roles.CUSTOMER_SERVICE)
    agent = StaffFactory(
        email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS
    )
    case = file_critical(customer)
    mail.outbox.clear()

    sign_in(page, "rep@example.com", PASSWORD)
    page.goto("/admin/cases/hotlinecall/intake/")
    page.fill("#id_company_name", "Alpha Mail")
    page.fill("#id_contact_person", "Alice")
    page.fill("#id_phone", "+31 20 555 0100")
    page.fill("#id_email", "alice@alpha.example")
    page.fill("#id_description", "Nothing gets out: 503 on every call.")
    page.click("input[name=find]")
    page.wait_for_load_state("networkidle")
    assert case.reference in page.get_by_test_id("candidates").inner_text()
    page.check(f"#t-case-{case.pk}")
    page.click("input[name=record]")
    page.wait_for_load_state("networkidle")
    call = HotlineCall.objects.get()
    assert call.case == case
    assert any(agent.email in m.to for m in mail.outbox)

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    assert "callback due by" in page.get_by_test_id("callback").inner_text()

    page.context.clear_cookies()
    sign_in(page, "agent@example.com", PASSWORD)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.click("details[data-action=log_callback] summary")
    page.select_option("select[name=log_callback-outcome]", "reached")
    page.fill("textarea[name=log_callback-notes]", "Gathered request ids.")
    page.click("details[data-action=log_callback] input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "called back at" in page.get_by_test_id("hotline-call").inner_text()
    screenshot("hotline-callback-logged")

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    assert "called back at" in page.get_by_test_id("callback").inner_text()
    screenshot("hotline-customer-called-back")
