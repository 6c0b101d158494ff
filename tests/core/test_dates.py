"""The templates' `date` filter writes exactly what Django's own writes."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dates

# Every format the templates use, and some that must go to Django's filter.
TEMPLATE_FORMATS = [
    "j M Y",
    "j M Y, H:i",
    "Y-m-d H:i",
    "j M Y H:i",
    "H:i",
    "D j M Y, H:i",
    "l j F, H:i",
    "j M Y H:i T",
    "l j M",
    "l j F Y",
    "j M, H:i",
    "j F",
    "F Y",
    "Y-m-d",
    "r",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    r"\a\t H:i",
    "d/m/y G:s n",
]

ZONES = ["UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]

formats = st.one_of(
    st.sampled_from(TEMPLATE_FORMATS),
    st.text(alphabet="djDlmnMFYyHGisaTU \\,.:-/", max_size=12),
)
moments = st.datetimes(
    min_value=datetime(1900, 1, 1),  # noqa: DTZ001 - Hypothesis takes naive bounds
    max_value=datetime(2100, 12, 31),  # noqa: DTZ001 - Hypothesis takes naive bounds
    timezones=st.just(UTC),
)


def _render(value, fmt):
    return engines["django"].from_string("{{ v|date:f }}").render({"v": value, "f": fmt})


@settings(max_examples=300, deadline=None)
@given(
    value=moments, fmt=formats, language=st.sampled_from(["en", "nl"]), zone=st.sampled_from(ZONES)
)
def test_same_text_as_djangos_filter(value, fmt, language, zone):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        expected = django_date(timezone.localtime(value), fmt)
        assert dates.date(timezone.localtime(value), fmt) == expected
        # Through a template, which makes the value local first, as for Django's filter.
        assert _render(value, fmt) == str(expected)


@settings(max_examples=150, deadline=None)
@given(value=st.dates(), fmt=formats, language=st.sampled_from(["en", "nl"]))
def test_same_text_for_a_plain_date(value, fmt, language):
    with translation.override(language):
        try:
            expected = django_date(value, fmt)
        except TypeError:  # Django refuses time fields for a date; so does this filter
            expected = TypeError
        try:
            assert dates.date(value, fmt) == expected
        except TypeError:
            assert expected is TypeError


def test_templates_use_this_filter():
    template = engines["django"].from_string("{{ v|date:'D j M Y, H:i' }}")
    assert template.template.nodelist[0].filter_expression.filters[0][0] is dates.date


def test_names_follow_the_language():
    value = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Amsterdam")):
        with translation.override("nl"):
            assert _render(value, "l j F Y, H:i") == "maandag 2 maart 2026, 10:05"
            assert _render(value, "D j M") == "ma 2 Mrt"
        with translation.override("en"):
            assert _render(value, "l j F Y, H:i") == "Monday 2 March 2026, 10:05"


def test_dates_empty_values_and_named_formats_go_to_django():
    with translation.override("en"):
        assert _render(date(2026, 11, 27), "l j M Y") == "Friday 27 Nov 2026"
        assert _render(None, "j M Y") == ""
        assert _render("", "j M Y") == ""
        moment = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
        with timezone.override(dt_timezone(timedelta(hours=1))):
            assert _render(moment, "DATE_FORMAT") == django_date(
                timezone.localtime(moment), "DATE_FORMAT"
            )
    assert dates.compiled("DATETIME_FORMAT") is None
    assert dates.compiled("j M Y T") is None
    assert dates.compiled("j M H:i", for_date=True) is None
