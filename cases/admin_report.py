"""The SLA oversight report for TAMs and Support Managers: per account and month, the
share of callbacks, first responses and updates on time, median and 90th percentile
minutes, and the breached cases; a chart and a CSV export."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import selectors, sla_report, staff_access
from .models import DeadlineKind


def _month(value: str | None):
    now = timezone.now()
    try:
        start = datetime.strptime(value or "", "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        start = datetime(now.year, now.month, 1, tzinfo=UTC)
    end = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return start, end


def report_view(admin_site, request):
    user = request.user
    if not staff_access.may_read_sla_report(user):
        raise PermissionDenied
    start, end = _month(request.GET.get("month"))
    events = selectors.sla_events(start=start, end=end, tam=staff_access.sla_report_tam(user))
    rows = sla_report.attainment(sla_report.outcomes_from_events(events))
    labels = {k: str(DeadlineKind(k).label) for k in sla_report.KINDS}
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sla-{start:%Y-%m}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "month",
                "account",
                "deadline",
                "deadlines",
                "met",
                "share_met",
                "median_minutes",
                "p90_minutes",
                "breached_cases",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    f"{start:%Y-%m}",
                    r.account,
                    r.kind,
                    r.total,
                    r.met,
                    f"{r.share:.3f}" if r.share is not None else "",
                    r.median if r.median is not None else "",
                    r.p90 if r.p90 is not None else "",
                    " ".join(ref for _pk, ref in r.breached),
                ]
            )
        return response
    context = {
        **admin_site.each_context(request),
        "title": _("SLA oversight"),
        "month": f"{start:%Y-%m}",
        "rows": [{"row": r, "label": labels[r.kind]} for r in rows],
        "chart": mark_safe(sla_report.svg_chart(rows, labels)),  # noqa: S308  escaped inside
    }
    return TemplateResponse(request, "admin/cases/sla_report.html", context)
