"""In a real browser: the demo customer signs in, sees their TAM, and switches to Dutch."""

import pytest
from django.core.management import call_command

from demo.accounts import DEMO_PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_customer_sees_their_tam_and_reads_it_in_dutch(page, screenshot):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    sign_in(page, "nick@northwind.example", DEMO_PASSWORD)

    card = page.get_by_test_id("tam-card")
    assert "Tom Becker" in card.text_content()
    assert card.locator('a[href^="tel:"]').count() == 1
    assert card.locator('a[href="mailto:tom.tam@example.com"]').count() == 1
    availability = page.get_by_test_id("tam-availability").inner_text()
    assert "Available now" in availability or "next available" in availability
    screenshot("home-en")

    page.click("button[data-language=nl]")
    page.wait_for_load_state("networkidle")
    card = page.get_by_test_id("tam-card")
    assert "Uw Technische Accountmanager" in card.text_content()
    assert "Kantooruren" in page.content()
    assert page.locator("html").get_attribute("lang") == "nl"
    screenshot("home-nl")
