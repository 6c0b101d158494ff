"""Backoff of failed deliveries: 1, 5 and 15 minutes, an hour, 3 hours, then every 6 hours,
for 24 hours from the delivery's creation."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from webhooks import retry

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_schedule_of_a_delivery_that_always_fails():
    waits = [b - a for a, b in zip(retry.schedule(T0), retry.schedule(T0)[1:], strict=False)]
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 5, 15, 60, 180, 360, 360, 360]
    assert retry.schedule(T0)[-1] == T0 + timedelta(hours=22, minutes=21)


def test_no_attempt_is_made_after_24_hours():
    last = retry.schedule(T0)[-1]
    assert retry.next_attempt_at(created_at=T0, attempts=9, failed_at=last) is None
    # A slow attempt that ends just before the day is over is not followed by another.
    late = T0 + timedelta(hours=23, minutes=59)
    assert retry.next_attempt_at(created_at=T0, attempts=2, failed_at=late) is None


@settings(max_examples=25)
@given(
    attempts=st.integers(min_value=1, max_value=40),
    elapsed=st.integers(min_value=0, max_value=24 * 3600),
)
def test_each_retry_is_later_than_its_failure_and_within_the_day(attempts, elapsed):
    failed_at = T0 + timedelta(seconds=elapsed)
    at = retry.next_attempt_at(created_at=T0, attempts=attempts, failed_at=failed_at)
    if at is not None:
        assert failed_at + timedelta(minutes=1) <= at <= T0 + retry.RETRY_FOR
        assert at - failed_at == retry.BACKOFF[min(attempts, len(retry.BACKOFF)) - 1]
