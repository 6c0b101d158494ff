"""In a real browser: a customer whose company signs in through its identity provider
gives their work email address on the sign-in page, passes the provider (on loopback,
approving at once) and lands on their home, signed in."""

import pytest

from tests.factories import AccountFactory, ContactFactory
from tests.oidc_provider import OIDCProvider, configure_sign_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def oidc(settings):
    settings.SSO_ALLOW_LOOPBACK_HTTP = True
    with OIDCProvider(email="alice@alpha.example") as provider:
        yield provider


def test_a_customer_signs_in_with_single_sign_on_from_the_sign_in_page(page, oidc, screenshot):
    account = AccountFactory(name="Alpha Mail BV")
    ContactFactory(account=account, user__email="alice@alpha.example", user__full_name="Alice")
    configure_sign_on(account, oidc)

    page.goto("/cases/")
    assert "/accounts/login/" in page.url
    form = page.get_by_test_id("sso-form")
    form.get_by_label("Work email address").fill("alice@alpha.example")
    screenshot("sso-sign-in")
    form.get_by_role("button", name="Sign in with single sign-on").click()
    page.wait_for_load_state("networkidle")

    # Through the provider and back to the page that asked for a sign-in.
    assert [p for p, _ in oidc.requests if p in ("/authorize", "/token")] == [
        "/authorize",
        "/token",
    ]
    assert page.url.endswith("/cases/")
    assert page.get_by_role("button", name="Alice").is_visible()

    # A password no longer opens the door for this address.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "alice@alpha.example")
    page.fill("input[name=password]", "correct-horse-battery")
    page.locator("form:not([data-testid]) button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert "sign in with single sign-on" in page.get_by_test_id("sign-in-error").inner_text()
