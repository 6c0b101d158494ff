"""Metrics for Prometheus at /metrics: django-prometheus's (requests, latencies, database
queries) and the support desk's own, read from the database at each scrape.

Open to a request with `Authorization: Bearer <METRICS_TOKEN>`, or from an address in
METRICS_ALLOWED_NETWORKS (loopback by default). With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR so that a scrape sums every worker's counters.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from datetime import UTC, datetime, timedelta

import prometheus_client
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Max, Min, Q
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_celery_beat.models import PeriodicTask
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from accounts.signin.hooks import client_ip
from cases import selectors as case_selectors
from cases import sla_report
from cases.models import OPEN_STATUSES, Case, Severity
from core.models import OutboxTask
from deliverability.blocklists.models import CheckRun
from inbound.models import InboundMessage, Outcome

log = logging.getLogger(__name__)

DEADLINE_STATES = ("overdue", "due_within_hour", "later", "none")
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def may_scrape(request) -> bool:
    """A valid bearer token, or a direct request from an allowed network. Without
    BEHIND_TLS_PROXY a request a proxy forwarded is never taken for a local one (a
    proxy on the same host would make every visitor look like loopback)."""
    token = settings.METRICS_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(offered.encode(), token.encode())
    ):
        return True
    if not settings.BEHIND_TLS_PROXY and any(h in request.META for h in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
def metrics(request):
    if not may_scrape(request):
        return HttpResponseForbidden(
            "Metrics need a bearer token (METRICS_TOKEN) or an address in "
            "METRICS_ALLOWED_NETWORKS.\n",
            content_type="text/plain; charset=utf-8",
        )
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        processes = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = prometheus_client.REGISTRY
    body = prometheus_client.generate_latest(processes)
    domain = prometheus_client.CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    try:
        body += prometheus_client.generate_latest(domain) + _domain_up(1)
    except DatabaseError:
        # The requests' metrics still count while the database is away.
        log.exception("The support desk's gauges could not be read.")
        body += _domain_up(0)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


def _domain_up(value: int) -> bytes:
    up = prometheus_client.CollectorRegistry(auto_describe=False)
    prometheus_client.Gauge(
        "portal_gauges_up", "1 if the support desk's gauges were read, 0 if not.", registry=up
    ).set(value)
    return prometheus_client.generate_latest(up)


class DomainCollector:
    """The support desk's gauges: a few aggregate queries at each scrape."""

    def __init__(self, now: datetime | None = None):
        self.now = now

    def collect(self):
        now = self.now or timezone.now()
        yield open_cases(now)
        yield from sla_attainment(now)
        yield from outbox(now)
        yield from sla_sweep(now)
        yield from blocklist_run(now)
        yield quarantine()


def open_cases(now: datetime) -> GaugeMetricFamily:
    hour = now + timedelta(hours=1)
    counts = {
        row["severity"]: row
        for row in Case.objects.filter(status__in=OPEN_STATUSES)
        .values("severity")
        .annotate(
            overdue=Count("id", filter=Q(next_due_at__lt=now)),
            due_within_hour=Count("id", filter=Q(next_due_at__gte=now, next_due_at__lt=hour)),
            later=Count("id", filter=Q(next_due_at__gte=hour)),
            none=Count("id", filter=Q(next_due_at__isnull=True)),
        )
        .order_by()
    }
    gauge = GaugeMetricFamily(
        "portal_open_cases",
        "Open support cases by severity and the state of their nearest deadline.",
        labels=["severity", "deadline"],
    )
    for severity in Severity.values:
        for state in DEADLINE_STATES:
            gauge.add_metric([severity, state], counts.get(severity, {}).get(state, 0))
    return gauge


def sla_attainment(now: datetime):
    """This month's (UTC) deadlines met and missed by kind, from the SLA events as the
    oversight report counts them, and the share met."""
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    rows = sla_report.attainment(
        sla_report.outcomes_from_events(case_selectors.sla_events(start=start, end=now))
    )
    totals = {kind: [0, 0] for kind in sla_report.KINDS}
    for row in rows:
        totals[row.kind][0] += row.met
        totals[row.kind][1] += row.total
    deadlines = GaugeMetricFamily(
        "portal_sla_deadlines_this_month",
        "SLA deadlines of this month (UTC) by kind and whether they were met.",
        labels=["kind", "outcome"],
    )
    share = GaugeMetricFamily(
        "portal_sla_attainment_this_month_ratio",
        "Share of this month's (UTC) SLA deadlines met, by kind (absent: none yet).",
        labels=["kind"],
    )
    for kind, (met, total) in totals.items():
        deadlines.add_metric([kind, "met"], met)
        deadlines.add_metric([kind, "missed"], total - met)
        if total:
            share.add_metric([kind], met / total)
    yield deadlines
    yield share


def outbox(now: datetime):
    row = OutboxTask.objects.aggregate(depth=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily(
        "portal_outbox_depth", "Background tasks waiting in the outbox.", value=row["depth"]
    )
    age = (now - row["oldest"]).total_seconds() if row["oldest"] else 0
    yield GaugeMetricFamily(
        "portal_outbox_oldest_age_seconds",
        "Age of the oldest task waiting in the outbox (0: none waits).",
        value=max(age, 0),
    )


def sla_sweep(now: datetime):
    """When beat last started the SLA sweep (django-celery-beat's record of the entry)."""
    last = PeriodicTask.objects.filter(task="cases.sla_sweep").aggregate(at=Max("last_run_at"))
    yield from _moment(
        "portal_sla_sweep",
        "the SLA sweep last ran",
        last["at"],
        now,
    )


def blocklist_run(now: datetime):
    run = (
        CheckRun.objects.filter(
            account__isnull=True, status=CheckRun.Status.FINISHED, finished_at__isnull=False
        )
        .order_by("-finished_at")
        .values("finished_at", "resolver_failed")
        .first()
    )
    yield from _moment(
        "portal_blocklist_run",
        "a blocklist check of every account last finished",
        run and run["finished_at"],
        now,
    )
    yield GaugeMetricFamily(
        "portal_blocklist_run_resolver_failed",
        "1 if the last finished blocklist run checked nothing because the resolver failed.",
        value=int(bool(run and run["resolver_failed"])),
    )


def _moment(prefix: str, what: str, at: datetime | None, now: datetime):
    """A timestamp gauge and a lag gauge; both absent while it never happened."""
    stamp = GaugeMetricFamily(f"{prefix}_last_timestamp_seconds", f"When {what} (Unix time).")
    lag = GaugeMetricFamily(f"{prefix}_lag_seconds", f"Seconds since {what}.")
    if at is not None:
        stamp.add_metric([], at.timestamp())
        lag.add_metric([], max((now - at).total_seconds(), 0))
    yield stamp
    yield lag


def quarantine() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "portal_inbound_quarantine_size",
        "Inbound messages in quarantine, waiting for staff to settle them.",
        value=InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).count(),
    )
