"""Warm-up schedule and migration plan maths: plain tests with hand-computed figures."""

from datetime import date
from decimal import Decimal

import pytest

from deliverability.programme.actuals import (
    DailyActual,
    evaluate_actual,
    evaluate_actuals,
    ready_for_next_phase,
    strongest_advice,
)
from deliverability.programme.migration import MigrationPhaseInput, earliest_start, migration_plan
from deliverability.programme.warmup import (
    Advice,
    Flag,
    PlanError,
    ProviderCap,
    WarmupInput,
    days_to_target,
    warmup_schedule,
)

MONDAY = date(2027, 1, 4)
SHARES = {"gmail": 40, "microsoft": 30, "yahoo": 20, "apple": 10}


def small_plan(**overrides):
    values = dict(
        ip_count=2,
        target_daily_volume=1000,
        start_date=MONDAY,
        provider_shares=SHARES,
        start_per_ip=100,
        growth=2,
    )
    values.update(overrides)
    return WarmupInput(**values)


def test_the_schedule_doubles_from_the_starting_volume_until_the_target():
    schedule = warmup_schedule(small_plan())
    assert [d.total for d in schedule.days] == [200, 400, 800, 1000]
    assert [d.ramp_total for d in schedule.days] == [200, 400, 800, 1000]
    assert [d.per_ip for d in schedule.days] == [100, 200, 400, 500]
    assert [d.date for d in schedule.days] == [date(2027, 1, d) for d in (4, 5, 6, 7)]
    assert schedule.days[1].providers == {
        "gmail": 160,
        "microsoft": 120,
        "yahoo": 80,
        "apple": 40,
        "others": 0,
    }
    assert schedule.days[-1].providers == schedule.provider_targets()
    assert schedule.end_date == date(2027, 1, 7)


def test_the_defaults_follow_the_reference_rule_of_thumb():
    plan = WarmupInput(
        ip_count=1, target_daily_volume=100_000, start_date=MONDAY, provider_shares=SHARES
    )
    schedule = warmup_schedule(plan)
    # 100 a day growing by 1.5: ceil(ln(1000) / ln(1.5)) = 18 days of growth after day 1
    assert len(schedule.days) == days_to_target(100_000, 100, Decimal("1.5")) == 19
    assert schedule.days[0].total == 100
    assert schedule.days[2].providers["gmail"] == 90  # 225 * 40%
    assert schedule.days[-1].total == 100_000


def test_a_first_week_cap_holds_back_only_that_provider():
    plan = small_plan(
        ip_count=1,
        target_daily_volume=40_000,
        start_per_ip=10_000,
        provider_shares={"gmail": 50, "yahoo": 50},
    )
    schedule = warmup_schedule(plan)
    assert [d.providers["yahoo"] for d in schedule.days] == [5_000] * 7 + [20_000]
    assert [d.providers["gmail"] for d in schedule.days] == [5_000, 10_000] + [20_000] * 6
    assert schedule.days[0].capped == ()
    assert (schedule.days[1].ramp_total, schedule.days[1].total) == (20_000, 15_000)
    assert all(d.capped == ("yahoo",) for d in schedule.days[1:7])
    assert schedule.days[-1].day == 8


def test_caps_scale_with_the_number_of_ips():
    plan = small_plan(
        ip_count=2,
        target_daily_volume=100_000,
        start_per_ip=50_000,
        provider_shares={"microsoft": 100},
        caps=(ProviderCap("microsoft", 20_000, 7),),
    )
    schedule = warmup_schedule(plan)
    assert schedule.days[0].providers["microsoft"] == 40_000
    assert schedule.days[7].providers["microsoft"] == 100_000


def test_a_start_above_the_target_is_a_one_day_schedule():
    schedule = warmup_schedule(small_plan(target_daily_volume=150))
    assert [d.total for d in schedule.days] == [150]


