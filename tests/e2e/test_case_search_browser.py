"""In a real browser: a customer searches their cases from the form on the case list, on
a desktop and at a phone's width (390 px), and sees what matched and what was searched."""

import pytest

from tests.factories import PASSWORD, ContactFactory, open_case

from .conftest import DESKTOP, PHONE, sign_in, within_phone_width

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_customer_searches_their_cases_on_a_desktop_and_a_phone(page, screenshot, language):
    customer = ContactFactory(user__email="alice@alpha.example", user__language=language).user
    found = open_case(customer, "Bounces from the invoices stream counted twice")
    open_case(customer, "Add a second sending domain for newsletters")
    other = ContactFactory(user__email="bob@bravo.example").user
    open_case(other, "Bounces of Bravo")

    page.set_viewport_size(DESKTOP)
    sign_in(page, customer.email, PASSWORD)
    page.goto("/cases/")
    page.get_by_label("Zoeken" if language == "nl" else "Search", exact=True).fill("bounces")
    page.locator("[data-testid=case-search] select[name=severity]").select_option("non_critical")
    page.locator("[data-testid=case-search] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.case-table tbody tr")
    assert rows.count() == 1 and found.reference in rows.first.inner_text()
    assert "bounces" in page.get_by_test_id("search-summary").inner_text()
    assert "Bravo" not in page.content()
    screenshot(f"case-search-desktop-{language}")

    page.set_viewport_size(PHONE)
    for what in ("search-summary", "case-search"):
        within_phone_width(page.get_by_test_id(what), what)
    within_phone_width(page.locator("input[name=opened_to]"), "opened to")
    screenshot(f"case-search-phone-{language}")

    page.fill("input[name=opened_from]", "2026-11-25")
    page.fill("input[name=opened_to]", "2026-11-01")
    page.locator("[data-testid=case-search] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_opened_to-error").is_visible()
    screenshot(f"case-search-phone-invalid-{language}")
