"""Demo data of the availability probes: two regions with the demo accounts in them, an
API and an SMTP probe in each (disabled, and pointing at reserved example hosts, so a
demo reaches nothing beyond the machine), the outage of the past incident in every region
it covered (or, without one, a 40-minute outage last month), and the last day's results
for the list pages. Idempotent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Region
from availability.models import Outage, Probe, ProbeResult
from cases.models import Component, Incident, IncidentScope, IncidentStatus

REGIONS = [("eu-west", "EU-West", "EU-West"), ("us-east", "US-East", "VS-Oost")]
ACCOUNT_REGIONS = {"Acme Mail BV": "eu-west", "Northwind Traders Inc.": "us-east"}
PROBE_PASSWORD = "demo-probe-password"  # noqa: S105 - a demo probe's, on a reserved host
OUTAGE_MINUTES = 40
# The recent record: one result every few minutes is enough for the list pages.
RECENT_EVERY = timedelta(minutes=5)
RECENT_SPAN = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def seed():
    regions = {}
    for code, name, name_nl in REGIONS:
        regions[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "name_nl": name_nl}
        )
    for name, code in ACCOUNT_REGIONS.items():
        Account.objects.filter(name=name, region__isnull=True).update(region=regions[code])
    probes = {}
    for region in regions.values():
        for component in Component.values:
            probes[component, region.code] = _probe(component, region)
    now = timezone.now().replace(second=0, microsecond=0)
    for component, region, started, ended, incident in _outages(regions, now):
        _outage(probes[component, region.code], started, ended, incident)
    for probe in probes.values():
        _recent(probe, now)
    return []


def _probe(component: str, region: Region) -> Probe:
    if component == Component.API:
        fields = {"url": f"https://api.{region.code}.platform.example/v1/health"}
        name = f"REST API, {region.name}"
    else:
        fields = {
            "host": f"smtp.{region.code}.platform.example",
            "port": 587,
            "starttls": True,
            "username": f"availability-probe-{region.code}",
            "password": PROBE_PASSWORD,
            "mail_from": "probe@platform.example",
            "rcpt_to": f"sink-{region.code}@probes.platform.example",
        }
        name = f"SMTP injection, {region.name}"
    probe, _ = Probe.objects.get_or_create(
        component=component,
        region=region,
        name=name,
        defaults={"enabled": False, "timeout_seconds": 10, **fields},
    )
    return probe


def _past_incident() -> Incident | None:
    """The demo's past incident, when the incidents demo made one."""
    return Incident.objects.filter(status=IncidentStatus.RESOLVED).order_by("-started_at").first()


def _outages(regions, now: datetime):
    """The past incident's outage in each component and region it covered, at its time,
    so the incident's timeline and the probe record agree; without one, an SMTP outage
    last month."""
    incident = _past_incident()
    if incident is None:
        first_of_month = now.replace(day=1, hour=0, minute=0)
        last_month = (first_of_month - timedelta(days=1)).replace(day=12)
        started = last_month.replace(hour=9, minute=14)
        ended = started + OUTAGE_MINUTES * MINUTE
        return [(Component.SMTP, regions["eu-west"], started, ended, None)]
    started = incident.started_at.replace(second=0, microsecond=0)
    ended = incident.recovered_at or incident.resolved_at or started + OUTAGE_MINUTES * MINUTE
    ended = max(ended.replace(second=0, microsecond=0), started + MINUTE)
    components = Component.values if incident.scope == IncidentScope.BOTH else [incident.scope]
    covered = [incident.region] if incident.region else list(regions.values())
    return [(c, r, started, ended, incident) for c in components for r in covered]


def _outage(probe: Probe, started: datetime, ended: datetime, incident) -> None:
    component, region = probe.component, probe.region
    place = Q(component=component, region=region)
    if Outage.objects.filter(place, started_at__lt=ended, ended_at__gt=started).exists():
        return
    Outage.objects.create(
        component=component, region=region, started_at=started, ended_at=ended, incident=incident
    )
    failure = 503 if component == Component.API else 421
    results = []
    moment = started - 5 * MINUTE
    while moment < ended + 5 * MINUTE:
        down = started <= moment < ended
        results.append(
            ProbeResult(
                probe=probe,
                at=moment,
                ok=not down,
                server_side=down,
                code=failure if down else (200 if component == Component.API else 250),
                latency_ms=10_000 if down and component == Component.API else 120,
                reply=_reply(component, down),
            )
        )
        moment += MINUTE
    ProbeResult.objects.bulk_create(results, ignore_conflicts=True)


def _reply(component: str, down: bool) -> str:
    if component == Component.API:
        return "503 Service Unavailable" if down else "200 OK"
    if down:
        return "MAIL FROM: 421 4.3.2 Service not available, closing transmission channel"
    return "250 2.0.0 Message accepted for delivery"


def _recent(probe: Probe, now: datetime) -> None:
    since = now - RECENT_SPAN
    if probe.results.filter(at__gt=since).exists():
        return
    rng = random.Random(f"{probe.component}-{probe.region_id}")  # noqa: S311 - demo latencies
    results = []
    moment = since + RECENT_EVERY
    while moment <= now:
        results.append(
            ProbeResult(
                probe=probe,
                at=moment,
                ok=True,
                code=200 if probe.component == Component.API else 250,
                latency_ms=rng.randint(60, 240),
                reply=_reply(probe.component, down=False),
            )
        )
        moment += RECENT_EVERY
    ProbeResult.objects.bulk_create(results, ignore_conflicts=True)
