"""Reads of the availability record shared by the status page and the SLA report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import OuterRef, Q, Subquery

from accounts.models import Region
from cases.models import Component, IncidentStatus

from . import figures
from .models import Outage, Probe, ProbeResult

# The status page's months: this month and the five before it.
STATUS_MONTHS = 6


@dataclass(frozen=True)
class OutageSpan:
    component: str
    region_id: int | None
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class AvailabilityRow:
    """One component in one region (None: no regions are configured), month by month."""

    component: Component
    region: Region | None
    months: list[figures.MonthFigure]

    def label(self, language: str) -> str:
        if self.region is None:
            return str(self.component.label)
        return f"{self.component.label} · {self.region.name_for(language)}"


def outages_between(start: datetime, end: datetime) -> list[OutageSpan]:
    """One query: every outage that overlaps [start, end), ongoing ones included, except
    those of a dismissed incident (staff found them no incident: a probe's own fault, a
    false alarm), which are not unavailability."""
    rows = (
        Outage.objects.filter(started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .filter(Q(incident__isnull=True) | ~Q(incident__status=IncidentStatus.DISMISSED))
        .order_by("started_at")
        .values_list("component", "region_id", "started_at", "ended_at")
    )
    return [OutageSpan(*row) for row in rows]


def measuring_since() -> dict[tuple[str, int | None], datetime]:
    """One query: for each component and region (None: the platform as a whole) that has a
    probe with a result, when its first result was recorded. Measuring begins with the
    first result rather than with the probe's creation: a probe created disabled, or
    before beat ran it, measured nothing. `services.purge_results` keeps each probe's first
    result, so the moment outlives the results' retention."""
    first = ProbeResult.objects.filter(probe=OuterRef("pk")).order_by("at").values("at")[:1]
    rows = (
        Probe.objects.annotate(first_at=Subquery(first))
        .filter(first_at__isnull=False)
        .values_list("component", "region_id", "first_at")
    )
    since: dict[tuple[str, int | None], datetime] = {}
    for component, region_id, first_at in rows:
        place = (component, region_id)
        since[place] = min(first_at, since.get(place, first_at))
    return since


def _since(
    measuring: dict[tuple[str, int | None], datetime], component: str, region: Region | None
) -> datetime | None:
    """When measuring of `component` in `region` began: by its own probes or by probes of
    the platform as a whole (or, with no regions configured, by any probe of it)."""
    moments = [
        at
        for (c, region_id), at in measuring.items()
        if c == component and (region_id is None or region is None or region_id == region.pk)
    ]
    return min(moments, default=None)


def monthly_availability(months: list[date], now: datetime) -> list[AvailabilityRow]:
    """Three queries (the regions, the outages of the months, when each place's measuring
    began): for each component and region, the figures of each month. An outage found by
    a probe of no region (the platform as a whole) counts against every region. A place no
    probe measures, and the months before its first probe result, have no figure: not
    measured, never 100%."""
    regions: list[Region | None] = list(Region.objects.order_by("code")) or [None]
    start, _end = figures.month_bounds(months[0])
    _start, end = figures.month_bounds(months[-1])
    spans = outages_between(start, end)
    measuring = measuring_since()
    rows = []
    for component in Component:
        for region in regions:
            periods = [
                (s.started_at, s.ended_at)
                for s in spans
                if s.component == component
                and (s.region_id is None or region is None or s.region_id == region.pk)
            ]
            since = _since(measuring, component, region)
            rows.append(
                AvailabilityRow(
                    component=component,
                    region=region,
                    months=[
                        figures.not_measured(month)
                        if since is None
                        else figures.month_figure(periods, month, now, since=since)
                        for month in months
                    ],
                )
            )
    return rows
