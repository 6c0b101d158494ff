"""Daily actuals judged against the warm-up schedule: more than planned, or complaints or
bounces over the thresholds, and the advice is to hold (do not advance) or to step back.
Pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .warmup import Advice, Flag, PlanError, Provider, WarmupSchedule


@dataclass(frozen=True)
class Thresholds:
    """Rates as fractions of the messages sent (complaints: of those delivered).

    Complaints: the reference advises advancing only under 0.1%, and Gmail will not consider
    mitigation above 0.3%. Bounces: over 2% is a list to clean before growing, over 5% a
    list that harms the IPs' reputation. `over_plan_tolerance` allows sending a little more
    than planned (0.05 = 5%) before the day counts as over plan. A migration phase may
    start once the `clean_days_before_next_phase` days before it were all "advance".
    """

    complaint_hold: Decimal = Decimal("0.001")
    complaint_step_back: Decimal = Decimal("0.003")
    bounce_hold: Decimal = Decimal("0.02")
    bounce_step_back: Decimal = Decimal("0.05")
    over_plan_tolerance: Decimal = Decimal("0")
    clean_days_before_next_phase: int = 3


@dataclass(frozen=True)
class DailyActual:
    date: date
    provider: str
    sent: int
    delivered: int
    bounces: int
    complaints: int


@dataclass(frozen=True)
class DayEvaluation:
    date: date
    provider: str
    planned: int
    sent: int
    complaint_rate: Decimal  # complaints / delivered (0 when nothing was delivered)
    bounce_rate: Decimal  # bounces / sent (0 when nothing was sent)
    flags: tuple[str, ...]
    advice: str
    next_volume: int  # the planned volume for this provider the day after, per the advice


def _rate(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def evaluate_actual(
    schedule: WarmupSchedule, actual: DailyActual, thresholds: Thresholds | None = None
) -> DayEvaluation:
    """Judge one day's actuals for one provider against the plan."""
    thresholds = thresholds or Thresholds()
    if actual.provider not in Provider.ALL:
        raise PlanError(
            f"Unknown mailbox provider {actual.provider!r} in the actuals.",
            field="provider",
            code="unknown_provider",
        )
    planned_day = schedule.day_on(actual.date)
    planned = planned_day.providers[actual.provider] if planned_day else 0
    flags, advice = [], Advice.ADVANCE

    def worsen(to: str) -> None:
        nonlocal advice
        if Advice.ORDER.index(to) > Advice.ORDER.index(advice):
            advice = to

    if planned_day is None and actual.sent > 0:
        flags.append(Flag.BEFORE_PLAN)
        worsen(Advice.HOLD)
    elif actual.sent > planned * (1 + thresholds.over_plan_tolerance):
        flags.append(Flag.OVER_PLAN)
        worsen(Advice.HOLD)
    complaint_rate = _rate(actual.complaints, actual.delivered)
    if complaint_rate >= thresholds.complaint_step_back:
        flags.append(Flag.COMPLAINTS_CRITICAL)
        worsen(Advice.STEP_BACK)
    elif complaint_rate >= thresholds.complaint_hold:
        flags.append(Flag.COMPLAINTS_HIGH)
        worsen(Advice.HOLD)
    bounce_rate = _rate(actual.bounces, actual.sent)
    if bounce_rate >= thresholds.bounce_step_back:
        flags.append(Flag.BOUNCES_CRITICAL)
        worsen(Advice.STEP_BACK)
    elif bounce_rate >= thresholds.bounce_hold:
        flags.append(Flag.BOUNCES_HIGH)
        worsen(Advice.HOLD)

    if advice == Advice.ADVANCE:
        tomorrow = schedule.day_on(actual.date + timedelta(days=1))
        next_volume = tomorrow.providers[actual.provider] if tomorrow else 0
    elif advice == Advice.HOLD:
        next_volume = planned
    else:
        yesterday = schedule.day_on(actual.date - timedelta(days=1))
        next_volume = yesterday.providers[actual.provider] if yesterday else planned
    return DayEvaluation(
        date=actual.date,
        provider=actual.provider,
        planned=planned,
        sent=actual.sent,
        complaint_rate=complaint_rate,
        bounce_rate=bounce_rate,
        flags=tuple(flags),
        advice=advice,
        next_volume=next_volume,
    )


def evaluate_actuals(
    schedule: WarmupSchedule, actuals: list[DailyActual], thresholds: Thresholds | None = None
) -> list[DayEvaluation]:
    """Every actual judged, in date then provider order."""
    order = {p: i for i, p in enumerate(Provider.ALL)}
    ordered = sorted(actuals, key=lambda a: (a.date, order.get(a.provider, 99)))
    return [evaluate_actual(schedule, a, thresholds) for a in ordered]


def ready_for_next_phase(
    evaluations: list[DayEvaluation], *, on: date, thresholds: Thresholds | None = None
) -> bool:
    """Whether the next migration phase may start on `on`: each of the days just before it
    has actuals, and every one of them was judged "advance"."""
    thresholds = thresholds or Thresholds()
    needed = {on - timedelta(days=n) for n in range(1, thresholds.clean_days_before_next_phase + 1)}
    relevant = [e for e in evaluations if e.date in needed]
    return {e.date for e in relevant} == needed and all(
        e.advice == Advice.ADVANCE for e in relevant
    )


def strongest_advice(evaluations: list[DayEvaluation]) -> str:
    """The advice for the whole day: the strongest of its providers' advice."""
    return max((e.advice for e in evaluations), key=Advice.ORDER.index, default=Advice.ADVANCE)