def test_shares_may_be_given_as_text_with_a_percent_sign():
    shares = {"gmail": "62.5%", "microsoft": "37.5"}
    schedule = warmup_schedule(small_plan(provider_shares=shares))
    assert schedule.shares["gmail"] == Decimal("62.5")
    assert schedule.days[-1].providers["gmail"] == 625


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"provider_shares": {"gmail": 60, "microsoft": 30}},
            "provider_shares",
            "must add up to 100%, not 90%",
        ),
        (
            {"provider_shares": {"gmail": 100, "hey": 0}},
            "provider_shares",
            "Unknown mailbox provider 'hey'",
        ),
        (
            {"provider_shares": {"gmail": 120, "apple": -20}},
            "provider_shares",
            "share of Gmail must be between",
        ),
        ({"provider_shares": {"gmail": "lots"}}, "provider_shares", "share of Gmail must be a"),
        ({"ip_count": 0}, "ip_count", "The number of new IPs must be a whole number of at"),
        ({"target_daily_volume": 2.5}, "target_daily_volume", "target daily volume must be a"),
        ({"start_per_ip": -1}, "start_per_ip", "The starting volume per IP must be a whole"),
        ({"growth": 1}, "growth", "The daily growth factor must be between 1.05 and 3"),
        ({"growth": "fast"}, "growth", "The daily growth factor must be a number"),
        ({"caps": (ProviderCap("gmx", 10),)}, "caps", "Unknown mailbox provider 'gmx'"),
        ({"caps": (ProviderCap("apple", 0),)}, "caps", "The cap for Apple must be positive"),
        (
            {"target_daily_volume": 10**12, "start_per_ip": 1, "growth": "1.05", "ip_count": 1},
            "growth",
            "more than 365 days",
        ),
    ],
)
def test_bad_input_is_refused_with_a_sentence_naming_the_field(overrides, field, message):
    with pytest.raises(PlanError, match=message) as excinfo:
        warmup_schedule(small_plan(**overrides))
    assert excinfo.value.field == field
    assert isinstance(excinfo.value, ValueError) and excinfo.value.code


def test_the_plan_stays_at_the_target_after_the_last_day_and_is_empty_before_the_start():
    schedule = warmup_schedule(small_plan())
    later = schedule.day_on(date(2027, 3, 1))
    assert later.total == 1000 and later.date == date(2027, 3, 1)
    assert schedule.day_on(date(2027, 1, 3)) is None
    assert schedule.capacity_on(date(2027, 1, 3))["gmail"] == 0


# --- Migration plan ---------------------------------------------------------------------


def test_a_migration_plan_moves_shares_the_warm_ips_can_carry():
    schedule = warmup_schedule(small_plan())
    plan = migration_plan(
        schedule,
        [
            MigrationPhaseInput(date(2027, 1, 5), 25),
            MigrationPhaseInput(date(2027, 1, 6), 50),
            MigrationPhaseInput(date(2027, 1, 8), 100),
        ],
    )
    first, second, last = plan.phases
    assert first.providers == {"gmail": 100, "microsoft": 75, "yahoo": 50, "apple": 25, "others": 0}
    assert first.daily_volume == 250
    assert first.capacity["gmail"] == 160
    assert (first.share_added, second.share_added, last.share_added) == (25, 25, 50)
    assert first.end_date == date(2027, 1, 5)
    assert second.end_date == date(2027, 1, 7)
    assert last.end_date is None
    assert last.daily_volume == 1000
    assert plan.thresholds.complaint_hold == Decimal("0.001")


def test_a_phase_larger_than_the_warm_ips_can_carry_names_the_first_possible_date():
    schedule = warmup_schedule(small_plan())
    assert earliest_start(schedule, Decimal(50)) == date(2027, 1, 6)
    plan = migration_plan(schedule, [MigrationPhaseInput(date(2027, 1, 5), 50)])
    [phase] = plan.phases
    assert phase.over_capacity and phase.short[0] == "gmail"
    assert (phase.providers["gmail"], phase.capacity["gmail"]) == (200, 160)
    error = plan.capacity_error()
    assert (error.code, error.phase) == ("over_capacity", 1)
    assert str(error) == (
        "Phase 1 (from 2027-01-05) moves 200 messages a day to Gmail, but the warm IPs can "
        "carry 160 that day; start it on 2027-01-06 or later, or move a smaller share."
    )


def test_a_phase_before_the_warm_up_starts_is_marked_for_every_provider_it_sends_to():
    schedule = warmup_schedule(small_plan())
    plan = migration_plan(schedule, [MigrationPhaseInput(date(2027, 1, 1), 10)])
    assert plan.phases[0].short == ("gmail", "microsoft", "yahoo", "apple")
    assert "can carry 0 that day" in str(plan.capacity_error())


def test_a_plan_the_warm_ips_can_carry_has_no_capacity_error():
    schedule = warmup_schedule(small_plan())
    plan = migration_plan(schedule, [MigrationPhaseInput(date(2027, 1, 6), 50)])
    assert not plan.phases[0].over_capacity and plan.capacity_error() is None


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([], "at least one phase"),
        (
            [MigrationPhaseInput(date(2027, 1, 6), 50), MigrationPhaseInput(date(2027, 1, 8), 50)],
            "phase 2 must be more than the previous phase's 50%",
        ),
        ([MigrationPhaseInput(date(2027, 1, 9), 120)], "at most 100%, not 120%"),
        (
            [MigrationPhaseInput(date(2027, 1, 8), 20), MigrationPhaseInput(date(2027, 1, 8), 40)],
            r"Phase 2 must start after phase 1 \(2027-01-08\)",
        ),
    ],
)
def test_badly_ordered_phases_are_refused(phases, message):
    schedule = warmup_schedule(small_plan())
    with pytest.raises(PlanError, match=message) as excinfo:
        migration_plan(schedule, phases)
    assert excinfo.value.field == "phases"
    assert excinfo.value.phase == (len(phases) or None)


