"""Warm-up schedule and actuals CSV: properties that hold for any sensible input."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from deliverability.programme.actuals import DailyActual, Thresholds, evaluate_actual
from deliverability.programme.actuals_csv import parse_actuals_csv
from deliverability.programme.warmup import (
    DEFAULT_CAPS,
    Advice,
    Provider,
    WarmupInput,
    warmup_schedule,
)


@st.composite
def shares(draw):
    """Five whole or half percentages adding up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 200), min_size=4, max_size=4)))
    bounds = [0, *cuts, 200]
    halves = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    return {p: Decimal(h) / 2 for p, h in zip(Provider.ALL, halves, strict=True)}


plans = st.builds(
    WarmupInput,
    ip_count=st.integers(1, 20),
    target_daily_volume=st.integers(1, 5_000_000),
    start_date=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
    provider_shares=shares(),
    start_per_ip=st.integers(20, 500),
    growth=st.decimals("1.25", "2.0", places=2),
)


@settings(max_examples=150, deadline=None)
@given(plans)
def test_the_schedule_never_exceeds_a_cap_never_shrinks_and_ends_at_the_target(plan):
    schedule = warmup_schedule(plan)
    days = schedule.days
    for day in days:
        for cap in DEFAULT_CAPS:
            if day.day <= cap.days:
                assert day.providers[cap.provider] <= cap.daily_limit_per_ip * plan.ip_count
        assert day.total == sum(day.providers.values())
        assert day.per_ip * plan.ip_count >= day.total
        # each provider's volume is rounded on its own: the sum stays within rounding
        assert day.total <= plan.target_daily_volume + len(Provider.ALL) // 2
        assert day.ramp_total <= plan.target_daily_volume
        if day.capped:
            assert day.total < day.ramp_total
        else:
            assert abs(day.total - day.ramp_total) <= len(Provider.ALL) // 2
    for before, after in zip(days, days[1:], strict=False):
        assert after.date == before.date + timedelta(days=1)
        assert after.total >= before.total
        assert after.ramp_total >= before.ramp_total
        for provider in Provider.ALL:
            assert after.providers[provider] >= before.providers[provider]
    assert days[-1].providers == schedule.provider_targets()
    assert abs(days[-1].total - plan.target_daily_volume) <= len(Provider.ALL) // 2
    # the schedule ends on the first day the target is reached
    if len(days) > 1:
        assert days[-2].providers != schedule.provider_targets()


@settings(max_examples=100, deadline=None)
@given(plans, st.integers(0, 60), st.integers(0, 10_000), st.data())
def test_advice_follows_the_thresholds(plan, offset, sent, data):
    schedule = warmup_schedule(plan)
    delivered = data.draw(st.integers(0, sent))
    bounces = data.draw(st.integers(0, sent - delivered))
    complaints = data.draw(st.integers(0, delivered))
    provider = data.draw(st.sampled_from(Provider.ALL))
    when = plan.start_date + timedelta(days=offset)
    result = evaluate_actual(
        schedule, DailyActual(when, provider, sent, delivered, bounces, complaints)
    )
    limits = Thresholds()
    critical = (delivered and Decimal(complaints) / delivered >= limits.complaint_step_back) or (
        sent and Decimal(bounces) / sent >= limits.bounce_step_back
    )
    assert (result.advice == Advice.STEP_BACK) == bool(critical)
    if sent > result.planned:
        assert result.advice != Advice.ADVANCE
    if result.advice == Advice.ADVANCE:
        assert result.next_volume >= result.planned
    else:
        assert result.next_volume <= result.planned


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_the_csv_parser_never_raises_and_never_returns_rows_with_errors(text):
    result = parse_actuals_csv(text)
    assert not (result.rows and result.errors)


actual_rows = st.builds(
    lambda d, p, sent, f1, f2, f3: DailyActual(
        d, p, sent, int(sent * f1), int((sent - int(sent * f1)) * f2), int(int(sent * f1) * f3)
    ),
    st.dates(date(2026, 1, 1), date(2030, 12, 31)),
    st.sampled_from(Provider.ALL),
    st.integers(0, 10**7),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(actual_rows, max_size=30, unique_by=lambda a: (a.date, a.provider)))
def test_actuals_written_as_csv_read_back_the_same(rows):
    lines = ["date,provider,sent,delivered,bounces,complaints"]
    lines += [
        f"{r.date.isoformat()},{r.provider},{r.sent},{r.delivered},{r.bounces},{r.complaints}"
        for r in rows
    ]
    result = parse_actuals_csv("\n".join(lines))
    assert result.errors == ()
    assert list(result.rows) == rows
