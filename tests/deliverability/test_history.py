"""Listing history cut into segments for the chart: the pure function."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from deliverability.blocklists.history import segments

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=30)


def test_a_listing_and_its_delisting_make_three_segments():
    changes = [(START + timedelta(days=10), True), (START + timedelta(days=12), False)]
    result = segments(changes, start=START, end=END, listed_before=False)
    assert [(s.listed, (s.end - s.start).days) for s in result] == [
        (False, 10),
        (True, 2),
        (False, 18),
    ]


def test_changes_before_the_window_set_the_state_at_its_start():
    result = segments(
        [(START - timedelta(days=3), True)], start=START, end=END, listed_before=False
    )
    assert [s.listed for s in result] == [True]


@given(
    st.lists(
        st.tuples(st.integers(-5 * 86400, 35 * 86400), st.booleans()),
        max_size=20,
    ),
    st.booleans(),
)
def test_segments_cover_the_window_without_gaps_and_alternate(changes, before):
    changes = [(START + timedelta(seconds=s), listed) for s, listed in changes]
    result = segments(changes, start=START, end=END, listed_before=before)
    assert result[0].start == START and result[-1].end == END
    for a, b in zip(result, result[1:], strict=False):
        assert a.end == b.start and a.listed != b.listed and a.start < a.end
