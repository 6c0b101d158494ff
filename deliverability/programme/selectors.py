"""Reads of the TAM's programme shared by pages, admin and tasks, with their joins."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch

from ..models import (
    ListingState,
    NextStep,
    PlanningSession,
    RemediationRequest,
    RemediationStep,
    SendingDomain,
    SendingIP,
    TrendNote,
    WarmupPlan,
)
from . import actuals, migration, warmup

CHART_MAX_DAYS = 120


def plans_for_account(account):
    """The account's plans with their IP and actuals counts: one query."""
    return list(
        WarmupPlan.objects.filter(account=account)
        .annotate(
            ip_count=Count("ips", distinct=True), actual_count=Count("actuals", distinct=True)
        )
        .order_by("-start_date", "pk")
    )


@dataclass
class ChartDay:
    date: date
    planned: int
    actual: int | None
    advice: str  # warmup.Advice, "" without actuals


@dataclass
class ProviderSeries:
    provider: str
    label: str
    days: list[ChartDay]


@dataclass
class FlaggedDay:
    date: date
    advice: str
    evaluations: list[actuals.DayEvaluation]


@dataclass
class PlanProgress:
    plan: WarmupPlan
    ips: list
    schedule: warmup.WarmupSchedule | None
    error: warmup.PlanError | None
    migration: migration.MigrationPlan | None
    migration_error: warmup.PlanError | None
    series: list[ProviderSeries] = field(default_factory=list)
    flagged: list[FlaggedDay] = field(default_factory=list)
    evaluations: list[actuals.DayEvaluation] = field(default_factory=list)
    phase_ready: dict[int, bool] = field(default_factory=dict)

    def phase_rows(self):
        """(phase, ready, shortfalls): ready is None for the first phase, else whether the
        clean days before it hold; shortfalls name each provider the warm IPs cannot carry
        yet on the phase's start date, as (label, needed, capacity)."""
        if not self.migration:
            return []
        return [
            (
                p,
                self.phase_ready.get(p.number),
                [(warmup.Provider.LABELS[s], p.providers[s], p.capacity[s]) for s in p.short],
            )
            for p in self.migration.phases
        ]


def plan_schedule(plan: WarmupPlan, ip_count: int) -> warmup.WarmupSchedule:
    return warmup.warmup_schedule(plan.warmup_input(max(ip_count, 1)))


def plan_progress(plan: WarmupPlan) -> PlanProgress:
    """The schedule, the migration phases and the actuals judged against the plan."""
    ips = list(plan.ips.all())
    phases = list(plan.phases.all())
    daily = [a.as_pure() for a in plan.actuals.all()]
    try:
        schedule = plan_schedule(plan, len(ips))
    except warmup.PlanError as exc:
        return PlanProgress(plan, ips, None, exc, None, None)
    plan_migration, migration_error = None, None
    if phases:
        try:
            plan_migration = migration.migration_plan(
                schedule,
                [migration.MigrationPhaseInput(p.start_date, p.share_moved) for p in phases],
            )
        except warmup.PlanError as exc:
            migration_error = exc
    evaluations = actuals.evaluate_actuals(schedule, daily)
    by_day: dict[date, list[actuals.DayEvaluation]] = {}
    for e in evaluations:
        by_day.setdefault(e.date, []).append(e)
    last = max([schedule.end_date, *by_day.keys()])
    last = min(last, schedule.start_date + timedelta(days=CHART_MAX_DAYS - 1))
    dates = [
        schedule.start_date + timedelta(days=n)
        for n in range((last - schedule.start_date).days + 1)
    ]
    series = []
    for provider in warmup.Provider.ALL:
        if schedule.shares[provider] == 0:
            continue
        days = []
        for when in dates:
            planned = schedule.day_on(when).providers[provider]
            evaluation = next((e for e in by_day.get(when, []) if e.provider == provider), None)
            days.append(
                ChartDay(
                    when,
                    planned,
                    evaluation.sent if evaluation else None,
                    evaluation.advice if evaluation else "",
                )
            )
        series.append(ProviderSeries(provider, warmup.Provider.LABELS[provider], days))
    flagged = []
    for when, day_evals in sorted(by_day.items()):
        advice = actuals.strongest_advice(day_evals)
        if advice != warmup.Advice.ADVANCE:
            flagged.append(FlaggedDay(when, advice, [e for e in day_evals if e.flags]))
    phase_ready = {}
    if plan_migration:
        for phase in plan_migration.phases[1:]:
            phase_ready[phase.number] = actuals.ready_for_next_phase(
                evaluations, on=phase.start_date
            )
    return PlanProgress(
        plan,
        ips,
        schedule,
        None,
        plan_migration,
        migration_error,
        series,
        flagged,
        evaluations,
        phase_ready,
    )


@dataclass
class PlanEvidence:
    """One warm-up plan's actuals as the checklist reads them: its flagged days."""

    plan: WarmupPlan
    flagged: list[FlaggedDay]
    complaints: bool  # a day with a complaint flag

    @property
    def followed(self) -> bool:
        return not self.flagged


