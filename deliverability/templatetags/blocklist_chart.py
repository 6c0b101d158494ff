"""The listing history chart, drawn on the server as SVG (no script, no CDN).

`history_geometry` works out where each lane and segment goes (pure, plain values);
the template `deliverability/charts/blocklist_history.svg.html` writes the SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

register = template.Library()

LABEL_WIDTH, WIDTH, LANE, GAP, AXIS = 170, 900, 22, 8, 24


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    colour: str
    listed: str  # "1" listed, "0" not listed, "-" not monitored yet
    label: str  # the list and the state, for the tooltip
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Lane:
    name: str
    y: int
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    anchor: str
    when: datetime


@dataclass(frozen=True)
class NotRun:
    """A stretch in which checks could not run, drawn across every lane."""

    x: float
    width: float
    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class HistoryChart:
    width: int
    height: int
    lane_height: int
    axis_y: int
    lanes: list[Lane]
    ticks: list[Tick]
    not_run: list[NotRun] = ()
    lanes_height: int = 0


def _state(listed: bool | None) -> tuple[str, str, str]:
    if listed is None:
        return _("not monitored yet"), "#dee2e6", "-"
    if listed:
        return _("listed"), "#dc3545", "1"
    return _("not listed"), "#198754", "0"


def history_geometry(lanes, not_run=()) -> HistoryChart | None:
    """One lane per list: red where the asset was listed, green where it was not; across
    them all, hatched, the stretches in which checks could not run (history.Stretch)."""
    if not lanes:
        return None
    start = lanes[0].segments[0].start
    end = lanes[0].segments[-1].end
    span = (end - start).total_seconds() or 1
    plot = WIDTH - LABEL_WIDTH
    drawn = []
    for i, lane in enumerate(lanes):
        bars = []
        for seg in lane.segments:
            x = LABEL_WIDTH + plot * (seg.start - start).total_seconds() / span
            # A listing of a few minutes is still worth seeing on a 30-day chart.
            w = max(4.0 if seg.listed else 1.0, plot * (seg.end - seg.start).total_seconds() / span)
            x = min(x, WIDTH - w)
            state, colour, flag = _state(seg.listed)
            bars.append(
                Bar(
                    round(x, 1),
                    round(w, 1),
                    colour,
                    flag,
                    f"{lane.blocklist.name}, {state}",
                    seg.start,
                    seg.end,
                )
            )
        y = i * (LANE + GAP)
        drawn.append(Lane(lane.blocklist.name, y, y + LANE / 2, bars))
    stretches = []
    for stretch in not_run:
        begin, until = max(stretch.start, start), min(stretch.end, end)
        if begin >= until:
            continue
        x = LABEL_WIDTH + plot * (begin - start).total_seconds() / span
        w = max(4.0, plot * (until - begin).total_seconds() / span)
        x = min(x, WIDTH - w)
        stretches.append(NotRun(round(x, 1), round(w, 1), _("check could not run"), begin, until))
    ticks = [
        Tick(round(LABEL_WIDTH + plot * f, 1), anchor, start + (end - start) * f)
        for f, anchor in ((0, "start"), (0.5, "middle"), (1, "end"))
    ]
    return HistoryChart(
        width=WIDTH,
        height=len(lanes) * (LANE + GAP) + AXIS,
        lane_height=LANE,
        axis_y=len(lanes) * (LANE + GAP) + 14,
        lanes=drawn,
        ticks=ticks,
        not_run=stretches,
        lanes_height=len(lanes) * (LANE + GAP) - GAP,
    )


@register.simple_tag
def history_chart(lanes, not_run=()) -> str:
    chart = history_geometry(lanes, not_run)
    if chart is None:
        return ""
    return render_to_string(
        "deliverability/charts/blocklist_history.svg.html", {"chart": chart}, using="django"
    )
