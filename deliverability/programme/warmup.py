"""IP warm-up schedule maths: pure functions, no database.

The warm-up schedule grows the daily volume of the new IPs geometrically from a starting
volume per IP (the reference's rule of thumb: days = ceil(ln(V/S) / ln g), S about 50-200
per IP per day, g between 1.25 and 2.0) until the target daily volume is reached, and
splits each day over the mailbox providers by the account's traffic shares. Each provider's
volume is rounded on its own (never re-balanced), so it never decreases from one day to the
next; the providers' volumes add up to the day's total within one message per provider.

Some mailbox providers accept little from new IPs in the first week (AOL about 5,000 a day,
Outlook about 20,000 a day per IP); those caps hold back that provider's share only, since
mail for one provider cannot be sent to another. The schedule ends on the first day every
provider receives its full share of the target.

Migration plans built on the schedule are in migration.py, daily actuals judged against
it in actuals.py and their CSV upload in actuals_csv.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class Provider:
    GMAIL = "gmail"
    MICROSOFT = "microsoft"
    YAHOO = "yahoo"  # Yahoo and AOL (one operator, one set of rules)
    APPLE = "apple"
    OTHERS = "others"

    ALL = (GMAIL, MICROSOFT, YAHOO, APPLE, OTHERS)
    LABELS = {
        GMAIL: "Gmail",
        MICROSOFT: "Microsoft",
        YAHOO: "Yahoo/AOL",
        APPLE: "Apple",
        OTHERS: "Others",
    }


class Advice:
    """What to do with tomorrow's volume. Stable codes: the UI translates them."""

    ADVANCE = "advance"  # all well: follow the plan
    HOLD = "hold"  # repeat today's planned volume, do not advance
    STEP_BACK = "step_back"  # return to the previous day's planned volume

    ORDER = (ADVANCE, HOLD, STEP_BACK)  # from mildest to strongest


class Flag:
    """Why a day was flagged. Stable codes: the UI translates them."""

    OVER_PLAN = "over_plan"
    BEFORE_PLAN = "before_plan"  # mail sent from the new IPs before the warm-up started
    COMPLAINTS_HIGH = "complaints_high"
    COMPLAINTS_CRITICAL = "complaints_critical"
    BOUNCES_HIGH = "bounces_high"
    BOUNCES_CRITICAL = "bounces_critical"


@dataclass(frozen=True)
class ProviderCap:
    """A provider's limit per new IP per day during the first `days` days of the warm-up."""

    provider: str
    daily_limit_per_ip: int
    days: int = 7


# The reference: AOL caps new senders at 5k/day, Outlook at 20k/day in week 1.
DEFAULT_CAPS = (
    ProviderCap(Provider.YAHOO, 5_000, 7),
    ProviderCap(Provider.MICROSOFT, 20_000, 7),
)
DEFAULT_START_PER_IP = 100
DEFAULT_GROWTH = Decimal("1.5")
MIN_GROWTH = Decimal("1.05")
MAX_GROWTH = Decimal("3")
MAX_DAYS = 365


@dataclass(frozen=True)
class WarmupInput:
    """What a TAM enters for a warm-up plan.

    provider_shares: percentage of the account's traffic per provider (keys from
    Provider.ALL; a provider left out has 0%); they must add up to 100.
    """

    ip_count: int
    target_daily_volume: int
    start_date: date
    provider_shares: dict[str, Decimal | int | float | str]
    start_per_ip: int = DEFAULT_START_PER_IP
    growth: Decimal | int | float | str = DEFAULT_GROWTH
    caps: tuple[ProviderCap, ...] = DEFAULT_CAPS


@dataclass(frozen=True)
class ScheduleDay:
    day: int  # 1 for the start date
    date: date
    total: int  # the sum of the providers' volumes
    ramp_total: int  # the ramp's volume for the day, before the first-week caps
    per_ip: int  # the busiest IP's share of the total (rounded up)
    providers: dict[str, int]
    capped: tuple[str, ...] = ()  # providers held back by a first-week cap that day


@dataclass(frozen=True)
class WarmupSchedule:
    ip_count: int
    target_daily_volume: int
    start_date: date
    shares: dict[str, Decimal]  # every provider of Provider.ALL, in percent
    days: tuple[ScheduleDay, ...]

    @property
    def end_date(self) -> date:
        return self.days[-1].date

    def provider_targets(self) -> dict[str, int]:
        return {p: share_of(self.target_daily_volume, s) for p, s in self.shares.items()}

    def day_on(self, when: date) -> ScheduleDay | None:
        """The planned day; after the last day the plan stays at the target; None before."""
        index = (when - self.start_date).days
        if index < 0:
            return None
        if index < len(self.days):
            return self.days[index]
        last = self.days[-1]
        return ScheduleDay(
            day=index + 1,
            date=when,
            total=last.total,
            ramp_total=last.ramp_total,
            per_ip=last.per_ip,
            providers=dict(last.providers),
        )

    def capacity_on(self, when: date) -> dict[str, int]:
        """What the warm IPs can carry per provider on a date (nothing before the start)."""
        planned = self.day_on(when)
        if planned is None:
            return dict.fromkeys(Provider.ALL, 0)
        return dict(planned.providers)


