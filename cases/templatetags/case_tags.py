from django import template

from .. import listing
from ..models import ResolutionAgreement
from ..rendering import render_markdown

register = template.Library()


@register.filter
def case_markdown(text):
    return render_markdown(text)


@register.filter
def agreement_method(value):
    """The label of a ResolutionAgreement method as an event recorded it."""
    return ResolutionAgreement.Method(value).label if value else ""


@register.simple_tag
def open_case_rows(cases, now, cases_url):
    return listing.open_rows(cases, now, cases_url)


@register.simple_tag
def next_deadline(case, now):
    return listing.next_deadline(case, now)


@register.simple_tag
def closed_case_rows(cases, cases_url):
    return listing.closed_rows(cases, cases_url)


@register.inclusion_tag("cases/_sla_attainment.html")
def sla_attainment(account):
    """The account's SLA attainment this month, from the SLA events: one query."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from .. import selectors, sla_report
    from ..models import DeadlineKind

    now = timezone.now()
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    end = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    rows = sla_report.attainment(
        sla_report.outcomes_from_events(selectors.sla_events(start=start, end=end, account=account))
    )
    return {
        "rows": [{"row": r, "label": DeadlineKind(r.kind).label} for r in rows],
        "month": start,
    }
