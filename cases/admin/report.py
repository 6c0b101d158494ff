"""The SLA oversight report for TAMs and Support Managers: per account and month, the
share of callbacks, first responses and updates on time, median and 90th percentile
minutes, and the breached cases; a chart and a CSV export."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors, sla_report, staff_access
from ..models import RATING_LOW, CallbackCounts, DeadlineKind, Severity, SlaPolicy

FIRST_MONTH = "2000-01"

# Sections that apps built on cases add to the report, cases importing none of them (the
# availability app adds the month's availability in its `ready()`): each provider is
# called with the month (`start`, `end`) and `now`, and returns the name of a Django
# template and its context, or None to add nothing.
SectionProvider = Callable[..., tuple[str, dict] | None]
SECTIONS: list[SectionProvider] = []


def add_section(provider: SectionProvider) -> None:
    if provider not in SECTIONS:
        SECTIONS.append(provider)


def _sections(request, start: datetime, end: datetime, now: datetime) -> list[str]:
    rendered = []
    for provider in SECTIONS:
        section = provider(start=start, end=end, now=now)
        if section is not None:
            name, context = section
            rendered.append(render_to_string(name, context, request=request, using="django"))
    return rendered


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)


def _month(value: str | None, now: datetime) -> tuple[datetime, datetime, str | None]:
    """The month asked for ("2026-11") as (start, end); for a value that is not a month
    of the report, this month and the sentence saying why."""
    this_month = f"{now:%Y-%m}"
    problem = None
    if value and not _MONTH.fullmatch(value):
        problem = _("Give the month as year and month, for example %(example)s.") % {
            "example": this_month
        }
    elif value and not FIRST_MONTH <= value <= this_month:
        problem = _("The report covers the months from %(first)s to this month.") % {
            "first": FIRST_MONTH
        }
    shown = value if value and not problem else this_month
    year, month = int(shown[:4]), int(shown[5:])
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end, problem


def report_view(admin_site, request):
    user = request.user
    if not staff_access.may_read_sla_report(user):
        raise PermissionDenied
    now = timezone.now()
    start, end, problem = _month(request.GET.get("month"), now)
    events = selectors.sla_events(start=start, end=end, tam=staff_access.sla_report_tam(user))
    rows = sla_report.attainment(sla_report.outcomes_from_events(events))
    ratings = selectors.sla_ratings(start=start, end=end, tam=staff_access.sla_report_tam(user))
    labels = {k: str(DeadlineKind(k).label) for k in sla_report.KINDS}
    # Short: the chart has room for little; the sentence above the table says it in full.
    rules = {
        CallbackCounts.FIRST_ATTEMPT: _("first attempt"),
        CallbackCounts.FIRST_REACH: _("first reach"),
    }
    for rule, short in rules.items():
        labels[f"callback:{rule.value}"] = f"{labels['callback']} ({short})"
    policy = SlaPolicy.objects.filter(severity=Severity.CRITICAL).first()
    rule_now = CallbackCounts(policy.callback_counts if policy else CallbackCounts.FIRST_ATTEMPT)
    if request.GET.get("format") == "csv" and problem is None:
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
                "callback_counts",
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
                    r.rule,
                ]
            )
        return response
    context = {
        **admin_site.each_context(request),
        "title": _("SLA oversight"),
        "month": f"{start:%Y-%m}",
        "first_month": FIRST_MONTH,
        "this_month": f"{now:%Y-%m}",
        "problem": problem,
        "rows": [{"row": r, "label": labels[r.label_key]} for r in rows],
        "callback_rule": rule_now.label,
        "chart": render_to_string(
            "cases/charts/sla_attainment.svg.html",
            {"chart": sla_report.chart(rows, labels)},
            using="django",
        ),
        "ratings_given": bool(ratings),
        "rating_tables": [
            (
                _("Account"),
                sla_report.rating_rows(ratings, "account", RATING_LOW),
                "ratings-account",
            ),
            (_("Agent"), sla_report.rating_rows(ratings, "agent", RATING_LOW), "ratings-agent"),
        ],
        "sections": _sections(request, start, end, now),
    }
    return TemplateResponse(
        request, "admin/cases/sla_report.html", context, status=400 if problem else 200
    )
