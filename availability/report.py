"""The availability section of the TAMs' SLA report (cases/admin/report.py)."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation

from . import charts, figures, selectors

# The chart shows the report's month and the months before it.
CHART_MONTHS = 6


def sla_report_section(*, start: datetime, end: datetime, now: datetime) -> tuple[str, dict]:
    months = figures.months_back(start.date(), CHART_MONTHS)
    rows = selectors.monthly_availability(months, now)
    language = translation.get_language()
    return (
        "availability/sla_report_section.html",
        {
            "month": months[-1],
            "figures": [(row.label(language), row.months[-1]) for row in rows],
            "chart": charts.availability_chart(rows, language),
        },
    )
