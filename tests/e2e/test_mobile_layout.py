"""In a real browser at a phone's width (390 px): the outcome of filing a case is shown
before the button that files it, the case list's status and next deadline fit in the
width, and the admin case page stacks its timeline above its actions."""

import pytest

from accounts import roles
from cases.models import Status
from tests.factories import PASSWORD, ContactFactory, StaffFactory, open_case

from .conftest import answer_critical, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


def test_on_a_phone_the_outcome_comes_before_the_file_button(page, screenshot):
    customer = ContactFactory(user__email="alice@alpha.example").user
    page.set_viewport_size(PHONE)
    sign_in(page, customer.email, PASSWORD)
    answer_critical(page)
    outcome = page.get_by_test_id("outcome")
    assert outcome.locator("[data-outcome=critical]").is_visible()
    submit = page.locator("#case-form button[type=submit]")
    screenshot("mobile-case-new")
    assert outcome.bounding_box()["y"] < submit.bounding_box()["y"]
    assert outcome.bounding_box()["x"] + outcome.bounding_box()["width"] <= PHONE["width"]

    # On a desktop the outcome stays in the side column, the button under the fields.
    page.set_viewport_size(DESKTOP)
    fields = page.locator(".case-new-fields").bounding_box()
    side, button = outcome.bounding_box(), submit.bounding_box()
    assert side["x"] >= fields["x"] + fields["width"]
    assert button["x"] < side["x"] and button["y"] >= fields["y"] + fields["height"] - 1
    screenshot("mobile-case-new-desktop")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_on_a_phone_the_case_list_shows_status_and_next_deadline(page, screenshot, language):
    customer = ContactFactory(user__email="alice@alpha.example", user__language=language).user
    open_case(customer, "Add a second sending domain for invoices and transactional mail")
    worked = open_case(
        customer,
        "All API calls return 503 Service Unavailable",
        api_all_failing=True,
        api_failure_cause="server",
    )
    worked.status = Status.WORKAROUND_PROVIDED
    worked.save(update_fields=["status"])
    page.set_viewport_size(PHONE)
    sign_in(page, customer.email, PASSWORD)
    page.goto("/cases/")
    table = page.get_by_test_id("open-cases")
    screenshot(f"mobile-case-list-{language}")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    headers = [th.inner_text().strip() for th in table.locator("thead th:visible").all()]
    assert len(headers) == 4  # reference, subject, status, next deadline
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td:visible")
        assert cells.count() == 4
        for cell in (cells.nth(2), cells.nth(3)):  # status, next deadline
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
        assert cells.nth(3).inner_text().strip()


def test_on_a_phone_the_admin_case_page_puts_the_actions_below_the_timeline(page, screenshot):
    customer = ContactFactory(user__email="alice@alpha.example").user
    StaffFactory(email="agent@example.com", full_name="Sam Agent", role=roles.SUPPORT_AGENTS)
    case = open_case(customer, "Some SMTP injections time out")
    page.set_viewport_size(PHONE)
    sign_in(page, "agent@example.com", PASSWORD)
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    timeline = page.locator(".case-panel > section").filter(
        has=page.get_by_test_id("staff-timeline")
    )
    actions = page.locator(".case-panel > .case-actions")
    screenshot("mobile-admin-case")
    above, below = timeline.bounding_box(), actions.bounding_box()
    assert below["y"] > above["y"] + above["height"]
    assert below["x"] + below["width"] <= PHONE["width"]

    # On a desktop they stay side by side.
    page.set_viewport_size(DESKTOP)
    above, below = timeline.bounding_box(), actions.bounding_box()
    assert below["x"] >= above["x"] + above["width"]
