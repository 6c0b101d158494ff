"""In a real browser at a phone's width: the incident banner and the status page fit the
screen, and the banner's link opens the incident on the status page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from availability.models import Outage
from cases.models import Incident, IncidentScope, IncidentStatus, IncidentUpdate
from tests.factories import PASSWORD, ContactFactory, StaffFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _within_the_width(locator, what):
    assert locator.is_visible(), what
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (what, box)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_on_a_phone_the_banner_and_the_status_page_fit(page, screenshot, language):
    customer = ContactFactory(user__email="alice@alpha.example", user__language=language).user
    now = timezone.now()
    incident = Incident.objects.create(
        scope=IncidentScope.BOTH,
        status=IncidentStatus.ACTIVE,
        title="REST API calls and SMTP injections fail in every region",
        title_nl="REST API-aanroepen en SMTP-injecties mislukken in alle regio's",
        text="Every API call answers 503 and SMTP connections are refused.",
        text_nl="Elke API-aanroep geeft 503 en SMTP-verbindingen worden geweigerd.",
        started_at=now - timedelta(minutes=40),
    )
    IncidentUpdate.objects.create(
        incident=incident,
        text="A failed storage node is being replaced.",
        text_nl="Een defecte opslagnode wordt vervangen.",
        expected_resolution_at=now + timedelta(hours=1),
        posted_at=now - timedelta(minutes=10),
        posted_by=StaffFactory(role=roles.SUPPORT_AGENTS),
    )
    Outage.objects.create(component="api", started_at=now - timedelta(minutes=40))
    page.set_viewport_size(PHONE)
    sign_in(page, customer.email, PASSWORD)

    page.goto("/cases/")
    banner = page.get_by_test_id("incident-banner")
    _within_the_width(banner, "banner")
    _within_the_width(banner.locator("a"), "banner link")
    screenshot(f"mobile-incident-banner-{language}")

    banner.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/status/#{incident.reference}")
    card = page.locator(f"article#{incident.reference}")
    _within_the_width(card, "incident")
    _within_the_width(page.locator("[data-testid=availability] svg"), "chart")
    screenshot(f"mobile-status-{language}")
    # The table of figures scrolls inside its own box rather than widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
