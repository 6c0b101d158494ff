"""In a real browser: with the second factor required, a staff member sets up an
authenticator on first sign-in, then signs in to the admin with its code."""

import pytest
from django.test import override_settings

from accounts import roles
from tests.factories import PASSWORD, StaffFactory

from .conftest import sign_in, type_code

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(STAFF_MFA_REQUIRED=True)
def test_a_staff_member_sets_up_an_authenticator_then_signs_in_with_its_code(page, screenshot):
    agent = StaffFactory(email="sam.agent@example.com", role=roles.SUPPORT_AGENTS)
    page.goto("/admin/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")

    # No authenticator yet: the set-up page, with its QR code drawn here, comes first.
    assert "/accounts/second-factor/set-up/" in page.url
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    screenshot("second-factor-setup")
    type_code(page, agent.email, confirmed=False)

    codes = page.get_by_test_id("backup-code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").inner_text() == "Email Enterprise Support: staff"

    # Next time: password, then the code.
    page.context.clear_cookies()
    sign_in(page, agent.email, PASSWORD)
    assert "/accounts/second-factor/" in page.url
    page.goto("/admin/")
    assert "/accounts/second-factor/?next=%2Fadmin%2F" in page.url
    # A code works once: the app's next code (the server allows one step of clock drift).
    type_code(page, agent.email, ahead=30)
    assert page.url.endswith("/admin/")
    assert page.locator("#site-name").inner_text() == "Email Enterprise Support: staff"
