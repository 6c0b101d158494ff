"""The search's days as moments: a day typed in the reader's time zone holds every
moment of that day on their clock, daylight saving changes included, and no other."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.search import opened_range

ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/Amsterdam",
        "America/New_York",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "America/Santiago",
        "UTC",
    )
]
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
zones = st.sampled_from(ZONES)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(0, 40), zones, st.integers(-3 * 86400, 45 * 86400))
def test_a_moment_is_in_the_range_exactly_when_its_local_day_is(first, length, zone, offset):
    last = first + timedelta(days=length)
    start, end = opened_range(first, last, zone)
    moment = datetime.combine(first, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=offset)
    local_day = moment.astimezone(zone).date()
    assert (start <= moment < end) == (first <= local_day <= last)


def test_a_day_of_the_spring_change_is_23_hours_long():
    start, end = opened_range(date(2026, 3, 29), date(2026, 3, 29), ZoneInfo("Europe/Amsterdam"))
    # Same-zone subtraction counts wall-clock time: compare the moments in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_a_missing_day_leaves_that_side_open():
    assert opened_range(None, None, ZoneInfo("UTC")) == (None, None)
