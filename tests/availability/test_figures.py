"""Monthly availability from outages (availability/figures.py): plain cases and properties."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from availability.figures import (
    merged,
    month_bounds,
    month_figure,
    months_back,
    not_measured,
)

OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)
# The middle of November.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
MINUTES_IN_OCTOBER = 31 * 24 * 60


def at(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_a_month_without_outages_is_fully_available():
    figure = month_figure([], OCTOBER, NOW)
    assert figure.minutes_unavailable == 0
    assert figure.percentage == 100


def test_an_outage_counts_its_minutes_against_the_whole_month():
    figure = month_figure([(at(5, 10), at(5, 10, 30))], OCTOBER, NOW)
    assert figure.minutes_unavailable == 30
    assert figure.percentage == pytest.approx(100 * (1 - 30 / MINUTES_IN_OCTOBER))
    assert figure.whole_minutes_unavailable == 30


def test_a_part_of_a_minute_shows_as_a_whole_minute():
    figure = month_figure([(at(5, 10), at(5, 10) + timedelta(seconds=20))], OCTOBER, NOW)
    assert figure.whole_minutes_unavailable == 1
    assert figure.minutes_unavailable == pytest.approx(1 / 3)


def test_overlapping_outages_count_once():
    outages = [(at(5, 10), at(5, 11)), (at(5, 10, 30), at(5, 11, 30)), (at(5, 11), at(5, 11, 15))]
    assert month_figure(outages, OCTOBER, NOW).minutes_unavailable == 90


def test_an_outage_over_the_turn_of_the_month_is_split_between_the_months():
    outage = [(at(31, 23, 0), at(1, 0, 45, month=11))]
    assert month_figure(outage, OCTOBER, NOW).minutes_unavailable == 60
    assert month_figure(outage, NOVEMBER, NOW).minutes_unavailable == 45


def test_an_ongoing_outage_counts_up_to_now():
    figure = month_figure([(NOW - timedelta(hours=2), None)], NOVEMBER, NOW)
    assert figure.minutes_unavailable == 120


def test_the_month_in_progress_is_measured_up_to_now():
    figure = month_figure([(NOW - timedelta(hours=2), None)], NOVEMBER, NOW)
    elapsed = NOW - datetime(2026, 11, 1, tzinfo=UTC)
    assert figure.measured == elapsed
    assert figure.percentage == pytest.approx(100 * (1 - timedelta(hours=2) / elapsed))


def test_a_month_not_begun_has_no_figure_yet():
    figure = month_figure([(NOW, None)], date(2026, 12, 1), NOW)
    assert figure.percentage is None and figure.share is None
    assert figure.minutes_unavailable == 0


def test_what_is_said_to_end_after_now_counts_up_to_now():
    figure = month_figure([(NOW - timedelta(minutes=10), NOW + timedelta(days=1))], NOVEMBER, NOW)
    assert figure.minutes_unavailable == 10


def test_a_whole_month_unavailable_is_zero_percent():
    start, end = month_bounds(OCTOBER)
    assert month_figure([(start - timedelta(days=1), end)], OCTOBER, NOW).percentage == 0


def test_december_ends_in_the_next_year():
    assert month_bounds(date(2026, 12, 15)) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_months_back_cross_the_year():
    assert months_back(date(2027, 2, 17), 4) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


# --- properties ------------------------------------------------------------------------

# Hypothesis takes naive bounds and gives the moments in UTC.
moments = st.datetimes(
    min_value=datetime(2026, 9, 1),  # noqa: DTZ001
    max_value=datetime(2027, 1, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
lengths = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))
outages = st.lists(
    st.tuples(moments, st.one_of(st.none(), lengths)).map(
        lambda o: (o[0], None if o[1] is None else o[0] + o[1])
    ),
    max_size=8,
)
months = st.sampled_from(months_back(date(2027, 1, 1), 5))


def _total(periods) -> timedelta:
    return sum((end - start for start, end in periods), timedelta(0))


@given(outages, months, moments)
def test_the_percentage_is_between_0_and_100(found, month, now):
    figure = month_figure(found, month, now)
    assert figure.percentage is None or 0 <= figure.percentage <= 100
    assert timedelta(0) <= figure.unavailable <= figure.measured


@given(outages, moments)
def test_merging_is_idempotent_and_leaves_disjoint_ordered_periods(found, now):
    periods = merged(found, now)
    assert merged(periods, now) == periods
    for (_a, b), (c, _d) in zip(periods, periods[1:], strict=False):
        assert b < c


@given(outages, moments, st.randoms())
def test_the_order_of_the_outages_does_not_matter(found, now, random):
    shuffled = list(found)
    random.shuffle(shuffled)
    assert merged(shuffled, now) == merged(found, now)


@given(outages, months, moments, st.data())
def test_splitting_an_outage_at_any_point_does_not_change_the_total(found, month, now, data):
    if not found:
        return
    index = data.draw(st.integers(0, len(found) - 1))
    start, end = found[index]
    stop = now if end is None else end
    if stop <= start:
        return
    cut = data.draw(st.datetimes(min_value=start.replace(tzinfo=None), timezones=st.just(UTC)))
    cut = min(cut, stop)
    split = [*found[:index], (start, cut), (cut, end), *found[index + 1 :]]
    assert month_figure(split, month, now) == month_figure(found, month, now)


@given(outages, moments)
def test_the_months_add_up_to_the_merged_outages(found, now):
    # Every generated outage falls in these months (or runs into the next, clipped).
    span = months_back(date(2027, 2, 1), 6)
    first, _ = month_bounds(span[0])
    _, last = month_bounds(span[-1])
    inside = [(max(s, first), min(e, last)) for s, e in merged(found, now) if e > first]
    total = sum((month_figure(found, m, now).unavailable for m in span), timedelta(0))
    assert total == _total(inside)


def test_only_the_time_since_measuring_began_is_measured():
    since = at(16)  # halfway through October, at midnight
    before, after = (at(2, 10), at(2, 12)), (at(20, 10), at(20, 11))
    figure = month_figure([before, after], OCTOBER, NOW, since=since)
    assert figure.measured == at(1, month=11) - since
    assert figure.minutes_unavailable == 60  # the outage before it is not counted
    assert figure.percentage == pytest.approx(100 * (1 - 60 / (16 * 24 * 60)))


def test_a_month_before_measuring_began_has_no_figure():
    assert month_figure([], OCTOBER, NOW, since=at(1, month=11)).percentage is None
    assert month_figure([], OCTOBER, NOW, since=NOW + timedelta(days=60)).share is None
    assert not_measured(OCTOBER).percentage is None
    assert not_measured(OCTOBER).whole_minutes_unavailable == 0
