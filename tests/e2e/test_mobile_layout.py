"""In a real browser at a phone's width (390 px): the outcome of filing a case is shown
before the button that files it, the case list's severity, status and next deadline fit in
the width, every listing state of the blocklist matrix is in view, the home dashboard fits,
and the admin case page stacks its timeline above its actions."""

import pytest
from django.utils import timezone

from accounts import roles
from cases.models import Status
from deliverability.models import Blocklist, CheckRun, ListingState, SendingDomain, SendingIP
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


def _within_the_width(locator, what):
    assert locator.is_visible(), what
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (what, box)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_on_a_phone_the_case_list_shows_severity_status_and_next_deadline(
    page, screenshot, language
):
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
    severities = []
    for i in range(rows.count()):
        row = rows.nth(i)
        severity = row.get_by_test_id("phone-severity")
        _within_the_width(severity, (i, "severity"))
        _within_the_width(row.locator(".case-status"), (i, "status"))
        _within_the_width(row.locator("td.case-next"), (i, "next deadline"))
        _within_the_width(row.locator("td.case-subject"), (i, "subject"))
        assert row.locator("td.case-next").inner_text().strip()
        severities.append(severity.inner_text().strip())
    critical = "Critical issue" if language == "en" else "Kritisch probleem"
    assert critical in severities

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # On a desktop severity is its own column again.
    page.set_viewport_size(DESKTOP)
    assert not rows.first.get_by_test_id("phone-severity").is_visible()
    assert table.locator("thead th:visible").count() == 6


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


@pytest.mark.parametrize("language", ["en", "nl"])
def test_on_a_phone_every_listing_state_of_the_blocklist_matrix_is_in_view(
    page, screenshot, language
):
    customer = ContactFactory(user__email="alice@alpha.example", user__language=language).user
    account = customer.contact.account
    ip = SendingIP.objects.create(account=account, address="192.0.2.10", stream="transactional")
    SendingDomain.objects.create(account=account, name="news.alpha.example", purpose="from")
    run = CheckRun.objects.create(account=account, trigger="schedule", status="finished")
    for blocklist in Blocklist.objects.filter(retired=False, kind="ip"):
        ListingState.objects.create(
            sending_ip=ip,
            blocklist=blocklist,
            state="listed" if blocklist.zone == "zen.spamhaus.org" else "clean",
            reasons=["SBL: Spamhaus Block List (spam source)"],
            txt="Listed by SBL, see https://check.spamhaus.org/",
            since=timezone.now(),
            last_checked_at=timezone.now(),
            last_run=run,
        )
    page.set_viewport_size(PHONE)
    sign_in(page, customer.email, PASSWORD)
    page.goto("/deliverability/")
    screenshot(f"mobile-blocklists-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for matrix in ("#ip-matrix", "#domain-matrix"):
        cells = page.locator(f"{matrix} tbody td")
        assert cells.count() >= 3
        for i in range(cells.count()):
            cell = cells.nth(i)
            _within_the_width(cell, (matrix, i))
            state = cell.locator("[data-state], .badge").first
            _within_the_width(state, (matrix, i, "state"))
    listed = page.locator("#ip-matrix td[data-list='Spamhaus ZEN']")
    _within_the_width(listed.locator("[data-state=listed]"), "listed")
    reason = "spam source" if language == "en" else "bron van spam"
    assert reason in listed.get_by_test_id("listing-reasons").inner_text()
    # The list's name is shown beside its state.
    name = page.evaluate(
        "getComputedStyle(document.querySelector(\"#ip-matrix td[data-list='Spamhaus ZEN']\"),"
        " '::before').content"
    )
    assert name == '"Spamhaus ZEN"'


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_home_dashboard_on_a_phone_and_a_desktop(page, screenshot, language):
    customer = ContactFactory(user__email="alice@alpha.example", user__language=language).user
    open_case(customer, "Add a second sending domain for invoices and transactional mail")
    open_case(
        customer,
        "All API calls return 503 Service Unavailable",
        api_all_failing=True,
        api_failure_cause="server",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, customer.email, PASSWORD)
    page.goto("/")
    screenshot(f"mobile-home-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    button = page.get_by_test_id("file-case")
    _within_the_width(button, "file a case")
    # Before any card: the first thing on the page after the account's name.
    assert button.bounding_box()["y"] < page.get_by_test_id("home-cases").bounding_box()["y"]
    for testid in ("home-cases", "blocklist-status", "warmup-status", "sla-attainment"):
        _within_the_width(page.get_by_test_id(testid), testid)
    assert page.locator("[data-testid=home-cases] .home-case").count() == 2

    page.set_viewport_size(DESKTOP)
    cases, monitoring = (
        page.get_by_test_id(t).bounding_box() for t in ("home-cases", "home-monitoring")
    )
    assert monitoring["x"] >= cases["x"] + cases["width"]
    screenshot(f"home-desktop-{language}")
