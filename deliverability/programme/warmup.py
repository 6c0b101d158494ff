"""IP warm-up and migration plan maths: pure functions, no database.

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

A migration plan moves the customer's traffic from their previous provider in phases. A
phase may not start before the warm IPs can carry its volume, per provider, on its first
day. Daily actuals are judged against the plan: more than planned, or complaints or bounces
over the thresholds, and the advice is to hold (do not advance) or to step back.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
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
        return {p: _share_of(self.target_daily_volume, s) for p, s in self.shares.items()}

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


def _decimal(value, name: str, field: str, phase: int | None = None) -> Decimal:
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
        value = _decimal(shares.get(provider, 0), f"The share of {label}", "provider_shares")
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


def _share_of(volume: int, percent: Decimal) -> int:
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
    growth = _decimal(plan.growth, "The daily growth factor", "growth")
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
    targets = {p: _share_of(plan.target_daily_volume, s) for p, s in shares.items()}

    days: list[ScheduleDay] = []
    total = Decimal(start_total)
    for index in range(MAX_DAYS):
        planned_total = min(plan.target_daily_volume, int(total))
        providers, capped = {}, []
        for provider in Provider.ALL:
            volume = _share_of(planned_total, shares[provider])
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


# --- Migration plan ---------------------------------------------------------------------


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


@dataclass(frozen=True)
class MigrationPlan:
    phases: tuple[MigrationPhase, ...]
    thresholds: Thresholds


def phase_volumes(schedule: WarmupSchedule, share_moved: Decimal) -> dict[str, int]:
    """Per provider, the daily volume on the new IPs once `share_moved` % has moved."""
    return {
        provider: _share_of(target, share_moved)
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
    """Check and complete the phases; PlanError (a ValueError) naming the phase otherwise."""
    thresholds = thresholds or Thresholds()
    if not phases:
        raise PlanError(
            "A migration plan needs at least one phase.", field="phases", code="no_phases"
        )
    result: list[MigrationPhase] = []
    previous_share, previous_date = Decimal(0), None
    for number, phase in enumerate(phases, start=1):
        share = _decimal(phase.share_moved, f"The share moved in phase {number}", "phases", number)
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
        short = [p for p in Provider.ALL if needed[p] > capacity[p]]
        if short:
            p = short[0]
            raise PlanError(
                f"Phase {number} (from {phase.start_date}) moves {needed[p]:,} messages a day "
                f"to {Provider.LABELS[p]}, but the warm IPs can carry {capacity[p]:,} that day; "
                f"start it on {first_possible} or later, or move a smaller share.",
                field="phases",
                code="over_capacity",
                phase=number,
            )
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
            )
        )
        previous_share, previous_date = share, phase.start_date
    for i in range(len(result) - 1):
        end = result[i + 1].start_date - timedelta(days=1)
        result[i] = replace(result[i], end_date=end)
    return MigrationPlan(phases=tuple(result), thresholds=thresholds)


# --- Daily actuals against the plan --------------------------------------------------------


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


# --- CSV upload of daily actuals -----------------------------------------------------------

CSV_COLUMNS = ("date", "provider", "sent", "delivered", "bounces", "complaints")
MAX_CSV_ROWS = 10_000
# An upload or paste of daily actuals; a larger one is refused whole, never cut.
MAX_CSV_BYTES = 2 * 1024 * 1024
# The most the database holds in a count of one day (a PositiveIntegerField).
MAX_DAILY_COUNT = 2_147_483_647
PROVIDER_ALIASES = {
    "gmail": Provider.GMAIL,
    "google": Provider.GMAIL,
    "microsoft": Provider.MICROSOFT,
    "outlook": Provider.MICROSOFT,
    "hotmail": Provider.MICROSOFT,
    "yahoo": Provider.YAHOO,
    "aol": Provider.YAHOO,
    "yahoo/aol": Provider.YAHOO,
    "apple": Provider.APPLE,
    "icloud": Provider.APPLE,
    "others": Provider.OTHERS,
    "other": Provider.OTHERS,
}


class CsvReason:
    """Why a row was refused. Stable codes: the UI translates them; `message` is English."""

    EMPTY_FILE = "empty_file"
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    WRONG_FIELD_COUNT = "wrong_field_count"
    REQUIRED = "required"
    INVALID_DATE = "invalid_date"
    UNKNOWN_PROVIDER = "unknown_provider"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    OUT_OF_RANGE = "out_of_range"
    MORE_THAN_SENT = "more_than_sent"
    MORE_THAN_DELIVERED = "more_than_delivered"
    DUPLICATE_ROW = "duplicate_row"
    TOO_MANY_ROWS = "too_many_rows"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class CsvRowError:
    line: int  # 1 is the header line
    field: str  # a column name, or "" for the whole row
    reason: str  # a CsvReason code
    message: str


@dataclass(frozen=True)
class ActualsImport:
    """All rows, or no rows and the errors: never half an import."""

    rows: tuple[DailyActual, ...] = ()
    errors: tuple[CsvRowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - only the date is kept
        except ValueError:
            continue
    return None


def _record_lines(text: str, delimiter: str) -> list[int]:
    """The line each record ends on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [reader.line_num for _ in reader]


