"""The warm-up chart: planned against actual volume per provider, drawn as SVG on the server.

`warmup_geometry` works out the scale, bars and line (pure, plain values); the template
`deliverability/charts/warmup.svg.html` writes the SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django import template
from django.template.loader import render_to_string

register = template.Library()

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 900, 180, 64, 22, 10
COLOURS = {"advance": "#198754", "hold": "#fd7e14", "step_back": "#dc3545"}


@dataclass(frozen=True)
class Gridline:
    y: float
    volume: int  # the template writes it in the reader's language


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    advice: str
    day: date
    sent: int
    planned: int


@dataclass(frozen=True)
class DayTick:
    x: float
    day: date


@dataclass(frozen=True)
class WarmupChart:
    provider: str
    label: str
    width: int
    height: int
    left: int
    right: int
    gridlines: list[Gridline]
    bars: list[Bar]
    planned_points: str  # the polyline's points
    ticks: list[DayTick]
    tick_y: int


def warmup_geometry(series) -> WarmupChart | None:
    """Bars: what was sent (coloured by the day's advice); line: what was planned."""
    days = series.days
    if not days:
        return None
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    peak = max([d.planned for d in days] + [d.actual or 0 for d in days]) or 1
    # A warm-up grows geometrically: on a logarithmic scale the first days stay visible.
    top = math.log10(peak + 1)

    def height(value):
        return plot_h * math.log10(value + 1) / top

    step = plot_w / len(days)
    gridlines = [
        Gridline(round(TOP + plot_h - height(value), 1), value)
        for value in [0] + [10**n for n in range(1, int(top) + 1)]
    ]
    bars = []
    for i, d in enumerate(days):
        if d.actual is None:
            continue
        h = height(d.actual)
        bars.append(
            Bar(
                x=round(LEFT + i * step + step * 0.15, 1),
                y=round(TOP + plot_h - h, 1),
                width=round(max(step * 0.7, 1), 1),
                height=round(h, 1),
                colour=COLOURS.get(d.advice, "#6c757d"),
                advice=d.advice,
                day=d.date,
                sent=d.actual,
                planned=d.planned,
            )
        )
    points = " ".join(
        f"{LEFT + i * step + step / 2:.1f},{TOP + plot_h - height(d.planned):.1f}"
        for i, d in enumerate(days)
    )
    ticks = sorted({0, len(days) - 1, *range(0, len(days), max(1, len(days) // 8))})
    return WarmupChart(
        provider=series.provider,
        label=series.label,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - 4,
        gridlines=gridlines,
        bars=bars,
        planned_points=points,
        ticks=[DayTick(round(LEFT + i * step + step / 2, 1), days[i].date) for i in ticks],
        tick_y=HEIGHT - 6,
    )


@register.simple_tag
def warmup_chart(series) -> str:
    chart = warmup_geometry(series)
    if chart is None:
        return ""
    return render_to_string(
        "deliverability/charts/warmup.svg.html", {"chart": chart}, using="django"
    )