# --- Daily actuals ----------------------------------------------------------------------


def actual(day=5, provider="gmail", sent=160, delivered=158, bounces=2, complaints=0):
    return DailyActual(date(2027, 1, day), provider, sent, delivered, bounces, complaints)


def test_a_day_within_plan_and_thresholds_advances_to_the_next_planned_volume():
    result = evaluate_actual(warmup_schedule(small_plan()), actual())
    assert result.flags == ()
    assert result.advice == Advice.ADVANCE
    assert (result.planned, result.next_volume) == (160, 320)
    assert result.bounce_rate == Decimal(2) / Decimal(160)


def test_a_day_over_plan_holds_at_the_planned_volume():
    result = evaluate_actual(warmup_schedule(small_plan()), actual(sent=200, delivered=200))
    assert result.flags == (Flag.OVER_PLAN,)
    assert result.advice == Advice.HOLD
    assert result.next_volume == 160


def test_complaints_at_one_in_a_thousand_hold_and_at_three_step_back():
    schedule = warmup_schedule(small_plan(target_daily_volume=100_000, start_per_ip=5_000))
    holding = evaluate_actual(schedule, actual(sent=4000, delivered=4000, bounces=0, complaints=4))
    assert holding.flags == (Flag.COMPLAINTS_HIGH,)
    assert holding.advice == Advice.HOLD
    stepping = evaluate_actual(
        schedule, actual(sent=4000, delivered=4000, bounces=0, complaints=12)
    )
    assert stepping.flags == (Flag.COMPLAINTS_CRITICAL,)
    assert stepping.advice == Advice.STEP_BACK
    assert stepping.next_volume == 4000  # day 1's Gmail volume: 10,000 * 40%


def test_bounces_over_two_percent_hold_and_over_five_step_back():
    schedule = warmup_schedule(small_plan())
    assert evaluate_actual(schedule, actual(delivered=156, bounces=4)).flags == (Flag.BOUNCES_HIGH,)
    worst = evaluate_actual(schedule, actual(sent=200, delivered=180, bounces=20))
    assert worst.flags == (Flag.OVER_PLAN, Flag.BOUNCES_CRITICAL)
    assert worst.advice == Advice.STEP_BACK
    assert worst.next_volume == 80  # the day before's Gmail volume


def test_stepping_back_on_the_first_day_keeps_the_first_day_volume():
    result = evaluate_actual(warmup_schedule(small_plan()), actual(day=4, sent=80, bounces=10))
    assert result.advice == Advice.STEP_BACK
    assert result.next_volume == 80


def test_mail_sent_before_the_warm_up_starts_is_flagged():
    result = evaluate_actual(
        warmup_schedule(small_plan()), actual(day=2, sent=10, delivered=10, bounces=0)
    )
    assert result.flags == (Flag.BEFORE_PLAN,)
    assert result.advice == Advice.HOLD
    assert result.planned == 0


def test_a_tolerance_allows_a_little_more_than_planned():
    from deliverability.programme.actuals import Thresholds

    lenient = Thresholds(over_plan_tolerance=Decimal("0.05"))
    schedule = warmup_schedule(small_plan())
    assert evaluate_actual(schedule, actual(sent=168, delivered=166), lenient).flags == ()
    assert evaluate_actual(schedule, actual(sent=169, delivered=167), lenient).flags == (
        Flag.OVER_PLAN,
    )


def test_the_day_takes_the_strongest_advice_of_its_providers():
    schedule = warmup_schedule(small_plan())
    results = evaluate_actuals(
        schedule,
        [actual(provider="yahoo", sent=80, delivered=70, bounces=10), actual()],
    )
    assert [r.provider for r in results] == ["gmail", "yahoo"]
    assert strongest_advice(results) == Advice.STEP_BACK
    assert strongest_advice([]) == Advice.ADVANCE


def test_the_next_phase_waits_for_three_clean_days():
    schedule = warmup_schedule(small_plan())
    clean = [
        actual(day=d, sent=p, delivered=p, bounces=0) for d, p in ((5, 160), (6, 320), (7, 400))
    ]
    results = evaluate_actuals(schedule, clean)
    assert ready_for_next_phase(results, on=date(2027, 1, 8))
    assert not ready_for_next_phase(results, on=date(2027, 1, 9))  # 8 January is missing
    bad_day = evaluate_actuals(schedule, [*clean[:2], actual(day=7, sent=500, delivered=500)])
    assert not ready_for_next_phase(bad_day, on=date(2027, 1, 8))


def test_an_actual_for_an_unknown_provider_is_refused():
    with pytest.raises(PlanError, match="Unknown mailbox provider 'gmx'") as excinfo:
        evaluate_actual(warmup_schedule(small_plan()), actual(provider="gmx"))
    assert excinfo.value.field == "provider"
