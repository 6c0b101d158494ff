"""The availability chart: one row per component and region, one cell per month, coloured
by the month's availability, drawn as SVG on the server. `availability_geometry` works out
the cells (plain values); the template `availability/charts/availability.svg.html` writes
the SVG, for the status page and the SLA report alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .selectors import AvailabilityRow

# Each lane's label above its cells, so that the chart keeps a readable size on a phone.
CELL, LABEL, ROW, GAP, TOP = 64, 16, 24, 10, 18
# The contract measures no target; these read at a glance: fully or nearly available,
# some unavailability, a month to look into; grey: not measured.
GOOD, FAIR = 99.9, 99.0
COLOURS = {"good": "#198754", "fair": "#fd7e14", "poor": "#dc3545", "none": "#ced4da"}
# The words written on the cell: dark on the light orange and on the grey of a month
# nobody measured, white on the others.
TEXT_COLOURS = {"fair": "#212529", "none": "#495057"}


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    text_x: int
    text_y: int
    level: str
    colour: str
    text_colour: str
    share: float | None  # the template writes it as a percentage
    minutes: int  # unavailable, rounded up
    month: date


@dataclass(frozen=True)
class Lane:
    label: str
    label_y: int
    cells: list[Cell]


@dataclass(frozen=True)
class MonthTick:
    x: int
    month: date


@dataclass(frozen=True)
class AvailabilityChart:
    width: int
    height: int
    label_x: int
    cell_width: int
    cell_height: int
    tick_y: int
    ticks: list[MonthTick]
    lanes: list[Lane]


def level(percentage: float | None) -> str:
    if percentage is None:
        return "none"
    if percentage >= GOOD:
        return "good"
    return "fair" if percentage >= FAIR else "poor"


def availability_geometry(rows: list[AvailabilityRow], language: str) -> AvailabilityChart:
    months = [f.month for f in rows[0].months] if rows else []
    lanes = []
    for i, row in enumerate(rows):
        top = TOP + i * (LABEL + ROW + GAP)
        y = top + LABEL
        cells = []
        for j, figure in enumerate(row.months):
            x = j * CELL
            grade = level(figure.percentage)
            cells.append(
                Cell(
                    x=x,
                    y=y,
                    text_x=x + (CELL - 4) // 2,
                    text_y=y + ROW // 2,
                    level=grade,
                    colour=COLOURS[grade],
                    text_colour=TEXT_COLOURS.get(grade, "#fff"),
                    share=figure.share,
                    minutes=figure.whole_minutes_unavailable,
                    month=figure.month,
                )
            )
        lanes.append(Lane(label=row.label(language), label_y=top + LABEL - 4, cells=cells))
    return AvailabilityChart(
        width=max(1, len(months)) * CELL,
        height=TOP + max(1, len(rows)) * (LABEL + ROW + GAP),
        label_x=0,
        cell_width=CELL - 4,
        cell_height=ROW,
        tick_y=TOP - 6,
        ticks=[MonthTick(j * CELL + (CELL - 4) // 2, m) for j, m in enumerate(months)],
        lanes=lanes,
    )


def availability_chart(rows: list[AvailabilityRow], language: str) -> SafeString:
    if not rows:
        return SafeString("")
    return render_to_string(
        "availability/charts/availability.svg.html",
        {"chart": availability_geometry(rows, language)},
        using="django",
    )
