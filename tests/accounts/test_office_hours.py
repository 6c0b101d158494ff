"""Business-hours arithmetic: plain cases on fixed calendars, DST both ways, and properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.office_hours import (
    Change,
    NeverOpen,
    Schedule,
    add_office_minutes,
    by_local_day,
    is_open,
    merge_ranges,
    next_closing,
    next_opening,
    office_minutes_between,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
WEEKDAYS_9_17 = {d: ((time(9), time(17)),) for d in range(5)}


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


def amsterdam(**kwargs):
    return Schedule(time_zone="Europe/Amsterdam", weekly=WEEKDAYS_9_17, **kwargs)


def new_york(**kwargs):
    return Schedule(time_zone="America/New_York", weekly=WEEKDAYS_9_17, **kwargs)


class TestIsOpen:
    def test_it_is_open_inside_a_range_and_closed_outside(self):
        s = amsterdam()
        assert is_open(s, at(AMS, 2026, 11, 25, 10, 0))  # Wednesday
        assert not is_open(s, at(AMS, 2026, 11, 25, 8, 59))
        assert not is_open(s, at(AMS, 2026, 11, 28, 12, 0))  # Saturday

    def test_it_reads_the_calendar_in_its_own_zone_whatever_the_zone_of_t(self):
        s = amsterdam()
        # 08:30 UTC on a winter Wednesday is 09:30 in Amsterdam.
        assert is_open(s, datetime(2026, 11, 25, 8, 30, tzinfo=UTC))
        assert not is_open(s, datetime(2026, 11, 25, 16, 30, tzinfo=UTC))

    def test_a_holiday_is_closed_all_day(self):
        s = amsterdam(holidays=frozenset({date(2026, 12, 25)}))
        assert not is_open(s, at(AMS, 2026, 12, 25, 11, 0))

    def test_a_vendor_change_closes_shortens_or_extends_its_days(self):
        s = amsterdam(
            changes=(
                Change(date(2026, 12, 24), date(2026, 12, 24), ((time(9), time(15)),)),
                Change(date(2026, 12, 28), date(2026, 12, 29), ()),
                Change(date(2026, 12, 5), date(2026, 12, 5), ((time(10), time(14)),)),
            )
        )
        assert not is_open(s, at(AMS, 2026, 12, 24, 15, 30))  # shortened
        assert is_open(s, at(AMS, 2026, 12, 24, 14, 30))
        assert not is_open(s, at(AMS, 2026, 12, 28, 11, 0))  # closed for the period
        assert not is_open(s, at(AMS, 2026, 12, 29, 11, 0))
        assert is_open(s, at(AMS, 2026, 12, 5, 11, 0))  # extended: a Saturday opened

    def test_several_ranges_a_day_leave_the_lunch_break_closed(self):
        s = Schedule(
            time_zone="Europe/Amsterdam",
            weekly={0: ((time(8, 30), time(12, 30)), (time(13), time(17, 30)))},
        )
        assert is_open(s, at(AMS, 2026, 11, 23, 12, 0))
        assert not is_open(s, at(AMS, 2026, 11, 23, 12, 45))
        assert is_open(s, at(AMS, 2026, 11, 23, 13, 15))

    def test_it_refuses_a_naive_datetime(self):
        with pytest.raises(ValueError, match="time-zone-aware"):
            is_open(amsterdam(), datetime(2026, 11, 25, 10, 0))  # noqa: DTZ001 - on purpose


class TestNextOpening:
    def test_friday_evening_opens_again_on_monday_morning(self):
        s = amsterdam()
        assert next_opening(s, at(AMS, 2026, 11, 27, 18, 0)) == at(AMS, 2026, 11, 30, 9, 0)

    def test_an_open_instant_is_its_own_next_opening(self):
        t = at(AMS, 2026, 11, 25, 10, 15)
        assert next_opening(amsterdam(), t) == t

    def test_it_skips_holidays(self):
        s = amsterdam(holidays=frozenset({date(2026, 12, 25)}))
        assert next_opening(s, at(AMS, 2026, 12, 24, 18, 0)) == at(AMS, 2026, 12, 28, 9, 0)

    def test_next_closing_is_the_end_of_the_current_range(self):
        assert next_closing(amsterdam(), at(AMS, 2026, 11, 25, 10, 0)) == at(
            AMS, 2026, 11, 25, 17, 0
        )

    def test_a_calendar_without_hours_is_never_open(self):
        with pytest.raises(NeverOpen):
            next_opening(Schedule(time_zone="UTC"), datetime(2026, 1, 1, tzinfo=UTC))


class TestAddOfficeMinutes:
    def test_friday_afternoon_rolls_over_the_weekend(self):
        # 16:00 Friday + 4 office hours = 1 h on Friday, 3 h on Monday.
        got = add_office_minutes(amsterdam(), at(AMS, 2026, 11, 27, 16, 0), 240)
        assert got == at(AMS, 2026, 11, 30, 12, 0)

    def test_a_closed_start_counts_from_the_next_opening(self):
        got = add_office_minutes(amsterdam(), at(AMS, 2026, 11, 28, 3, 0), 30)
        assert got == at(AMS, 2026, 11, 30, 9, 30)

    def test_a_deadline_may_fall_exactly_at_closing_time(self):
        got = add_office_minutes(amsterdam(), at(AMS, 2026, 11, 25, 16, 0), 60)
        assert got == at(AMS, 2026, 11, 25, 17, 0)
        assert is_open(amsterdam(), got)

    def test_holidays_and_vendor_changes_are_skipped(self):
        s = amsterdam(
            holidays=frozenset({date(2026, 12, 25)}),
            changes=(Change(date(2026, 12, 24), date(2026, 12, 24), ((time(9), time(15)),)),),
        )
        # Thursday 24th closes at 15:00: 1 h left there, then Friday 25th is a holiday.
        got = add_office_minutes(s, at(AMS, 2026, 12, 24, 14, 0), 120)
        assert got == at(AMS, 2026, 12, 28, 10, 0)

    @pytest.mark.parametrize(
        ("tz", "schedule", "start", "minutes", "expected"),
        [
            # Amsterdam springs forward on Sunday 29 March 2026, 02:00 -> 03:00.
            (AMS, "amsterdam", (2026, 3, 27, 16, 0), 120, (2026, 3, 30, 10, 0)),
            # and falls back on Sunday 25 October 2026, 03:00 -> 02:00.
            (AMS, "amsterdam", (2026, 10, 23, 16, 0), 120, (2026, 10, 26, 10, 0)),
            # New York springs forward on Sunday 8 March 2026 and falls back on 1 November.
            (NYC, "new_york", (2026, 3, 6, 16, 0), 120, (2026, 3, 9, 10, 0)),
            (NYC, "new_york", (2026, 10, 30, 16, 0), 120, (2026, 11, 2, 10, 0)),
        ],
    )
    def test_office_hours_keep_their_local_times_across_dst(
        self, tz, schedule, start, minutes, expected
    ):
        s = amsterdam() if schedule == "amsterdam" else new_york()
        got = add_office_minutes(s, at(tz, *start), minutes)
        assert got == at(tz, *expected)
        # The local wall-clock opening is 09:00 on both sides of the change.
        assert got.astimezone(tz).hour == 10

    def test_a_night_range_over_the_fall_back_hour_counts_real_minutes(self):
        # Sunday 25 October 2026 in Amsterdam: 00:00-06:00 local lasts seven real hours.
        s = Schedule(time_zone="Europe/Amsterdam", weekly={6: ((time(0), time(6)),)})
        start = at(AMS, 2026, 10, 25, 0, 0)
        end = add_office_minutes(s, start, 7 * 60)
        assert end == at(AMS, 2026, 10, 25, 6, 0)
        assert office_minutes_between(s, start, end) == 7 * 60

    def test_a_range_swallowed_by_the_spring_gap_is_skipped(self):
        # 02:00-03:00 does not exist in Amsterdam on 29 March 2026.
        s = Schedule(
            time_zone="Europe/Amsterdam",
            weekly={6: ((time(2), time(3)),), 0: ((time(9), time(10)),)},
        )
        got = add_office_minutes(s, at(AMS, 2026, 3, 29, 0, 0), 30)
        assert got == at(AMS, 2026, 3, 30, 9, 30)

    def test_an_all_day_range_runs_to_midnight(self):
        s = Schedule(time_zone="UTC", weekly={d: ((time(0), time(0)),) for d in range(7)})
        t = datetime(2026, 11, 26, 23, 59, tzinfo=UTC)
        assert is_open(s, t)
        assert add_office_minutes(s, t, 15) == t + timedelta(minutes=15)

    def test_negative_minutes_are_refused(self):
        with pytest.raises(ValueError):
            add_office_minutes(amsterdam(), at(AMS, 2026, 11, 25, 10, 0), -1)


def test_merge_ranges_joins_overlaps_and_keeps_gaps():
    assert merge_ranges([(time(13), time(17)), (time(9), time(12)), (time(11), time(13))]) == (
        (time(9), time(17)),
    )
    assert merge_ranges([(time(9), time(10)), (time(11), time(12))]) == (
        (time(9), time(10)),
        (time(11), time(12)),
    )


def test_by_local_day_lists_every_day_and_shows_hours_in_the_viewers_zone():
    s = amsterdam()
    intervals = s.intervals_on(date(2026, 11, 27))
    rows = by_local_day(intervals, NYC, date(2026, 11, 27), 3)
    assert [d for d, _ in rows] == [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)]
    ((start, end),) = rows[0][1]
    assert (start.hour, end.hour) == (3, 11)  # 09:00-17:00 Amsterdam is 03:00-11:00 New York
    assert rows[1][1] == [] and rows[2][1] == []


# Properties -----------------------------------------------------------------------------

ZONES = ["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, (q % 4) * 15))


@st.composite
def ranges(draw):
    a = draw(quarter_hours)
    b = draw(quarter_hours)
    if b <= a and b != time(0):
        a, b = b, a
    if a == b:
        b = time(0)  # all day from a
    return (a, b)


@st.composite
def schedules(draw):
    weekly = {
        d: tuple(draw(st.lists(ranges(), max_size=3)))
        for d in draw(st.sets(st.integers(0, 6), min_size=1))
    }
    # At least two hours open a week, so 5,000 office minutes fit in the horizon.
    opens = draw(st.integers(min_value=0, max_value=85))
    length = draw(st.integers(min_value=8, max_value=95 - opens))
    weekly[draw(st.integers(0, 6))] = (
        (
            time(opens // 4, (opens % 4) * 15),
            time((opens + length) // 4, ((opens + length) % 4) * 15),
        ),
    )
    base = date(2026, 1, 1)
    holidays = frozenset(
        base + timedelta(days=n) for n in draw(st.lists(st.integers(0, 800), max_size=20))
    )
    changes = tuple(
        Change(base + timedelta(days=n), base + timedelta(days=n + length), rs)
        for n, length, rs in draw(
            st.lists(
                st.tuples(
                    st.integers(0, 800),
                    st.integers(0, 10),
                    st.lists(ranges(), max_size=2).map(tuple),
                ),
                max_size=4,
            )
        )
    )
    return Schedule(
        time_zone=draw(st.sampled_from(ZONES)), weekly=weekly, holidays=holidays, changes=changes
    )


instants = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - Hypothesis takes naive bounds
    max_value=datetime(2028, 6, 30),  # noqa: DTZ001 - Hypothesis takes naive bounds
    timezones=st.just(UTC),
)
minutes = st.integers(min_value=0, max_value=5000)


@settings(max_examples=150, deadline=None)
@given(schedules(), instants, minutes)
def test_the_result_never_falls_in_closed_time(s, t, m):
    assert is_open(s, add_office_minutes(s, t, m))


@settings(max_examples=150, deadline=None)
@given(schedules(), instants, minutes, minutes)
def test_adding_a_then_b_equals_adding_a_plus_b(s, t, a, b):
    assert add_office_minutes(s, add_office_minutes(s, t, a), b) == add_office_minutes(s, t, a + b)


@settings(max_examples=150, deadline=None)
@given(schedules(), instants)
def test_adding_zero_to_an_open_instant_returns_it(s, t):
    opened = next_opening(s, t)
    assert is_open(s, opened)
    assert add_office_minutes(s, opened, 0) == opened


@settings(max_examples=100, deadline=None)
@given(schedules(), instants, minutes)
def test_the_office_time_between_start_and_result_is_what_was_added(s, t, m):
    end = add_office_minutes(s, t, m)
    assert office_minutes_between(s, t, end) == pytest.approx(m)
