"""Numbers and dates as each language writes them: Dutch decimal commas, thousands points
and lower-case abbreviated months; English as Django writes it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core import dates, numbers

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MOMENT = datetime(2026, 3, 2, 14, 5, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("language", "share", "shown"),
    [
        ("en", 0.995, "99.5%"),
        ("nl", 0.995, "99,5\u00a0%"),
        ("en", 0.75, "75%"),
        ("nl", 1, "100\u00a0%"),
        ("nl", 0.12345, "12,3\u00a0%"),
    ],
)
def test_a_share_is_a_percentage_in_the_readers_language(language, share, shown):
    with translation.override(language):
        assert numbers.percent(share) == shown


def test_no_share_is_no_percentage():
    assert numbers.percent(None) == ""


@pytest.mark.parametrize(("language", "shown"), [("en", "12,345"), ("nl", "12.345")])
def test_counts_have_their_thousands_separated(language, shown):
    with translation.override(language):
        assert numbers.grouped(12345) == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Mon 2 Mar 2026, 14:05"), ("nl", "ma 2 mrt 2026, 14:05")],
)
def test_abbreviated_days_and_months_are_the_languages_own(language, shown):
    with translation.override(language):
        assert dates.date_format(MOMENT, "D j M Y, H:i") == shown


def test_an_escaped_m_stays_a_letter():
    with translation.override("nl"):
        assert dates.localised_format(r"j M \M") == r"j b \M"


@pytest.mark.parametrize(("language", "shown"), [("en", "2 Mar 14:05"), ("nl", "2 mrt 14:05")])
def test_the_django_templates_date_filter_abbreviates_as_the_language_does(language, shown):
    with translation.override(language), timezone.override(AMSTERDAM):
        html = Template('{{ when|date:"j M H:i" }}').render(Context({"when": MOMENT}))
    assert html == shown