@dataclass
class ChecklistEvidence:
    """What the portal's own data says about the best-practice checklist (None: no data)."""

    warmup_followed: bool | None = None
    complaint_rate_ok: bool | None = None
    plans: list[PlanEvidence] = field(default_factory=list)  # the plans judged


_COMPLAINT_FLAGS = {warmup.Flag.COMPLAINTS_HIGH, warmup.Flag.COMPLAINTS_CRITICAL}


def checklist_evidence(account) -> ChecklistEvidence:
    """The warm-up plans with actuals judged by their flags: a flagged day (hold or step
    back) means the warm-up was not followed; a complaint flag means the complaint rate was
    over the threshold."""
    plans = list(
        WarmupPlan.objects.filter(account=account)
        .prefetch_related("ips", "phases", "actuals")
        .order_by("-start_date", "pk")
    )
    judged = [
        PlanEvidence(
            plan=progress.plan,
            flagged=progress.flagged,
            complaints=any(set(e.flags) & _COMPLAINT_FLAGS for e in progress.evaluations),
        )
        for progress in (plan_progress(p) for p in plans if p.actuals.all())
    ]
    if not judged:
        return ChecklistEvidence()
    return ChecklistEvidence(
        warmup_followed=all(p.followed for p in judged),
        complaint_rate_ok=not any(p.complaints for p in judged),
        plans=judged,
    )


def listed_states_for_account(account):
    """The account's current listings (IPs, then domains)."""
    states = ListingState.objects.filter(state=ListingState.State.LISTED).select_related(
        "blocklist", "sending_ip", "sending_domain"
    )
    return [
        *states.filter(sending_ip__account=account),
        *states.filter(sending_domain__account=account),
    ]


def remediation_defaults(account, initial: dict) -> dict:
    """What the portal knows for a remediation request: the account's sending domains by
    use, and whether the affected IPs are the account's own (dedicated) IPs."""
    defaults = {}
    domains = {}
    for domain in SendingDomain.objects.filter(account=account).order_by("name"):
        domains.setdefault(domain.purpose, domain.name)
    for key, purpose in (
        ("from_domain", SendingDomain.Purpose.FROM),
        ("dkim_domain", SendingDomain.Purpose.DKIM),
        ("return_path_domain", SendingDomain.Purpose.RETURN_PATH),
    ):
        if not initial.get(key) and purpose in domains:
            defaults[key] = domains[purpose]
    ips = str(initial.get("affected_ips", "")).replace(";", " ").split()
    # Pre-filled from a query string: anything that is not an address is simply not one of
    # the account's (PostgreSQL's address column refuses to compare with it).
    addresses = ips and all(_is_address(ip) for ip in ips)
    if addresses and SendingIP.objects.filter(account=account, address__in=ips).count() == len(ips):
        defaults["ip_type"] = "dedicated"
    return defaults


def remediation_requests_for_account(account):
    return list(
        RemediationRequest.objects.filter(account=account)
        .select_related("case", "listing__blocklist")
        .order_by("-created_at", "-pk")
    )


def remediation_steps(request):
    return list(RemediationStep.objects.filter(request=request).order_by("on", "pk"))


def trend_notes_for_account(account):
    return list(TrendNote.objects.filter(accounts=account).select_related("author"))


def planning_sessions_for_account(account):
    return list(
        PlanningSession.objects.filter(account=account).prefetch_related(
            Prefetch("next_steps", queryset=NextStep.objects.order_by("due_on", "pk"))
        )
    )


def next_steps_due(on: date):
    """Next steps due on or before the date, not done and not reminded yet (partial index)."""
    return NextStep.objects.filter(done=False, reminded_at__isnull=True, due_on__lte=on)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class WarmupSummary:
    """The account's IP warm-up in one line: the plan under way, else the next one to
    start, else the newest one."""

    RUNNING, UPCOMING, FINISHED, NONE = "running", "upcoming", "finished", "none"

    state: str
    plan: WarmupPlan | None = None
    day: int | None = None  # today's day of a running plan, from 1
    days: int | None = None  # the days to the target volume; None if it cannot be planned
    end_date: date | None = None


def warmup_summary(account, today: date) -> WarmupSummary:
    """One query (the plans); their schedules are worked out, not read."""
    scheduled = []
    for plan in plans_for_account(account):
        try:
            scheduled.append((plan, plan_schedule(plan, plan.ip_count)))
        except warmup.PlanError:
            scheduled.append((plan, None))
    if not scheduled:
        return WarmupSummary(WarmupSummary.NONE)
    running = [(p, s) for p, s in scheduled if s and p.start_date <= today <= s.end_date]
    upcoming = sorted(
        (ps for ps in scheduled if ps[0].start_date > today), key=lambda ps: ps[0].start_date
    )
    if running:
        (plan, schedule), state = running[0], WarmupSummary.RUNNING
    elif upcoming:
        (plan, schedule), state = upcoming[0], WarmupSummary.UPCOMING
    else:
        (plan, schedule), state = scheduled[0], WarmupSummary.FINISHED
    return WarmupSummary(
        state,
        plan,
        day=(today - plan.start_date).days + 1 if state == WarmupSummary.RUNNING else None,
        days=len(schedule.days) if schedule else None,
        end_date=schedule.end_date if schedule else None,
    )
