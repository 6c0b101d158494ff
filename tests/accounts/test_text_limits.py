"""The vendor's note on changed office hours stops at TEXT_MAX_LENGTH, with a sentence."""

import pytest
from django.urls import reverse

from accounts.models import OfficeHoursCalendar
from core.text_limits import TEXT_MAX_LENGTH
from tests.html import texts

pytestmark = pytest.mark.django_db


def test_an_office_hours_note_over_the_limit_is_refused_with_a_sentence(client, manager):
    client.force_login(manager)
    calendar = OfficeHoursCalendar.objects.create(name="Test", time_zone="Europe/Amsterdam")
    url = reverse("admin:accounts_officehourscalendar_change", args=[calendar.pk])
    over = "a" * TEXT_MAX_LENGTH + "b"
    response = client.post(
        url,
        {
            "name": "Test",
            "time_zone": "Europe/Amsterdam",
            "opening_ranges-TOTAL_FORMS": "0",
            "opening_ranges-INITIAL_FORMS": "0",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
            "changes-TOTAL_FORMS": "1",
            "changes-INITIAL_FORMS": "0",
            "changes-0-kind": "closed",
            "changes-0-starts_on": "2026-12-24",
            "changes-0-ends_on": "2026-12-24",
            "changes-0-note": "Christmas Eve",
            "changes-0-note_nl": over,
        },
    )
    assert response.status_code == 200
    assert texts(response.content, ".errorlist li") == [
        "At most 20,000 characters fit here; this text has 20,001."
    ]
    assert calendar.changes.count() == 0