def parse_actuals_csv(text: str) -> ActualsImport:
    """Parse daily actuals (date, provider, sent, delivered, bounces, complaints).

    Columns may come in any order, with a comma or a semicolon between fields; dates as
    2027-01-31 or 31-01-2027. Every bad row is reported with its line and field.
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return ActualsImport(
            errors=(CsvRowError(1, "", CsvReason.EMPTY_FILE, "The file is empty."),)
        )
    header_line = next(line for line in lines if line.strip())
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[CsvRowError] = []
    header: list[str] | None = None
    rows: list[DailyActual] = []
    seen: dict[tuple[date, str], int] = {}
    data_rows = 0
    try:
        records = list(reader)
    except csv.Error as exc:
        message = f"The file is not readable as CSV ({exc})."
        return ActualsImport(
            errors=(CsvRowError(reader.line_num, "", CsvReason.UNREADABLE, message),)
        )
    lines_of = _record_lines(text, delimiter)
    for index, record in enumerate(records):
        line = lines_of[index]
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in record]
            for column in CSV_COLUMNS:
                if column not in header:
                    errors.append(
                        CsvRowError(
                            line,
                            column,
                            CsvReason.MISSING_COLUMN,
                            f"The header has no column {column!r}; expected "
                            f"{', '.join(CSV_COLUMNS)}.",
                        )
                    )
            for column in header:
                if column not in CSV_COLUMNS:
                    errors.append(
                        CsvRowError(
                            line,
                            column,
                            CsvReason.UNKNOWN_COLUMN,
                            f"The column {column!r} is not one of {', '.join(CSV_COLUMNS)}.",
                        )
                    )
            if errors:
                return ActualsImport(errors=tuple(errors))
            continue
        data_rows += 1
        if data_rows > MAX_CSV_ROWS:
            errors.append(
                CsvRowError(
                    line,
                    "",
                    CsvReason.TOO_MANY_ROWS,
                    f"The file has more than {MAX_CSV_ROWS:,} rows; split it.",
                )
            )
            break
        if len(record) != len(header):
            errors.append(
                CsvRowError(
                    line,
                    "",
                    CsvReason.WRONG_FIELD_COUNT,
                    f"The row has {len(record)} fields; the header has {len(header)}.",
                )
            )
            continue
        values = {column: cell.strip() for column, cell in zip(header, record, strict=True)}
        row_errors = []

        def fail(column: str, reason: str, message: str, _errors=row_errors, _line=line) -> None:
            _errors.append(CsvRowError(_line, column, reason, message))

        when = None
        if not values["date"]:
            fail("date", CsvReason.REQUIRED, "The date is missing.")
        else:
            when = _parse_date(values["date"])
            if when is None:
                fail(
                    "date",
                    CsvReason.INVALID_DATE,
                    f"{values['date']!r} is not a date; write it as 2027-01-31.",
                )
        provider = PROVIDER_ALIASES.get(values["provider"].lower())
        if not values["provider"]:
            fail("provider", CsvReason.REQUIRED, "The mailbox provider is missing.")
        elif provider is None:
            fail(
                "provider",
                CsvReason.UNKNOWN_PROVIDER,
                f"{values['provider']!r} is not a mailbox provider; use one of "
                f"{', '.join(Provider.ALL)}.",
            )
        numbers: dict[str, int] = {}
        for column in CSV_COLUMNS[2:]:
            raw = values[column]
            if not raw:
                fail(column, CsvReason.REQUIRED, f"The number {column} is missing.")
            elif not raw.isascii() or not raw.isdigit():
                fail(
                    column,
                    CsvReason.NOT_A_WHOLE_NUMBER,
                    f"{raw!r} is not a whole number of 0 or more (write 12500, "
                    "without separators).",
                )
            elif len(raw.lstrip("0")) > len(str(MAX_DAILY_COUNT)) or int(raw) > MAX_DAILY_COUNT:
                # The length first: int() refuses thousands of digits with a ValueError.
                fail(
                    column,
                    CsvReason.OUT_OF_RANGE,
                    f"{raw[:20]!r} is more than {MAX_DAILY_COUNT:,}: not a daily count.",
                )
            else:
                numbers[column] = int(raw)
        if len(numbers) == 4:
            if numbers["delivered"] > numbers["sent"]:
                fail("delivered", CsvReason.MORE_THAN_SENT, "More delivered than sent.")
            if numbers["bounces"] > numbers["sent"]:
                fail("bounces", CsvReason.MORE_THAN_SENT, "More bounces than sent.")
            elif (
                numbers["delivered"] <= numbers["sent"] < numbers["delivered"] + numbers["bounces"]
            ):
                fail(
                    "bounces",
                    CsvReason.MORE_THAN_SENT,
                    "Delivered plus bounces is more than sent.",
                )
            if numbers["complaints"] > numbers["delivered"]:
                fail(
                    "complaints",
                    CsvReason.MORE_THAN_DELIVERED,
                    "More complaints than messages delivered.",
                )
        if when is not None and provider is not None:
            first = seen.setdefault((when, provider), line)
            if first != line:
                fail(
                    "",
                    CsvReason.DUPLICATE_ROW,
                    f"{when} for {provider} is already on line {first}.",
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(DailyActual(date=when, provider=provider, **numbers))
    if header is None:  # only empty fields, such as a line of ""
        errors.append(CsvRowError(1, "", CsvReason.EMPTY_FILE, "The file is empty."))
    if errors:
        return ActualsImport(errors=tuple(errors))
    return ActualsImport(rows=tuple(rows))
