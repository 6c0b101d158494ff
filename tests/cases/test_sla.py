"""Deadlines on a fixed calendar: Monday to Friday 09:00-17:00 Europe/Amsterdam."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from accounts import office_hours
from cases import sla

AMS = ZoneInfo("Europe/Amsterdam")
SCHEDULE = office_hours.Schedule(
    time_zone="Europe/Amsterdam",
    weekly={d: ((time(9), time(17)),) for d in range(5)},
    holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}),
)
OFFICE_4H = sla.Target(240, True)
WALL_15 = sla.Target(15, False)


def ams(*args):
    return datetime(*args, tzinfo=AMS)


def test_a_friday_afternoon_case_is_due_on_monday_morning():
    # Friday 15:00: two office hours left on Friday, two more on Monday.
    assert sla.due_at(OFFICE_4H, SCHEDULE, ams(2026, 11, 27, 15)) == ams(2026, 11, 30, 11)


def test_a_case_filed_in_the_night_is_due_after_opening():
    assert sla.due_at(OFFICE_4H, SCHEDULE, ams(2026, 11, 25, 23, 30)) == ams(2026, 11, 26, 13)


def test_holidays_are_not_counted():
    # Thursday 24 Dec 16:00 -> one hour on Thursday; Fri 25 is a holiday; Mon 28 too.
    assert sla.due_at(OFFICE_4H, SCHEDULE, ams(2026, 12, 24, 16)) == ams(2026, 12, 29, 12)


def test_the_dst_change_keeps_office_hours_in_local_time():
    # Friday 23 Oct 2026 15:00 CEST; clocks go back on Sunday 25 Oct.
    due = sla.due_at(OFFICE_4H, SCHEDULE, ams(2026, 10, 23, 15))
    assert due == ams(2026, 10, 26, 11)
    assert due.astimezone(UTC).hour == 10  # 11:00 CET is 10:00 UTC, no longer 09:00


def test_critical_cases_are_due_in_fifteen_wall_clock_minutes_even_at_night():
    start = ams(2026, 12, 25, 3, 0)  # a holiday, at night
    assert sla.due_at(WALL_15, SCHEDULE, start) == start + timedelta(minutes=15)


def test_wall_clock_minutes_are_real_minutes_when_the_clocks_go_back():
    # 01:30 summer time on 25 Oct 2026 is 23:30 UTC; the clocks go back at 03:00.
    start = ams(2026, 10, 25, 1, 30)
    due = sla.due_at(sla.Target(90, False), SCHEDULE, start)
    assert due == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 winter time
    paused = [(start, ams(2026, 10, 25, 3, 0))]  # 150 real minutes
    assert sla.due_at(WALL_15, SCHEDULE, start, paused) == datetime(2026, 10, 25, 2, 15, tzinfo=UTC)


def test_waiting_on_the_customer_pushes_the_deadline_by_the_paused_office_time():
    start = ams(2026, 11, 23, 9)  # Monday 09:00, due 13:00
    pauses = [(ams(2026, 11, 23, 10), ams(2026, 11, 24, 10))]  # one office day paused
    assert sla.due_at(OFFICE_4H, SCHEDULE, start, pauses) == ams(2026, 11, 24, 13)


def test_repeated_pauses_add_up():
    start = ams(2026, 11, 23, 9)
    pauses = [
        (ams(2026, 11, 23, 10), ams(2026, 11, 23, 11)),
        (ams(2026, 11, 23, 12), ams(2026, 11, 23, 12, 30)),
    ]
    assert sla.due_at(OFFICE_4H, SCHEDULE, start, pauses) == ams(2026, 11, 23, 14, 30)


def test_a_pause_after_the_deadline_changes_nothing():
    start = ams(2026, 11, 23, 9)
    pauses = [(ams(2026, 11, 23, 14), ams(2026, 11, 23, 16))]
    assert sla.due_at(OFFICE_4H, SCHEDULE, start, pauses) == ams(2026, 11, 23, 13)


def test_a_pause_on_a_wall_clock_target_counts_wall_time():
    start = ams(2026, 11, 28, 2)
    pauses = [(ams(2026, 11, 28, 2, 5), ams(2026, 11, 28, 2, 25))]
    assert sla.due_at(WALL_15, SCHEDULE, start, pauses) == ams(2026, 11, 28, 2, 35)


def test_pauses_are_read_from_recorded_status_changes():
    t = [ams(2026, 11, 23, h) for h in range(9, 14)]
    transitions = [
        (t[0], "", "new"),
        (t[1], "new", "in_progress"),
        (t[2], "in_progress", "waiting_on_customer"),
        (t[3], "waiting_on_customer", "in_progress"),
        (t[4], "in_progress", "waiting_on_customer"),
    ]
    assert sla.pauses_from_transitions(transitions) == [(t[2], t[3]), (t[4], None)]


def test_verdicts_are_decided_from_recorded_times():
    due = ams(2026, 11, 23, 13)
    assert sla.verdict(due, ams(2026, 11, 23, 12), ams(2026, 11, 24, 9)) == sla.MET
    assert sla.verdict(due, ams(2026, 11, 23, 14), ams(2026, 11, 24, 9)) == sla.BREACHED
    assert sla.verdict(due, None, ams(2026, 11, 23, 12)) == sla.PENDING
    assert sla.verdict(due, None, ams(2026, 11, 23, 14)) == sla.BREACHED
    paused = ams(2026, 11, 23, 12)
    assert sla.verdict(due, None, ams(2026, 11, 23, 14), paused_since=paused) == sla.PAUSED


@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - Hypothesis takes naive bounds
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001 - Hypothesis takes naive bounds
        timezones=st.just(UTC),
    ),
    minutes=st.integers(min_value=1, max_value=3000),
    pause=st.integers(min_value=0, max_value=3000),
)
def test_a_pause_never_brings_a_deadline_forward(start, minutes, pause):
    target = sla.Target(minutes, True)
    plain = sla.due_at(target, SCHEDULE, start)
    paused = sla.due_at(target, SCHEDULE, start, [(start, start + timedelta(minutes=pause))])
    assert paused >= plain
    assert office_hours.office_minutes_between(SCHEDULE, start, plain) == minutes
