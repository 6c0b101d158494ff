"""In a real browser: a customer files a critical case and sees the hotline; an agent
replies and proposes a resolution in the admin; the customer accepts it."""

import pytest
from django.core import mail

from accounts import roles
from cases.models import Case
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import answer_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_critical_case_from_filing_to_resolution_by_mutual_agreement(page, screenshot, settings):
    customer = ContactFactory(account__name="Alpha Mail BV", user__email="alice@alpha.example").user
    StaffFactory(email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS)

    sign_in(page, customer.email, PASSWORD)
    answer_critical(page)
    outcome = page.get_by_test_id("outcome")
    assert settings.SEVERITY1_HOTLINE in outcome.inner_text()
    assert "15 minutes" in outcome.inner_text()
    page.fill("textarea[name=description]", "Every call answers **503** since 09:40.")
    screenshot("cases-new-critical")
    page.click("#case-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    hotline = page.get_by_test_id("hotline")
    assert settings.SEVERITY1_HOTLINE in hotline.inner_text()
    screenshot("cases-detail-critical")
    case = Case.objects.get()
    assert case.severity == "critical"

    page.context.clear_cookies()
    sign_in(page, "agent@example.com", PASSWORD)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.click("details[data-action=reply] summary")
    page.fill("textarea[name=reply-body]", "We found the failing node pool and drained it.")
    page.click("details[data-action=reply] input[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("details[data-action=propose] summary")
    page.fill("textarea[name=propose-body]", "The pool is replaced; all calls succeed again.")
    page.click("details[data-action=propose] input[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot("cases-admin-change")
    assert "We found the failing node pool" in page.get_by_test_id("staff-timeline").inner_text()
    assert any("We found the failing node pool" in m.body for m in mail.outbox)

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    assert "all calls succeed again" in page.get_by_test_id("proposal").inner_text()
    page.click("form[action$='/accept/'] button")
    page.wait_for_load_state("networkidle")
    assert "Resolved by mutual agreement" in page.get_by_test_id("resolved-banner").inner_text()
    screenshot("cases-detail-resolved")
