"""The platform status page: current and past incidents, and monthly availability."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone, translation

from cases import incident_selectors

from . import charts, figures, selectors


def status(request):
    """Signed-in customers and staff; everyone when STATUS_PAGE_PUBLIC is on."""
    if not request.user.is_authenticated and not settings.STATUS_PAGE_PUBLIC:
        return redirect_to_login(request.get_full_path())
    now = timezone.now()
    months = figures.months_back(now.date(), selectors.STATUS_MONTHS)
    rows = selectors.monthly_availability(months, now)
    return render(
        request,
        "availability/status.html",
        {
            "current": incident_selectors.current_incidents(),
            "past": incident_selectors.past_incidents_page(request.GET.get("page")),
            "months": months,
            "rows": rows,
            "chart": charts.availability_chart(rows, translation.get_language()),
            "now": now,
        },
    )
