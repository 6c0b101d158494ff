"""Reads of the availability record shared by the status page and the SLA report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q

from accounts.models import Region
from cases.models import Component

from . import figures
from .models import Outage

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
    """One query: every outage that overlaps [start, end), ongoing ones included."""
    rows = (
        Outage.objects.filter(started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .order_by("started_at")
        .values_list("component", "region_id", "started_at", "ended_at")
    )
    return [OutageSpan(*row) for row in rows]


def monthly_availability(months: list[date], now: datetime) -> list[AvailabilityRow]:
    """Two queries (the regions, the outages of the months): for each component and
    region, the figures of each month. An outage found by a probe of no region (the
    platform as a whole) counts against every region."""
    regions: list[Region | None] = list(Region.objects.order_by("code")) or [None]
    start, _end = figures.month_bounds(months[0])
    _start, end = figures.month_bounds(months[-1])
    spans = outages_between(start, end)
    rows = []
    for component in Component:
        for region in regions:
            periods = [
                (s.started_at, s.ended_at)
                for s in spans
                if s.component == component
                and (s.region_id is None or region is None or s.region_id == region.pk)
            ]
            rows.append(
                AvailabilityRow(
                    component=component,
                    region=region,
                    months=[figures.month_figure(periods, month, now) for month in months],
                )
            )
    return rows