class PlanError(ValueError):
    """A plan that cannot be computed: the sentence, the input field and a stable code.

    field: "ip_count", "target_daily_volume", "start_per_ip", "growth", "provider_shares",
    "caps", "phases" or "provider" (of an actual); phase: the phase's number (from 1) for
    a migration phase.
    """

    def __init__(self, message: str, *, field: str, code: str, phase: int | None = None):
        super().__init__(message)
        self.field, self.code, self.phase = field, code, phase


def to_decimal(value, name: str, field: str, phase: int | None = None) -> Decimal:
    try:
        result = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        result = None
    if result is None or not result.is_finite():
        raise PlanError(
            f"{name} must be a number, not {value!r}.",
            field=field,
            code="not_a_number",
            phase=phase,
        )
    return result


def normalise_shares(shares: dict) -> dict[str, Decimal]:
    """Every provider's share in percent; ValueError with a sentence when they do not fit."""
    unknown = sorted(set(shares) - set(Provider.ALL))
    if unknown:
        known = ", ".join(Provider.LABELS[p] for p in Provider.ALL)
        raise PlanError(
            f"Unknown mailbox provider {unknown[0]!r}; use one of {known}.",
            field="provider_shares",
            code="unknown_provider",
        )
    result = {}
    for provider in Provider.ALL:
        label = Provider.LABELS[provider]
        value = to_decimal(shares.get(provider, 0), f"The share of {label}", "provider_shares")
        if value < 0 or value > 100:
            raise PlanError(
                f"The share of {label} must be between 0% and 100%, not {value}%.",
                field="provider_shares",
                code="share_out_of_range",
            )
        result[provider] = value
    total = sum(result.values())
    if abs(total - 100) > Decimal("0.01"):
        raise PlanError(
            f"The shares per mailbox provider must add up to 100%, not {total}%.",
            field="provider_shares",
            code="shares_do_not_add_up",
        )
    return result


def share_of(volume: int, percent: Decimal) -> int:
    return int((Decimal(volume) * percent / 100).to_integral_value(rounding=ROUND_HALF_UP))


def _validate(plan: WarmupInput) -> tuple[dict[str, Decimal], Decimal]:
    for field_name, name, value in (
        ("ip_count", "The number of new IPs", plan.ip_count),
        ("target_daily_volume", "The target daily volume", plan.target_daily_volume),
        ("start_per_ip", "The starting volume per IP", plan.start_per_ip),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PlanError(
                f"{name} must be a whole number of at least 1, not {value!r}.",
                field=field_name,
                code="not_a_positive_whole_number",
            )
    growth = to_decimal(plan.growth, "The daily growth factor", "growth")
    if growth < MIN_GROWTH or growth > MAX_GROWTH:
        raise PlanError(
            f"The daily growth factor must be between {MIN_GROWTH} and {MAX_GROWTH}, not {growth}.",
            field="growth",
            code="growth_out_of_range",
        )
    for cap in plan.caps:
        if cap.provider not in Provider.ALL:
            raise PlanError(
                f"Unknown mailbox provider {cap.provider!r} in the caps.",
                field="caps",
                code="unknown_provider",
            )
        if cap.daily_limit_per_ip < 1 or cap.days < 0:
            raise PlanError(
                f"The cap for {Provider.LABELS[cap.provider]} must be positive.",
                field="caps",
                code="cap_not_positive",
            )
    return normalise_shares(plan.provider_shares), growth


def days_to_target(target: int, start: int, growth: Decimal | float) -> int:
    """Days until a start volume growing by `growth` a day reaches the target (day 1 = start)."""
    if start >= target:
        return 1
    return math.ceil(math.log(target / start) / math.log(float(growth))) + 1


def warmup_schedule(plan: WarmupInput) -> WarmupSchedule:
    """The day-by-day schedule per provider, from the start date until the target is reached."""
    shares, growth = _validate(plan)
    start_total = plan.ip_count * plan.start_per_ip
    caps: dict[str, list[ProviderCap]] = {}
    for cap in plan.caps:
        caps.setdefault(cap.provider, []).append(cap)
    targets = {p: share_of(plan.target_daily_volume, s) for p, s in shares.items()}

    days: list[ScheduleDay] = []
    total = Decimal(start_total)
    for index in range(MAX_DAYS):
        planned_total = min(plan.target_daily_volume, int(total))
        providers, capped = {}, []
        for provider in Provider.ALL:
            volume = share_of(planned_total, shares[provider])
            for cap in caps.get(provider, ()):
                if index < cap.days and volume > cap.daily_limit_per_ip * plan.ip_count:
                    volume = cap.daily_limit_per_ip * plan.ip_count
                    capped.append(provider)
            providers[provider] = volume
        day_total = sum(providers.values())
        days.append(
            ScheduleDay(
                day=index + 1,
                date=plan.start_date + timedelta(days=index),
                total=day_total,
                ramp_total=planned_total,
                per_ip=-(-day_total // plan.ip_count),
                providers=providers,
                capped=tuple(dict.fromkeys(capped)),
            )
        )
        if providers == targets:
            return WarmupSchedule(
                ip_count=plan.ip_count,
                target_daily_volume=plan.target_daily_volume,
                start_date=plan.start_date,
                shares=shares,
                days=tuple(days),
            )
        total *= growth
    raise PlanError(
        f"The ramp would take more than {MAX_DAYS} days to reach the target; "
        "raise the starting volume per IP or the daily growth factor.",
        field="growth",
        code="ramp_too_long",
    )
