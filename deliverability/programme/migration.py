"""Migration plans: the customer's traffic moved from their previous provider in phases,
none of which should start before the warm IPs can carry its volume, per provider, on its
first day. A phase that starts too early stays in the plan, marked with the providers the
warm IPs fall short for, so the reader sees the whole plan and where it fails. Pure
functions, no database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from .actuals import Thresholds
from .warmup import PlanError, Provider, WarmupSchedule, share_of, to_decimal


@dataclass(frozen=True)
class MigrationPhaseInput:
    """share_moved: percent of the account's traffic on the new IPs from this phase on
    (cumulative: 10, 25, 50, 100)."""

    start_date: date
    share_moved: Decimal | int | float | str


@dataclass(frozen=True)
class MigrationPhase:
    number: int
    start_date: date
    end_date: date | None  # the day before the next phase; None for the last phase
    share_moved: Decimal
    share_added: Decimal  # moved in this phase from the previous provider
    daily_volume: int
    providers: dict[str, int]
    capacity: dict[str, int]  # what the warm IPs carry per provider on the start date
    earliest_start: date  # the first date the warm IPs can carry this phase
    short: tuple[str, ...] = ()  # the providers the warm IPs cannot carry yet on the start date

    @property
    def over_capacity(self) -> bool:
        return bool(self.short)

    def capacity_error(self) -> PlanError | None:
        """The sentence for staff when the warm IPs cannot carry this phase yet."""
        if not self.short:
            return None
        p = self.short[0]
        return PlanError(
            f"Phase {self.number} (from {self.start_date}) moves {self.providers[p]:,} messages "
            f"a day to {Provider.LABELS[p]}, but the warm IPs can carry {self.capacity[p]:,} "
            f"that day; start it on {self.earliest_start} or later, or move a smaller share.",
            field="phases",
            code="over_capacity",
            phase=self.number,
        )


@dataclass(frozen=True)
class MigrationPlan:
    phases: tuple[MigrationPhase, ...]
    thresholds: Thresholds

    def capacity_error(self) -> PlanError | None:
        """The first phase the warm IPs cannot carry on its start date, as an error."""
        return next((e for p in self.phases if (e := p.capacity_error())), None)


def phase_volumes(schedule: WarmupSchedule, share_moved: Decimal) -> dict[str, int]:
    """Per provider, the daily volume on the new IPs once `share_moved` % has moved."""
    return {
        provider: share_of(target, share_moved)
        for provider, target in schedule.provider_targets().items()
    }


def earliest_start(schedule: WarmupSchedule, share_moved: Decimal) -> date:
    """The first date on which the warm IPs can carry the share, for every provider."""
    needed = phase_volumes(schedule, share_moved)
    for day in schedule.days:
        if all(day.providers[p] >= v for p, v in needed.items()):
            return day.date
    return schedule.end_date  # the last day carries the full target


def migration_plan(
    schedule: WarmupSchedule,
    phases: list[MigrationPhaseInput],
    thresholds: Thresholds | None = None,
) -> MigrationPlan:
    """Check and complete the phases; PlanError (a ValueError) naming the phase when they
    are out of order. A phase the warm IPs cannot carry yet is kept, with its `short`
    providers (see `MigrationPlan.capacity_error`)."""
    thresholds = thresholds or Thresholds()
    if not phases:
        raise PlanError(
            "A migration plan needs at least one phase.", field="phases", code="no_phases"
        )
    result: list[MigrationPhase] = []
    previous_share, previous_date = Decimal(0), None
    for number, phase in enumerate(phases, start=1):
        share = to_decimal(
            phase.share_moved, f"The share moved in phase {number}", "phases", number
        )
        if share <= previous_share or share > 100:
            raise PlanError(
                f"The share moved in phase {number} must be more than the previous phase's "
                f"{previous_share}% and at most 100%, not {share}%.",
                field="phases",
                code="share_not_increasing",
                phase=number,
            )
        if previous_date is not None and phase.start_date <= previous_date:
            raise PlanError(
                f"Phase {number} must start after phase {number - 1} ({previous_date}).",
                field="phases",
                code="start_not_after_previous",
                phase=number,
            )
        needed = phase_volumes(schedule, share)
        capacity = schedule.capacity_on(phase.start_date)
        first_possible = earliest_start(schedule, share)
        short = tuple(p for p in Provider.ALL if needed[p] > capacity[p])
        result.append(
            MigrationPhase(
                number=number,
                start_date=phase.start_date,
                end_date=None,
                share_moved=share,
                share_added=share - previous_share,
                daily_volume=sum(needed.values()),
                providers=needed,
                capacity=capacity,
                earliest_start=first_possible,
                short=short,
            )
        )
        previous_share, previous_date = share, phase.start_date
    for i in range(len(result) - 1):
        end = result[i + 1].start_date - timedelta(days=1)
        result[i] = replace(result[i], end_date=end)
    return MigrationPlan(phases=tuple(result), thresholds=thresholds)
