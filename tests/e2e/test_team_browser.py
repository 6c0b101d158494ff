"""In a real browser: the primary contact invites a colleague, the colleague accepts the
mailed link with a password of their own, and the primary contact deactivates them,
which signs out the colleague's open browser at once."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, ContactFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

COLLEAGUE_PASSWORD = "plum-orchard-lantern-42"


def test_invite_accept_and_deactivate(browser, page, live_server, screenshot):
    primary = ContactFactory(account__name="Alpha Mail BV", user__email="anna@alpha.example")
    sign_in(page, primary.user.email, PASSWORD)
    page.goto("/me/profile/")
    page.get_by_test_id("team-link").get_by_role("link", name="Manage your team").click()
    invite = page.get_by_test_id("invite")
    invite.locator("input[name=email]").fill("carol@alpha.example")
    invite.locator("select[name=role]").select_option("billing")
    invite.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state("networkidle")
    assert (
        "An invitation was mailed to carol@alpha.example."
        in page.get_by_test_id("message").inner_text()
    )
    assert "carol@alpha.example" in page.get_by_test_id("team-invitations").inner_text()
    screenshot("team-invited")

    [message] = mail.outbox
    link = re.search(r"https?://\S+(/me/team/join/\S+/)", message.body).group(1)
    colleague = browser.new_context(base_url=live_server.url)
    theirs = colleague.new_page()
    theirs.set_default_timeout(15_000)
    theirs.goto(link)
    theirs.fill("input[name=full_name]", "Carol Colleague")
    theirs.fill("input[name=password1]", COLLEAGUE_PASSWORD)
    theirs.fill("input[name=password2]", COLLEAGUE_PASSWORD)
    theirs.get_by_role("button", name="Accept and sign in").click()
    theirs.wait_for_load_state("networkidle")
    assert (
        "Welcome: you are a contact of Alpha Mail BV."
        in theirs.get_by_test_id("message").inner_text()
    )
    theirs.goto("/cases/")
    assert theirs.url.endswith("/cases/")

    page.goto("/me/team/")
    row = page.locator("[data-testid=team-contacts] tr", has_text="carol@alpha.example")
    assert "Active" in row.inner_text()
    row.get_by_role("link", name="Carol Colleague").click()
    page.get_by_test_id("activation").get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state("networkidle")
    assert (
        "Carol Colleague was deactivated and signed out."
        in page.get_by_test_id("message").inner_text()
    )
    screenshot("team-deactivated")

    theirs.goto("/cases/")
    assert "/accounts/login/" in theirs.url
    colleague.close()
